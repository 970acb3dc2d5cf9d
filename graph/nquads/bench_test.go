package nquads_test

import (
	"bytes"
	"io"
	"testing"

	cnquads "github.com/cayleygraph/quad/nquads"

	"github.com/agencygraph/agencygraph/graph/nquads"
)

// BenchmarkReader reads Cayley's 30k movie dataset (26 MB, 471k quads).
func BenchmarkReader(b *testing.B) {
	data := movies(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := nquads.NewReader(bytes.NewReader(data), "30kmoviedata.nq", nquads.Options{})
		for {
			if _, err := r.ReadQuad(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkCayleyReader reads the same data with Cayley's stock reader,
// keeping typed literals as strings as BenchmarkReader does.
func BenchmarkCayleyReader(b *testing.B) {
	data := movies(b)
	defer func(v bool) { cnquads.AutoConvertTypedString = v }(cnquads.AutoConvertTypedString)
	cnquads.AutoConvertTypedString = false
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := cnquads.NewReader(bytes.NewReader(data), false)
		for {
			if _, err := r.ReadQuad(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}
