package refdata_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/agencygraph/agencygraph/internal/refdata"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/refdata")

const (
	fixtures  = "../../testdata/refdata"
	sharedDir = "../../../shared/data" // the reference lists, beside the repository
	quadsDir  = "../../quads"
)

func mustOpen(tb testing.TB, name string) *os.File {
	tb.Helper()
	f, err := os.Open(name)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// convert runs the conversion named source on the files in dir.
func convert(tb testing.TB, source, dir, fr, cisa string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	var err error
	switch source {
	case "federalregister":
		err = refdata.ConvertFederalRegister(&buf, mustOpen(tb, filepath.Join(dir, fr)), fr)
	case "cisa":
		err = refdata.ConvertCISA(&buf, mustOpen(tb, filepath.Join(dir, cisa)), cisa, mustOpen(tb, filepath.Join(dir, fr)), fr)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func TestConvert_Golden(t *testing.T) {
	for _, source := range []string{"federalregister", "cisa"} {
		t.Run(source, func(t *testing.T) {
			got := convert(t, source, fixtures, "federalregister.json", "cisa.csv")
			again := convert(t, source, fixtures, "federalregister.json", "cisa.csv")
			if !bytes.Equal(got, again) {
				t.Fatal("two conversions of the same input differ")
			}
			golden := filepath.Join(fixtures, source+".golden.nq")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run go test -update to accept):\n%s", golden, got)
			}
		})
	}
}

// TestConvert_Rules checks the documented naming rules on the fixture,
// independently of the golden files.
func TestConvert_Rules(t *testing.T) {
	fr := string(convert(t, "federalregister", fixtures, "federalregister.json", "cisa.csv"))
	cisa := string(convert(t, "cisa", fixtures, "federalregister.json", "cisa.csv"))
	tests := []struct {
		name, out, line string
		present         bool
	}{
		{"unique short name is the IRI", fr, `<ICE> <http://www.w3.org/ns/org#subOrganizationOf> <DHS> <src/federalregister> .`, true},
		{"department by name", fr, `<DHS> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Department> <src/federalregister> .`, true},
		{"shared short name gives the slug", fr, `<fr/energy-department> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Department> <src/federalregister> .`, true},
		{"office of a department is no department", fr, `<fr/environment-office-energy-department> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Department>`, false},
		{"shared short name is no alias", fr, `"DOE"`, false},
		{"short name with a space gives the slug", fr, `<fr/national-commission-on-terrorist-attacks-upon-the-united-states> <http://www.w3.org/2004/02/skos/core#altLabel> "9-11 Commission"`, true},
		{"record id", fr, `<st/federalregister/503> <recordId> "FR 503" <src/federalregister> .`, true},
		{"record url", fr, `<st/federalregister/503> <http://schema.org/url> "https://www.federalregister.gov/agencies/u-s-immigration-and-customs-enforcement" <src/federalregister> .`, true},
		{"escaped name", fr, `<fr/agency-with-quotes> <http://schema.org/name> "Agency with \"quotes\"" <src/federalregister> .`, true},
		{"U.S. matches United States", cisa, `<st/cisa/4> <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> <USCG> <src/cisa> .`, true},
		{"Department of X matches X Department", cisa, `<DHS> <http://www.w3.org/2004/02/skos/core#altLabel> "Department of Homeland Security" <src/cisa> .`, true},
		{"Office of X matches X, Office of", cisa, `<USTR> <http://www.w3.org/ns/org#subOrganizationOf> <cisa/executive-office-of-the-president> <src/cisa> .`, true},
		{"CISA restates a parent in its own graph", cisa, `<ICE> <http://www.w3.org/ns/org#subOrganizationOf> <DHS> <src/cisa> .`, true},
		{"whitespace and commas trimmed", cisa, `"Office of the Inspector General, Department of Energy"`, true},
		{"bureau listed by two agencies is two offices", cisa, `<cisa/department-of-homeland-security/office-of-the-inspector-general> <http://www.w3.org/ns/org#subOrganizationOf> <DHS> <src/cisa> .`, true},
		{"unmatched bureau", cisa, `<cisa/management-directorate> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Agency> <src/cisa> .`, true},
		{"csv line", cisa, `<st/cisa/6> <recordId> "CSV line 6" <src/cisa> .`, true},
		{"agency's own row states no edge", cisa, `<st/cisa/2>`, false},
		{"matched names are not renamed", cisa, `<ICE> <http://schema.org/name>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := strings.Contains(tt.out, tt.line); got != tt.present {
				t.Errorf("output contains %q = %v, want %v", tt.line, got, tt.present)
			}
		})
	}
}

// TestCommitted checks that quads/federalregister.nq and quads/cisa.nq are
// what import makes of ../shared/data today.
func TestCommitted(t *testing.T) {
	if _, err := os.Stat(sharedDir); err != nil {
		t.Skip("no ../shared/data: nothing to regenerate from")
	}
	for _, source := range []string{"federalregister", "cisa"} {
		t.Run(source, func(t *testing.T) {
			got := convert(t, source, sharedDir, "federalregister-agencies.json", "cisa-dotgov-agencies-and-subs.csv")
			committed, err := os.ReadFile(filepath.Join(quadsDir, source+".nq"))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, committed) {
				t.Errorf("quads/%s.nq is stale: run agencygraph import %s", source, source)
			}
		})
	}
}

func TestReadFederalRegister_Errors(t *testing.T) {
	tests := []struct{ name, json, want string }{
		{"not json", `{`, "decode federal register agencies"},
		{"missing slug", `[{"id":"1","name":"A"}]`, "missing id, name or slug"},
		{"duplicate id", `[{"id":"1","name":"A","slug":"a"},{"id":"1","name":"B","slug":"b"}]`, "listed twice"},
		{"unknown parent", `[{"id":"1","name":"A","slug":"a","parent_id":"7"}]`, "parent id 7 is not in the list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := refdata.ReadFederalRegister(strings.NewReader(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestReadCISA_Errors(t *testing.T) {
	tests := []struct{ name, csv, want string }{
		{"wrong header", "Name,Parent\nA,B\n", "want Agency,Bureau"},
		{"three fields", "Agency,Bureau\nA,B,C\n", "cisa line 2: 3 fields"},
		{"no agency", "Agency,Bureau\n ,B\n", "cisa line 2: no agency"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := refdata.ReadCISA(strings.NewReader(tt.csv))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}
