package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/tandem-app/tandem/internal/sqlite"
)

// backupCommand takes a consistent copy of the database while the server
// runs: tandem backup [-db PATH] FILE.
func backupCommand(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("tandem backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	def := getenv("TANDEM_DB")
	if def == "" {
		def = filepath.Join("data", "tandem.db")
	}
	dbPath := fs.String("db", def, "SQLite database file to copy (TANDEM_DB)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: tandem backup [-db PATH] FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errReported
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errReported
	}
	target := fs.Arg(0)
	if _, err := os.Stat(*dbPath); err != nil {
		return fmt.Errorf("no database at %s: %w", *dbPath, err)
	}
	db, err := sqlite.Open(ctx, *dbPath, sqlite.WithLogger(slog.New(slog.NewTextHandler(stderr, nil))))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, target); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s\n", *dbPath, target)
	return nil
}
