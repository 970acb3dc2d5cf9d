package graph

import (
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// Input is one named stream of N-Quads.
type Input struct {
	Name string // shown in errors: a path, "-" for stdin
	Size int64  // bytes on disk, 0 when unknown (stdin)
	open func() (io.ReadCloser, error)
}

// isQuadFile reports whether a directory walk should load name.
func isQuadFile(name string) bool {
	return strings.HasSuffix(name, ".nq") || strings.HasSuffix(name, ".nq.gz")
}

// Inputs expands paths into inputs: files as they are, directories
// recursively (their .nq and .nq.gz files, in name order), "-" as stdin.
func Inputs(paths []string, stdin io.Reader) ([]Input, error) {
	var ins []Input
	for _, p := range paths {
		if p == "-" {
			ins = append(ins, Input{Name: "-", open: func() (io.ReadCloser, error) { return io.NopCloser(stdin), nil }})
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			ins = append(ins, fileInput(os.DirFS(filepath.Dir(p)), filepath.Base(p), p, fi.Size()))
			continue
		}
		found, err := FSInputs(os.DirFS(p))
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, Errorf(EINVALID, "%s: no .nq or .nq.gz files in directory", p)
		}
		for i := range found {
			found[i].Name = filepath.Join(p, found[i].Name)
		}
		ins = append(ins, found...)
	}
	return ins, nil
}

// FSInputs returns every .nq and .nq.gz file in fsys, in name order.
func FSInputs(fsys fs.FS) ([]Input, error) {
	var ins []Input
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isQuadFile(p) {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		ins = append(ins, fileInput(fsys, p, p, fi.Size()))
		return nil
	})
	sort.Slice(ins, func(i, j int) bool { return ins[i].Name < ins[j].Name })
	return ins, err
}

func fileInput(fsys fs.FS, name, shown string, size int64) Input {
	return Input{Name: shown, Size: size, open: func() (io.ReadCloser, error) {
		f, err := fsys.Open(name)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", shown, err)
		}
		return f, nil
	}}
}

// ReaderInput wraps r as an input named name, for data that is not a file
// (an HTTP request body, a test string).
func ReaderInput(name string, r io.Reader) Input {
	return Input{Name: name, open: func() (io.ReadCloser, error) { return io.NopCloser(r), nil }}
}

// reader opens the input and returns a reader of its decompressed text and a
// counter of the raw bytes consumed so far (for progress).
func (in Input) reader() (io.Reader, *countingReader, func() error, error) {
	raw, err := in.open()
	if err != nil {
		return nil, nil, nil, err
	}
	cr := &countingReader{r: raw}
	if path.Ext(in.Name) != ".gz" {
		return cr, cr, raw.Close, nil
	}
	zr, err := gzip.NewReader(cr)
	if err != nil {
		raw.Close()
		return nil, nil, nil, Errorf(EINVALID, "%s: not a gzip file: %v", in.Name, err)
	}
	return zr, cr, func() error { zr.Close(); return raw.Close() }, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
