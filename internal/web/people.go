package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-app/tandem/internal/tandem"
)

// A browser holds a person (whose history its results join) in one of two
// cookies. By default for this visit only (visitCookie, gone when the
// browser closes): on a shared or watched device the next person finds
// nothing. Remembered (personCookie, as long as browsers allow, 400 days,
// renewed on each visit to the personal page) only when the person asks
// for it on that device. "Forget this device" removes both.
const (
	visitCookie     = "tandem_visit"
	personCookie    = "tandem_me"
	personCookieAge = 400 * 24 * 60 * 60
)

// setPersonCookie makes this browser hold the person of token: for this
// visit, or remembered.
func (s *Server) setPersonCookie(w http.ResponseWriter, r *http.Request, token string, remember bool) {
	keep, drop := visitCookie, personCookie
	maxAge := 0 // until the browser closes
	if remember {
		keep, drop, maxAge = personCookie, visitCookie, personCookieAge
	}
	http.SetCookie(w, &http.Cookie{
		Name: keep, Value: token, Path: "/",
		MaxAge: maxAge, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
	if _, err := r.Cookie(drop); err == nil {
		s.clearCookie(w, r, drop)
	}
}

// clearPersonCookies makes this browser forget its person.
func (s *Server) clearPersonCookies(w http.ResponseWriter, r *http.Request) {
	s.clearCookie(w, r, personCookie)
	s.clearCookie(w, r, visitCookie)
}

func (s *Server) clearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, &http.Cookie{
		Name: name, Value: "", Path: "/",
		MaxAge: -1, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// personToken returns the personal token this browser holds, remembered
// or for this visit, without looking it up.
func (s *Server) personToken(r *http.Request) (string, bool) {
	for _, name := range []string{personCookie, visitCookie} {
		if c, err := r.Cookie(name); err == nil && tandem.ValidToken(c.Value) {
			return c.Value, true
		}
	}
	return "", false
}

// rememberedHere reports whether this browser remembers its person beyond
// this visit.
func rememberedHere(r *http.Request) bool {
	c, err := r.Cookie(personCookie)
	return err == nil && tandem.ValidToken(c.Value)
}

// personFromCookie returns the person this browser holds, if any.
func (s *Server) personFromCookie(r *http.Request) (string, *tandem.Person, bool) {
	token, ok := s.personToken(r)
	if !ok {
		return "", nil, false
	}
	p, err := s.store.FindPersonByToken(r.Context(), tandem.HashToken(token))
	if err != nil {
		return "", nil, false
	}
	return token, p, true
}

// loadPerson returns the person whose personal link the URL holds.
func (s *Server) loadPerson(r *http.Request) (string, *tandem.Person, error) {
	token, err := urlToken(r, "me")
	if err != nil {
		return "", nil, err
	}
	p, err := s.store.FindPersonByToken(r.Context(), tandem.HashToken(token))
	return token, p, err
}

// loadPersonAttempt returns the person of the URL and one of their
// attempts, with its quiz; someone else's attempt id is ENOTFOUND.
func (s *Server) loadPersonAttempt(r *http.Request) (string, *tandem.Person, attempt, error) {
	token, p, err := s.loadPerson(r)
	if err != nil {
		return "", nil, attempt{}, err
	}
	id, err := parseID(chi.URLParam(r, "attempt"))
	if err != nil {
		return "", nil, attempt{}, err
	}
	a, err := s.store.FindPersonAttempt(r.Context(), p.ID, id)
	if err != nil {
		return "", nil, attempt{}, err
	}
	at, err := s.withQuiz(a)
	return token, p, at, err
}

// handleMe sends this browser to its personal page, or explains that it
// has none.
func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	if token, _, ok := s.personFromCookie(r); ok {
		http.Redirect(w, r, personURL(token), http.StatusSeeOther)
		return nil
	}
	return &tandem.Error{Code: tandem.ENOTFOUND, Title: "me.none.title", Message: "me.none.message"}
}

// handleAdopt makes this browser hold this personal page, for this visit,
// instead of the one it held: what the person takes here from now on joins
// it. Only ever a POST, from the page that said whose history it is and
// what joining does: a link followed (or pasted) ties nothing to anyone.
func (s *Server) handleAdopt(w http.ResponseWriter, r *http.Request) error {
	token, _, err := s.loadPerson(r)
	if err != nil {
		return err
	}
	s.setPersonCookie(w, r, token, false)
	http.Redirect(w, r, personURL(token), http.StatusSeeOther)
	return nil
}

// handleRemember makes this browser remember, beyond this visit, the
// personal page it holds; only the browser that holds it may ask.
func (s *Server) handleRemember(w http.ResponseWriter, r *http.Request) error {
	token, _, err := s.loadPerson(r)
	if err != nil {
		return err
	}
	if held, ok := s.personToken(r); !ok || held != token {
		http.Redirect(w, r, personURL(token), http.StatusSeeOther)
		return nil
	}
	s.setPersonCookie(w, r, token, true)
	http.Redirect(w, r, personURL(token)+"?remembered=1", http.StatusSeeOther)
	return nil
}

// handleForget makes this browser forget the person it holds and their
// unfinished answers, from any page; the history stays, reachable by its
// link.
func (s *Server) handleForget(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return formError(err)
	}
	// On a shared computer the next person must not resume this one's
	// unfinished answers either, nor repeat a finished one's last page.
	s.clearDraftCookies(w, r)
	s.clearDoneCookies(w, r)
	s.clearPersonCookies(w, r)
	http.Redirect(w, r, homePath+"?forgotten=1", http.StatusSeeOther)
	return nil
}

func (s *Server) handleAttemptDelete(w http.ResponseWriter, r *http.Request) error {
	token, p, a, err := s.loadPersonAttempt(r)
	if err != nil {
		return err
	}
	if err := s.store.DeleteAttempt(r.Context(), p.ID, a.ID); err != nil {
		return err
	}
	http.Redirect(w, r, personURL(token)+"?deleted=1", http.StatusSeeOther)
	return nil
}

func (s *Server) handleDeleteAll(w http.ResponseWriter, r *http.Request) error {
	_, p, err := s.loadPerson(r)
	if err != nil {
		return err
	}
	// Unfinished attempts, and results this browser finished but did not
	// keep, belong to no one: those it holds go too, in the same
	// transaction, since "everything" is what the person asked for.
	var hashes [][]byte
	for _, token := range s.draftTokens(r) {
		hashes = append(hashes, tandem.HashToken(token))
	}
	for _, q := range s.quizzes.List() {
		if c, err := r.Cookie(doneCookie(q.ID)); err == nil && tandem.ValidToken(c.Value) {
			hashes = append(hashes, tandem.HashToken(c.Value))
		}
	}
	if err := s.store.DeletePerson(r.Context(), p.ID, hashes...); err != nil {
		return err
	}
	s.clearDraftCookies(w, r)
	s.clearDoneCookies(w, r)
	s.clearPersonCookies(w, r)
	http.Redirect(w, r, deletedPath, http.StatusSeeOther)
	return nil
}
