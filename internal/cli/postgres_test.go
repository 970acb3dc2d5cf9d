package cli_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/agencygraph/agencygraph/graph/graphtest"
)

// load and stats with --db postgres://… keep the quads in the database
// between runs, as they do in a Bolt file.
func TestLoad_PostgresThenStats(t *testing.T) {
	db := graphtest.PostgresDB(t)
	code, out, errs := run(t, "", "load", "--db", db, "../../testdata/load/good.nq")
	if code != 0 {
		t.Fatalf("load exit %d: %s", code, errs)
	}
	if !regexp.MustCompile(`^15 quads added, 0 duplicates skipped, [0-9.]+s \(\d+ quads/s\) into postgres postgres://`).MatchString(out) {
		t.Errorf("summary = %q", out)
	}
	if errs != "" {
		t.Errorf("stderr = %q, want nothing", errs)
	}
	code, out, _ = run(t, readFile(t, "../../testdata/load/good.nq"), "load", "--db", db, "-")
	if code != 0 || !strings.HasPrefix(out, "0 quads added, 15 duplicates skipped") {
		t.Errorf("second load: exit %d, %q", code, out)
	}
	code, out, errs = run(t, "<a> <b> <c> .\n<a> <b> \"x\"@1 .\n", "load", "--db", db, "-")
	if code != 1 || !strings.HasPrefix(errs, "agencygraph: -:2:") {
		t.Errorf("bad load: exit %d, stderr %q; want exit 1 naming -:2", code, errs)
	}
	code, out, errs = run(t, "", "stats", "--db", db)
	if code != 0 {
		t.Fatalf("stats exit %d: %s", code, errs)
	}
	for _, want := range []string{"backend     postgres\n", "quads       15\n", "predicates  9\n", "sources     1\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("stats output lacks %q:\n%s", want, out)
		}
	}
}
