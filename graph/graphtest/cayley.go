package graphtest

import (
	"os/exec"
	"strings"
	"testing"
)

// CayleyModule returns the directory of Cayley v0.7.7 in the module cache,
// for tests that use its data files and documentation. The module is there
// whenever this one builds, so its absence fails the test.
func CayleyModule(tb testing.TB) string {
	tb.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/cayleygraph/cayley").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		tb.Fatalf("find Cayley's module: %v", err)
	}
	return dir
}
