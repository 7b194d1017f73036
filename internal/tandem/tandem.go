// Package tandem holds what every other package shares: the error type
// whose code decides the HTTP status, attempt tokens, and the Attempt.
package tandem

import (
	"errors"
	"fmt"
	"time"

	"github.com/tandem-app/tandem/internal/scoring"
)

// Error codes. A code decides the status of the answer and, unless the
// error names its own, the page the person reads. Anything that is not an
// *Error is EINTERNAL: the person sees a calm generic page and only the
// log gets the detail.
const (
	EINVALID     = "invalid"     // a request no page of ours sends: 400
	EFORBIDDEN   = "forbidden"   // refused, such as a form sent from another site: 403
	ENOTFOUND    = "not_found"   // no such thing, or not yours: 404
	ENOTALLOWED  = "not_allowed" // a method the address does not take: 405
	ECONFLICT    = "conflict"    // the state moved on (e.g. the quiz changed): 409
	EGONE        = "gone"        // it was there and has ended: 410
	ETOOLARGE    = "too_large"   // a request body over the limit: 413
	ETOOMANY     = "too_many"    // too many requests for now: 429
	EINTERNAL    = "internal"    // a bug or an outage: 500
	EUNAVAILABLE = "unavailable" // storage cannot take writes now: 503
)

// Error is the one error type from the store to the page. Code decides
// the status. Title and Message are the catalogue ids of what the person
// reads, empty for the code's own; Action and ActionURL offer a way on.
// Detail is for the log alone: it is never shown, and names no secret.
type Error struct {
	Code              string
	Title, Message    string
	Action, ActionURL string
	Detail            string
}

func (e *Error) Error() string {
	if e.Detail == "" {
		return e.Code + ": " + e.Message
	}
	return e.Code + ": " + e.Detail
}

// Errorf returns an *Error with the code and, for the log, a formatted
// detail; the person reads the code's own page.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Detail: fmt.Sprintf(format, args...)}
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
	// ResultTokenHash is the hash of the token its result is reached by,
	// given at completion; nil while in progress, and for attempts
	// completed before results had tokens of their own (their result is
	// at the attempt's token).
	ResultTokenHash []byte

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
	// Done is true when the attempt is now completed. It is false when a
	// required item is still unanswered (then Missing lists them), and
	// when the attempt had already been completed (a form sent twice:
	// nothing changed).
	Done bool
	// Missing lists the required items still unanswered, in quiz order,
	// and Answers every answer given so far, for the page that asks for
	// them.
	Missing []string
	Answers scoring.Answers
	// PersonID is whose history the attempt is in, 0 for no one's;
	// NewPerson is true when that person was created for it, from
	// Owner.NewTokenHash.
	PersonID  int64
	NewPerson bool
}

// Owner says whose history a completed attempt joins: the person whose
// personal link has the token hash TokenHash, when set and still there,
// otherwise a new person reached by the token whose hash is NewTokenHash;
// with neither, no one's (the result stands on its own, reached by its
// link, until someone keeps it: KeepResult). People are named by token
// hash, never by row id: ids of deleted rows are reused, hashes of random
// tokens never are.
type Owner struct {
	TokenHash    []byte
	NewTokenHash []byte
}
