// Package tandem holds what every other package shares: the error type
// whose code decides the HTTP status, attempt tokens, and the Attempt.
package tandem

import (
	"errors"
	"fmt"
	"time"

	"github.com/tandem-app/tandem/internal/scoring"
)

// Error codes. Anything that is not an *Error is EINTERNAL: the person sees
// a calm generic page and only the log gets the detail.
const (
	EINVALID     = "invalid"     // the request cannot be right: 400
	ENOTFOUND    = "not_found"   // no such thing, or not yours: 404
	ECONFLICT    = "conflict"    // the state moved on (e.g. the quiz changed): 409
	EUNAVAILABLE = "unavailable" // storage cannot take writes now: 503
	EINTERNAL    = "internal"    // a bug or an outage: 500
)

// Error is an error with a code and a message fit for the person using
// Tandem: no internals, no data.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors without one and
// "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	}
	return EINTERNAL
}

// Attempt statuses.
const (
	StatusInProgress = "in_progress"
	StatusCompleted  = "completed"
)

// Attempt is one person's pass through one quiz, addressed only by a
// secret token that the database knows by its hash.
type Attempt struct {
	ID          int64
	QuizID      string
	QuizVersion int
	QuizHash    string // hex SHA-256 of the quiz file it is scored with
	Status      string
	PersonID    int64 // whose history it belongs to; 0 while in progress
	// SharedWith is the therapist who will see it, for an attempt taken
	// for a share still in force; "" for a private one.
	SharedWith  string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	CompletedAt time.Time // zero while in progress

	Answers scoring.Answers
	// Outcome is the scored result, stored unrounded; nil while the
	// attempt is in progress.
	Outcome *scoring.Outcome
}

// Completed reports whether the attempt has been scored.
func (a *Attempt) Completed() bool { return a.Status == StatusCompleted }

// Took is how long the attempt took from start to finish; 0 while in
// progress.
func (a *Attempt) Took() time.Duration {
	if a.CompletedAt.IsZero() {
		return 0
	}
	return a.CompletedAt.Sub(a.CreatedAt)
}

// Person is someone with a history of attempts, known only by the hash of
// the secret link to their personal page.
type Person struct {
	ID        int64
	CreatedAt time.Time
}

// Completion says what completing an attempt did.
type Completion struct {
	// Done is false when the attempt had already been completed (a form
	// sent twice): nothing changed.
	Done bool
	// PersonID is whose history the attempt is in; NewPerson is true when
	// that person was created for it, from Owner.NewTokenHash.
	PersonID  int64
	NewPerson bool
}

// Owner says whose history a completed attempt joins: the person whose
// personal link has the token hash TokenHash, when set and still there,
// otherwise a new person reached by the token whose hash is NewTokenHash.
// People are named by token hash, never by row id: ids of deleted rows are
// reused, hashes of random tokens never are.
type Owner struct {
	TokenHash    []byte
	NewTokenHash []byte
}
