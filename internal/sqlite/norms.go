package sqlite

import (
	"context"
	"database/sql"

	"github.com/tandem-app/tandem/internal/scoring"
	"github.com/tandem-app/tandem/internal/tandem"
)

// CompletedAnswers returns the answers of every completed attempt of the
// given quiz version, oldest attempt first, for recomputing the quiz's
// norms (scoring.Describe). Unfinished attempts are left out. It returns an
// empty list, not an error, when there are none. Attempts are matched by
// quiz id and version, not by file hash: a file that only gained norms
// scores the same answers the same way, and keeps its version.
//
// Everything is read in one read-only transaction, so attempts completed
// meanwhile are either wholly in or wholly out.
func (db *DB) CompletedAnswers(ctx context.Context, quizID string, version int) ([]scoring.Answers, error) {
	tx, err := db.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	// The left join keeps a completed attempt that has no answers at all
	// (every item optional and skipped): it is a respondent too.
	rows, err := tx.QueryContext(ctx, `SELECT a.id, n.item_id, n.value
		FROM attempts a LEFT JOIN answers n ON n.attempt_id = a.id
		WHERE a.quiz_id = ? AND a.quiz_version = ? AND a.status = ?
		ORDER BY a.id`, quizID, version, tandem.StatusCompleted)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	all := []scoring.Answers{}
	last := int64(-1)
	for rows.Next() {
		var (
			id    int64
			item  sql.NullString
			value sql.NullInt64
		)
		if err := rows.Scan(&id, &item, &value); err != nil {
			return nil, err
		}
		if id != last {
			all = append(all, scoring.Answers{})
			last = id
		}
		if item.Valid {
			all[len(all)-1][item.String] = int(value.Int64)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return all, tx.Commit()
}
