package tandem

import (
	"strconv"
	"time"
)

// Therapist is an account that shares the quiz with clients by link and,
// with each client's consent, follows their results.
type Therapist struct {
	ID           int64
	Email        string // as typed at sign-up; compared without regard to case
	DisplayName  string // what clients see: "shared by …"
	PasswordHash string // argon2id, PHC string format
	// SessionEpoch changes with the password; a session started under an
	// older epoch is over.
	SessionEpoch int64
	CreatedAt    time.Time
}

// ShareLink is a link a therapist sends to a client. The database keeps
// only the hash of its token.
type ShareLink struct {
	ID            int64
	TherapistID   int64
	QuizID        string
	Label         string // private to the therapist, such as client initials
	SharesAnswers bool   // the client's answers are shared, not only scores and result
	CreatedAt     time.Time
	ExpiresAt     time.Time // zero: never
	RevokedAt     time.Time // zero: not revoked
	// Nonce, with the server's key, makes the link's token again (see
	// DeriveToken); nil for a link that cannot be shown again.
	Nonce     []byte
	TokenHash []byte

	// TherapistName is the display name of the therapist, for the client.
	TherapistName string
	// Clients is how many people agreed to share through the link, and
	// LastUsedAt when one last did; zero when no one has.
	Clients    int
	LastUsedAt time.Time
}

// Link states, in the order a link passes through them.
const (
	LinkActive  = "active"
	LinkExpired = "expired"
	LinkRevoked = "revoked"
)

// State says whether the link can still be used at now.
func (l *ShareLink) State(now time.Time) string {
	switch {
	case !l.RevokedAt.IsZero():
		return LinkRevoked
	case !l.ExpiresAt.IsZero() && !now.Before(l.ExpiresAt):
		return LinkExpired
	}
	return LinkActive
}

// Share is one person's consent to share one quiz's results through one
// link: what the therapist's dashboard calls a client. It outlives the
// consent: once the client stops sharing (or deletes their data) the
// therapist still sees that they did, and nothing else.
type Share struct {
	ID          int64
	Link        ShareLink
	PersonID    int64     // 0 once the person deleted everything
	ConsentedAt time.Time // the consent in force; attempts finished before it are not shared
	Wording     string    // version of the consent text the person agreed to
	StoppedAt   time.Time // zero while sharing

	// Number is the share's place among its link's, in the order they were
	// given (from 1), and Of how many the link has: with the label, what
	// names the client to the therapist.
	Number, Of int
	// Attempts is how many attempts are shared, and LastActivity the
	// latest of the consent and their completion times.
	Attempts     int
	LastActivity time.Time
	// Latest is the newest shared attempt's result, when there is one.
	Latest *LatestResult
}

// Name names the client to their therapist (see ClientName).
func (s *Share) Name() string { return ClientName(s.Link.Label, s.Number, s.Of) }

// Sharing reports whether the client still shares.
func (s *Share) Sharing() bool { return s.StoppedAt.IsZero() && s.PersonID != 0 }

// LatestResult names a client's newest shared result.
type LatestResult struct {
	QuizID, QuizHash, ResultID string
}

// Consent says what agreeing to share did.
type Consent struct {
	ShareID   int64
	PersonID  int64
	NewPerson bool // the person was created for it, from Owner.NewTokenHash
}

// What a therapist looked at, as the access log records it.
const (
	AccessList    = "list"    // the dashboard, which shows the latest result
	AccessClient  = "client"  // the client's page: results, trends
	AccessResult  = "result"  // one attempt
	AccessCompare = "compare" // two attempts side by side
	AccessExport  = "export"  // the CSV of all shared results
)

// Access is one look by a therapist at a client's results, without what
// was seen.
type Access struct {
	ShareID       int64 // 0 once the therapist's account is deleted
	At            time.Time
	What          string
	TherapistName string
	// Label, Number and Of name the client, for the therapist's own log
	// (see Share).
	Label      string
	Number, Of int
}

// ClientName names a client to their therapist: the link's label, with
// the client's number when several people share through the link.
func ClientName(label string, number, of int) string {
	if of < 2 {
		return label
	}
	return label + " · " + strconv.Itoa(number)
}
