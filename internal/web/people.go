package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/tandem-app/tandem/internal/tandem"
)

// personCookie remembers, in one browser, whose history it holds. It lives
// as long as browsers allow (400 days), renewed on every visit to the
// personal page; "forget this device" removes it.
const (
	personCookie    = "tandem_me"
	personCookieAge = 400 * 24 * 60 * 60
)

func (s *Server) setPersonCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{
		Name: personCookie, Value: token, Path: "/",
		MaxAge: personCookieAge, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearPersonCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{
		Name: personCookie, Value: "", Path: "/",
		MaxAge: -1, HttpOnly: true, Secure: s.secure(r), SameSite: http.SameSiteLaxMode,
	})
}

// personFromCookie returns the person this browser remembers, if any.
func (s *Server) personFromCookie(r *http.Request) (string, *tandem.Person, bool) {
	c, err := r.Cookie(personCookie)
	if err != nil || !tandem.ValidToken(c.Value) {
		return "", nil, false
	}
	p, err := s.store.FindPersonByToken(r.Context(), tandem.HashToken(c.Value))
	if err != nil {
		return "", nil, false
	}
	return c.Value, p, true
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

// handleAdopt makes this browser remember this personal page instead of
// the one it remembered.
func (s *Server) handleAdopt(w http.ResponseWriter, r *http.Request) error {
	token, _, err := s.loadPerson(r)
	if err != nil {
		return err
	}
	s.setPersonCookie(w, r, token)
	http.Redirect(w, r, personURL(token), http.StatusSeeOther)
	return nil
}

// handleForget makes this browser forget the personal page; the history
// stays, reachable by the link.
func (s *Server) handleForget(w http.ResponseWriter, r *http.Request) error {
	if _, _, err := s.loadPerson(r); err != nil {
		return err
	}
	// On a shared computer the next person must not resume this one's
	// unfinished answers either.
	s.clearDraftCookies(w, r)
	s.clearPersonCookie(w, r)
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
	// Unfinished attempts belong to no one yet; those this browser holds
	// go too, in the same transaction, since "everything" is what the
	// person asked for.
	drafts := s.draftTokens(r)
	hashes := make([][]byte, 0, len(drafts))
	for _, token := range drafts {
		hashes = append(hashes, tandem.HashToken(token))
	}
	if err := s.store.DeletePerson(r.Context(), p.ID, hashes...); err != nil {
		return err
	}
	s.clearDraftCookies(w, r)
	s.clearPersonCookie(w, r)
	http.Redirect(w, r, deletedPath, http.StatusSeeOther)
	return nil
}
