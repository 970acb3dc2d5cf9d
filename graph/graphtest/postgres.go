// Package graphtest holds helpers for tests that run against real backends,
// shared by every package that tests on PostgreSQL.
package graphtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/cayleygraph/cayley/graph/sql/postgres" // the backend, and lib/pq's "postgres" driver
)

// PostgresEnv names the variable holding the URL of a PostgreSQL database
// the tests may create other databases from. .ci/postgres.sh sets it.
const PostgresEnv = "AGENCYGRAPH_TEST_POSTGRES"

// skipMessage says how to run the skipped tests.
const skipMessage = PostgresEnv + " is not set; to run the PostgreSQL tests: " +
	"source .ci/postgres.sh && pg_start && go test ./... (pg_stop when done)"

// PostgresDB creates a new, empty database on the server $AGENCYGRAPH_TEST_POSTGRES
// points at and returns its URL; the database is dropped when the test ends,
// so tests can rerun and run in parallel. Without the variable, or with
// -short, it skips the test with a message saying how to run it.
func PostgresDB(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" || testing.Short() {
		tb.Skip(skipMessage)
	}
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("%s: %v", PostgresEnv, err)
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		tb.Fatalf("connect %s: %v", u.Redacted(), err)
	}
	tb.Cleanup(func() { admin.Close() })
	var b [6]byte
	rand.Read(b[:])
	name := "agtest_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database %s on %s: %v", name, u.Redacted(), err)
	}
	// Cleanups run last-in first-out, so this runs after the test's own
	// (closing its stores); FORCE ends any connection a failed test left open.
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
