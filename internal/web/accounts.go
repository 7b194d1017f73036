package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tandem-app/tandem/internal/password"
	"github.com/tandem-app/tandem/internal/tandem"
	"github.com/tandem-app/tandem/web/views"
)

// maxHashes is how many password hashes run at once: each takes 19 MiB
// and most of a core for a moment, so many at once would starve pages.
const maxHashes = 2

// authForm is a sign-up, log-in or password form as sent.
type authForm struct {
	email, name, password, current string
}

// decodeAuthForm reads the fields a form of ours sends; anything else is a
// form no page of ours made.
func decodeAuthForm(r *http.Request, fields ...string) (authForm, error) {
	if err := r.ParseForm(); err != nil {
		return authForm{}, formError(err)
	}
	allowed := map[string]bool{}
	for _, f := range fields {
		allowed[f] = true
	}
	var f authForm
	for name, values := range r.PostForm {
		if !allowed[name] || len(values) != 1 || !utf8.ValidString(values[0]) {
			return authForm{}, errInvalid
		}
		v := values[0]
		switch name {
		case "email":
			f.email = strings.TrimSpace(v)
		case "name":
			f.name = strings.TrimSpace(v)
		case "password":
			f.password = v
		case "current":
			f.current = v
		}
	}
	return f, nil
}

// Limits on what people type, so that a page never has to show a novel.
const (
	maxEmail = 254 // RFC 5321
	maxName  = 100
	maxLabel = 60
)

// hidesItself reports whether s can read as something else than it is,
// in a page or a spreadsheet, so that no text people type may be such:
//
//   - it holds a character that is not text to read: a control character
//     (Unicode Cc: C0, DEL, C1), a format character (Cf: the bidirectional
//     controls such as U+202E, direction marks, zero-width characters, the
//     byte order mark, tag characters) or a line or paragraph separator
//     (Zl, Zp);
//   - nothing in it shows: only spaces and letters that draw nothing, such
//     as the Hangul fillers, a name that would read as blank;
//   - it stacks more than maxMarks combining marks on one letter, which
//     spill over the lines around it.
func hidesItself(s string) bool {
	if strings.IndexFunc(s, hiddenRune) >= 0 {
		return true
	}
	shows, marks := false, 0
	for _, r := range s {
		if unicode.In(r, unicode.Mn, unicode.Me) {
			if marks++; marks > maxMarks {
				return true
			}
			continue
		}
		marks = 0
		shows = shows || !(unicode.IsSpace(r) || blankRune(r))
	}
	return s != "" && !shows
}

// maxMarks is the most combining marks one letter takes: Vietnamese needs
// two, some scripts three; more is decoration that hides its neighbours.
const maxMarks = 3

// hiddenRune reports whether r is a character that is not text to read.
func hiddenRune(r rune) bool { return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) }

// blankRune reports whether r is a letter or symbol that draws nothing.
func blankRune(r rune) bool {
	switch r {
	case '\u115F', '\u1160', '\u3164', '\uFFA0', // Hangul fillers
		'\u2800', // the blank Braille pattern
		'\u034F': // the combining grapheme joiner
		return true
	}
	return false
}

// validEmail accepts one plain address, as typed: "a@b.example".
func validEmail(s string) bool {
	if len(s) > maxEmail || strings.ContainsAny(s, " <>\"") || hidesItself(s) {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndex(s, "@"):], ".")
}

// passwordProblem says why pw cannot be a password, or "" when it can.
func passwordProblem(ctx context.Context, pw string) string {
	id := "account.problem.invalid"
	switch err := password.Check(pw); {
	case err == nil:
		return ""
	case errors.Is(err, password.ErrTooShort):
		id = "account.problem.short"
	case errors.Is(err, password.ErrTooLong):
		id = "account.problem.long"
	case errors.Is(err, password.ErrCommon):
		id = "account.problem.common"
	}
	return views.T(ctx, id, "Min", password.MinLength, "Max", password.MaxLength)
}

func (s *Server) handleSignupShow(w http.ResponseWriter, r *http.Request) error {
	if _, ok := s.currentTherapist(r); ok {
		http.Redirect(w, r, dashboardPath, http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, views.SignupView(views.AuthForm{}))
	return nil
}

func (s *Server) handleSignup(w http.ResponseWriter, r *http.Request) error {
	f, err := decodeAuthForm(r, "email", "name", "password")
	if err != nil {
		return err
	}
	ctx := r.Context()
	v := views.AuthForm{Email: f.email, Name: f.name, Problems: map[string]string{}}
	if !validEmail(f.email) {
		v.Problems["email"] = views.T(ctx, "account.problem.email")
	}
	switch {
	case hidesItself(f.name):
		v.Problems["name"] = views.T(ctx, "account.problem.hidden")
	case f.name == "" || utf8.RuneCountInString(f.name) > maxName:
		v.Problems["name"] = views.T(ctx, "account.problem.name", "Max", maxName)
	}
	if p := passwordProblem(ctx, f.password); p != "" {
		v.Problems["password"] = p
	}
	if len(v.Problems) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.SignupView(v))
		return nil
	}
	hash, err := s.hashPassword(ctx, f.password)
	if err != nil {
		return err
	}
	t, err := s.store.CreateTherapist(ctx, f.email, f.name, hash)
	if isCode(err, tandem.ECONFLICT) {
		// Saying so tells whether an address has an account, but a sign-up
		// form cannot hide it: the person must learn why it failed.
		v.Problems["email"] = views.T(ctx, "account.problem.taken")
		s.render(w, r, http.StatusUnprocessableEntity, views.SignupView(v))
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.startSession(ctx, t); err != nil {
		return err
	}
	http.Redirect(w, r, dashboardPath, http.StatusSeeOther)
	return nil
}

func (s *Server) handleLoginShow(w http.ResponseWriter, r *http.Request) error {
	if _, ok := s.currentTherapist(r); ok {
		http.Redirect(w, r, dashboardPath, http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, views.LoginView(views.AuthForm{LoggedOut: r.URL.Query().Get("out") == "1"}))
	return nil
}

// hashWait is how long a request waits for a free password hasher before
// it is told to try again (503): a flood of logins must not hold every
// request of the site.
const hashWait = 5 * time.Second

// checkPassword tells whether pw is the password of the account with the
// email address (t nil: no such account, checked against nothing in the
// same time). Guessing is limited: a failure is counted, per account and
// per client address, before the check starts, so that guesses sent at
// once count too, and forgiven when the password is right. Past the
// limits it answers 429 with Retry-After, without checking. A logged-in
// therapist asked for their current password (inSession) is counted apart
// from logins, so that strangers guessing at the login cannot lock the
// owner out of changing it.
func (s *Server) checkPassword(w http.ResponseWriter, r *http.Request, email string, t *tandem.Therapist, pw string, inSession bool) (bool, error) {
	account := loginKeyAccount + strings.ToLower(email)
	if inSession {
		account = loginKeySession + formatID(t.ID)
	}
	keys := []string{loginKeyAddress + clientAddr(r), account}
	try, wait := s.logins.begin(keys...)
	if wait > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
		return false, errTooManyLogins
	}
	ctx, cancel := context.WithTimeout(r.Context(), hashWait)
	defer cancel()
	var ok bool
	var err error
	if t == nil {
		err = s.hasher.VerifyNothing(ctx, pw)
	} else {
		ok, err = s.hasher.Verify(ctx, pw, t.PasswordHash)
	}
	switch {
	case err != nil: // never checked (no hasher in time, or the client left)
		s.logins.undo(try)
		return false, hashError(err)
	case ok:
		s.logins.forgive(try)
	}
	return ok, nil
}

// hashPassword hashes a new password, waiting at most hashWait for a
// free hasher.
func (s *Server) hashPassword(ctx context.Context, pw string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, hashWait)
	defer cancel()
	hash, err := s.hasher.Hash(ctx, pw)
	return hash, hashError(err)
}

// hashError makes a hash that did not run, for want of time or because
// the client left, "try again" (503) rather than a failure of ours.
func hashError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return errors.Join(tandem.Errorf(tandem.EUNAVAILABLE, "busy"), err)
	}
	return err
}

// handleLogin answers an unknown address and a wrong password alike, in
// the same time; checkPassword limits guessing.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	f, err := decodeAuthForm(r, "email", "password")
	if err != nil {
		return err
	}
	ctx := r.Context()
	t, err := s.store.FindTherapistByEmail(ctx, f.email)
	switch {
	case isCode(err, tandem.ENOTFOUND):
		t = nil
	case err != nil:
		return err
	}
	ok, err := s.checkPassword(w, r, f.email, t, f.password, false)
	if err != nil {
		return err
	}
	if !ok {
		s.render(w, r, http.StatusUnprocessableEntity, views.LoginView(views.AuthForm{
			Email: f.email, Error: views.T(ctx, "login.wrong")}))
		return nil
	}
	if err := s.startSession(ctx, t); err != nil {
		return err
	}
	http.Redirect(w, r, dashboardPath, http.StatusSeeOther)
	return nil
}

var errTooManyLogins = &tandem.Error{Code: tandem.ETOOMANY, Title: "login.toomany.title", Message: "login.toomany.message"}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, loginPath+"?out=1", http.StatusSeeOther)
	return nil
}

func (s *Server) handleAccount(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, views.AccountView(s.accountView(r)))
	return nil
}

func (s *Server) accountView(r *http.Request) views.Account {
	t := therapist(r)
	return views.Account{
		Email: t.Email, Name: t.DisplayName, Since: formatDate(r.Context(), t.CreatedAt),
		PasswordChanged: r.URL.Query().Get("changed") == "1",
	}
}

// handlePasswordChange sets a new password after checking the current
// one, and ends every other session of the account: the new epoch makes
// them stale, and this session moves to it under a new token.
func (s *Server) handlePasswordChange(w http.ResponseWriter, r *http.Request) error {
	f, err := decodeAuthForm(r, "current", "password")
	if err != nil {
		return err
	}
	ctx := r.Context()
	t := therapist(r)
	v := s.accountView(r)
	v.Problems = map[string]string{}
	ok, err := s.checkPassword(w, r, t.Email, t, f.current, true)
	if err != nil {
		return err
	}
	if !ok {
		v.Problems["current"] = views.T(ctx, "account.problem.current")
	}
	if p := passwordProblem(ctx, f.password); p != "" {
		v.Problems["password"] = p
	}
	if len(v.Problems) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.AccountView(v))
		return nil
	}
	hash, err := s.hashPassword(ctx, f.password)
	if err != nil {
		return err
	}
	if t.SessionEpoch, err = s.store.SetTherapistPassword(ctx, t.ID, hash); err != nil {
		return err
	}
	if err := s.startSession(ctx, t); err != nil {
		return err
	}
	http.Redirect(w, r, accountPath+"?changed=1", http.StatusSeeOther)
	return nil
}

func (s *Server) handleAccountDeleteConfirm(w http.ResponseWriter, r *http.Request) error {
	s.render(w, r, http.StatusOK, views.AccountDeleteView(views.AccountDelete{}))
	return nil
}

// handleAccountDelete deletes the account, its links and what clients
// shared through them, once the password confirms it is the owner.
func (s *Server) handleAccountDelete(w http.ResponseWriter, r *http.Request) error {
	f, err := decodeAuthForm(r, "current")
	if err != nil {
		return err
	}
	ctx := r.Context()
	t := therapist(r)
	ok, err := s.checkPassword(w, r, t.Email, t, f.current, true)
	if err != nil {
		return err
	}
	if !ok {
		s.render(w, r, http.StatusUnprocessableEntity, views.AccountDeleteView(views.AccountDelete{
			Problem: views.T(ctx, "account.problem.current")}))
		return nil
	}
	if err := s.store.DeleteTherapist(ctx, t.ID); err != nil {
		return err
	}
	if err := s.sessions.Destroy(ctx); err != nil {
		return err
	}
	http.Redirect(w, r, deletedPath+"?account=1", http.StatusSeeOther)
	return nil
}
