package cli_test

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/agencygraph/agencygraph/graph/graphtest"
	"github.com/agencygraph/agencygraph/internal/cli"
)

// run runs the command line as main does and returns its exit code and output.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = cli.Main(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// load and stats with --db keep the quads in the store between runs, in a
// Bolt file and in PostgreSQL alike (the latter skipped without
// AGENCYGRAPH_TEST_POSTGRES).
func TestLoad_ThenStats(t *testing.T) {
	backends := []struct {
		name string
		db   func(t *testing.T) string
	}{
		{"bolt", func(t *testing.T) string { return filepath.Join(t.TempDir(), "ag.bolt") }},
		{"postgres", func(t *testing.T) string { return graphtest.PostgresDB(t) }},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			db := b.db(t)
			code, out, errs := run(t, "", "load", "--db", db, "../../testdata/load/good.nq")
			if code != 0 {
				t.Fatalf("load exit %d: %s", code, errs)
			}
			if !regexp.MustCompile(`^15 quads added, 0 duplicates skipped, [0-9.]+s \(\d+ quads/s\) into ` + b.name + ` `).MatchString(out) {
				t.Errorf("summary = %q", out)
			}
			if errs != "" {
				t.Errorf("stderr = %q, want nothing (no terminal, no progress bar)", errs)
			}
			// The same data again from stdin: all duplicates.
			code, out, _ = run(t, readFile(t, "../../testdata/load/good.nq"), "load", "--db", db, "-")
			if code != 0 || !strings.HasPrefix(out, "0 quads added, 15 duplicates skipped") {
				t.Errorf("second load: exit %d, %q", code, out)
			}
			code, _, errs = run(t, "<a> <b> <c> .\n<a> <b> \"x\"@1 .\n", "load", "--db", db, "-")
			if code != 1 || !strings.HasPrefix(errs, "agencygraph: -:2:") {
				t.Errorf("bad load: exit %d, stderr %q; want exit 1 naming -:2", code, errs)
			}
			code, out, errs = run(t, "", "stats", "--db", db)
			if code != 0 {
				t.Fatalf("stats exit %d: %s", code, errs)
			}
			for _, want := range []string{"backend     " + b.name + "\n", "quads       15\n", "predicates  9\n", "sources     1\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("stats output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestLoad_SyntaxErrorNamesLine(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ag.bolt")
	code, out, errs := run(t, "<a> <b> <c> .\n<a> <b> \"x\"@1 .\n", "load", "--db", db, "-")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q; want exit 1 and no summary", code, out)
	}
	if !strings.HasPrefix(errs, "agencygraph: -:2:") || strings.Count(errs, "\n") != 1 {
		t.Errorf("stderr = %q, want one line naming -:2:col", errs)
	}
}

func TestLoad_MissingFile(t *testing.T) {
	code, _, errs := run(t, "", "load", "--db", filepath.Join(t.TempDir(), "x"), "no-such.nq")
	if code != 1 || !strings.Contains(errs, "no-such.nq") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}
