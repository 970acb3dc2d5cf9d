package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// Output sent to /dev/null, a file or a pipe is not a person reading: it
// gets JSON and no progress bar. /dev/null is a character device, as a
// terminal is, which a mode check took for one.
func TestIsTerminal_NotForDevNullFilesOrPipes(t *testing.T) {
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for name, f := range map[string]*os.File{"/dev/null": devNull, "file": file, "pipe": w} {
		if isTerminal(f) {
			t.Errorf("%s taken for a terminal", name)
		}
	}
}
