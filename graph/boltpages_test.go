package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/boltdb/bolt"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/quad"
)

// boltPutWriter is a bucketWriter through Bolt's own Put, one transaction
// per bucket: the reference the page writer is held to.
type boltPutWriter struct {
	db   *bolt.DB
	tx   *bolt.Tx
	b    *bolt.Bucket
	name []byte
	seen map[string]bool
}

func (w *boltPutWriter) beginBucket(bucket []byte) error {
	if err := w.end(); err != nil {
		return err
	}
	tx, err := w.db.Begin(true)
	if err != nil {
		return err
	}
	w.tx, w.name = tx, bytes.Clone(bucket)
	w.seen[string(bucket)] = true
	w.b, err = tx.CreateBucket(bucket)
	return err
}

func (w *boltPutWriter) put(bucket, key, val []byte) error {
	if w.tx == nil || !bytes.Equal(bucket, w.name) {
		if err := w.beginBucket(bucket); err != nil {
			return err
		}
	}
	return w.b.Put(bytes.Clone(key), bytes.Clone(val)) // Bolt keeps both until the commit
}

func (w *boltPutWriter) written(bucket []byte) bool { return w.seen[string(bucket)] }

func (w *boltPutWriter) end() error {
	if w.tx == nil {
		return nil
	}
	err := w.tx.Commit()
	w.tx = nil
	return err
}

// The page writer's file holds, bucket for bucket and key for key, what
// the same writes through Bolt's own Put give, and passes Bolt's own
// consistency check. The quads make every kind of page: a log over many
// leaves and two levels of branches, a value larger than a page (a hub
// subject's 3,000 objects under one predicate) on overflow pages, thousands
// of value buckets held inline and the root bucket over many pages, empty
// buckets from kv.Init.
func TestPageWriter_MatchesBoltPut(t *testing.T) {
	quads := func() *encoded { // writeBuckets sorts them in place: one each
		enc := newEncoded()
		for i := range 3000 {
			enc.add(quad.Make(quad.IRI("hub"), quad.IRI("lists"), quad.IRI(fmt.Sprint("item/", i)), nil))
			enc.add(quad.Make(quad.IRI(fmt.Sprint("item/", i)), quad.IRI("name"), quad.String(fmt.Sprint("item number ", i)), quad.IRI(fmt.Sprint("src/", i%7))))
		}
		enc.add(quad.Make(quad.IRI("hub"), quad.IRI("lists"), quad.IRI("item/1"), nil)) // a repeat
		return enc
	}
	dir := t.TempDir()
	base, err := initialBuckets(filepath.Join(dir, "init.bolt"))
	if err != nil {
		t.Fatal(err)
	}
	var indexes []kv.QuadIndex
	if err := json.Unmarshal(base["meta"]["indexes"], &indexes); err != nil {
		t.Fatal(err)
	}
	const now = 1764720000000000000
	ctx := context.Background()

	pagesPath := filepath.Join(dir, "pages.bolt")
	pw, err := newPageWriter(pagesPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := writeBuckets(ctx, pw, quads(), indexes, base, now); err != nil {
		t.Fatal(err)
	}
	if err := pw.finish(); err != nil {
		t.Fatal(err)
	}

	putDB, err := bolt.Open(filepath.Join(dir, "put.bolt"), 0o644, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer putDB.Close()
	putDB.NoSync = true
	// writeBuckets filled in the first one's meta.
	if base, err = initialBuckets(filepath.Join(dir, "init.bolt")); err != nil {
		t.Fatal(err)
	}
	bw := &boltPutWriter{db: putDB, seen: map[string]bool{}}
	if err := writeBuckets(ctx, bw, quads(), indexes, base, now); err != nil {
		t.Fatal(err)
	}
	if err := bw.end(); err != nil {
		t.Fatal(err)
	}

	pagesDB, err := bolt.Open(pagesPath, 0o644, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer pagesDB.Close()
	err = pagesDB.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			t.Errorf("bolt check: %v", err)
		}
		st := tx.Cursor().Bucket().Stats() // the root bucket, and every bucket under it
		if st.BucketN < 1000 || st.InlineBucketN < 1000 || st.BranchPageN < 2 || st.LeafOverflowN == 0 || st.Depth < 3 {
			t.Errorf("the file lacks a kind of page it should test: %+v", st)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := dump(t, pagesDB), dump(t, putDB); got != want {
		t.Errorf("page writer's file differs from Bolt's Put:\n%s", firstDiff(got, want))
	}
	// Walking the leaves in order does not read the branch pages' keys;
	// looking every key up does.
	err = putDB.View(func(want *bolt.Tx) error {
		return pagesDB.View(func(got *bolt.Tx) error {
			return want.ForEach(func(name []byte, wb *bolt.Bucket) error {
				gb := got.Bucket(name)
				if gb == nil {
					return fmt.Errorf("no bucket %q", name)
				}
				return wb.ForEach(func(k, v []byte) error {
					if g := gb.Get(k); !bytes.Equal(g, v) {
						return fmt.Errorf("bucket %q, key %x: %x, want %x", name, k, g, v)
					}
					return nil
				})
			})
		})
	})
	if err != nil {
		t.Error(err)
	}
}

// dump lists every bucket, its sequence and its keys and values.
func dump(t *testing.T, db *bolt.DB) string {
	t.Helper()
	var b bytes.Buffer
	err := db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bolt.Bucket) error {
			fmt.Fprintf(&b, "bucket %q seq %d\n", name, bk.Sequence())
			return bk.ForEach(func(k, v []byte) error {
				fmt.Fprintf(&b, "  %x = %x\n", k, v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func firstDiff(a, b string) string {
	la, lb := bytes.Split([]byte(a), []byte("\n")), bytes.Split([]byte(b), []byte("\n"))
	for i := range min(len(la), len(lb)) {
		if !bytes.Equal(la[i], lb[i]) {
			return fmt.Sprintf("line %d: %s\n  vs Put: %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("%d lines against %d", len(la), len(lb))
}
