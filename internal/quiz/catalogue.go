package quiz

import (
	"errors"
	"fmt"
)

// Source is a quiz file as the store keeps it: its exact bytes, under the
// hex SHA-256 by which attempts name the file they are scored with.
type Source struct {
	Hash   string
	QuizID string
	Data   []byte
}

// Catalogue is every quiz the server knows, loaded once when it starts:
// the current files, which new attempts are taken on, and every file a
// past attempt was scored with, by hash. It is the one place that says
// which quiz an attempt is on.
type Catalogue struct {
	current []*Quiz
	byID    map[string]*Quiz
	byHash  map[string]*Quiz
	broken  []BrokenSource
}

// BrokenSource is a stored quiz file that no longer loads, such as one
// written for an older, laxer loader: the attempts scored with it cannot
// be shown until the loader accepts it again.
type BrokenSource struct {
	Hash, QuizID string
	Err          error
}

// Errors of For.
var (
	// ErrChanged: an unfinished attempt's file is no longer the current
	// one, even if its version is the same, so its answers may not mean
	// the same any more.
	ErrChanged = errors.New("the quiz file changed under an unfinished attempt")
	// ErrUnknown: no file with the hash is known, or it no longer loads.
	ErrUnknown = errors.New("no such quiz file")
)

// NewCatalogue builds the catalogue from the current quizzes, in display
// order with unique ids, and the stored files of past attempts (which may
// include the current ones). Stored files that no longer load are kept
// aside, for Broken to report.
func NewCatalogue(current []*Quiz, stored []Source) *Catalogue {
	c := &Catalogue{
		current: current,
		byID:    make(map[string]*Quiz, len(current)),
		byHash:  make(map[string]*Quiz, len(current)+len(stored)),
	}
	for _, q := range current {
		c.byID[q.ID] = q
		c.byHash[q.Hash] = q
	}
	for _, src := range stored {
		if _, ok := c.byHash[src.Hash]; ok {
			continue
		}
		q, err := Parse(src.QuizID+" (stored copy)", src.Data)
		if err != nil {
			c.broken = append(c.broken, BrokenSource{Hash: src.Hash, QuizID: src.QuizID, Err: err})
			continue
		}
		c.byHash[src.Hash] = q
	}
	return c
}

// List returns the current quizzes in display order.
func (c *Catalogue) List() []*Quiz { return c.current }

// Current returns the current quiz with the id.
func (c *Catalogue) Current(id string) (*Quiz, bool) {
	q, ok := c.byID[id]
	return q, ok
}

// For returns the quiz of an attempt at quiz id that started on the file
// with the hash. A finished attempt is shown with the file it was scored
// with, current or past (ErrUnknown when that file is not known). An
// unfinished one goes on only with the current file it started on
// (ErrChanged otherwise).
func (c *Catalogue) For(id, hash string, finished bool) (*Quiz, error) {
	if !finished {
		if q, ok := c.byID[id]; ok && q.Hash == hash {
			return q, nil
		}
		return nil, fmt.Errorf("quiz %s: %w", id, ErrChanged)
	}
	if q, ok := c.byHash[hash]; ok {
		return q, nil
	}
	return nil, fmt.Errorf("quiz %s, file %s: %w", id, hash, ErrUnknown)
}

// Broken lists the stored files that no longer load.
func (c *Catalogue) Broken() []BrokenSource { return c.broken }
