package graph

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	cgraph "github.com/cayleygraph/cayley/graph"
	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	"github.com/lib/pq"
)

// BatchReads reads many nodes at once from PostgreSQL's tables: their
// names, their outgoing links, their counts of incoming links. Cayley's SQL
// store reads each node's with a query of its own, and remembers only the
// last 1,024 names: a saved query that reads the properties of a few
// hundred assertions made thousands of round trips to the server, and
// PropertyMap over the 21,244 sources of the generated 1M-quad graph took
// 5–7 seconds.
//
// Its queries go through Cayley's store, on Cayley's connections: a pool of
// its own made each command open one connection more (a handshake, and a
// server process forked for it) than the store needs.
type BatchReads struct{ qs *csql.QuadStore }

// BatchReads returns the store's batch reader, or nil where the store's own
// reads of one node are as good (memory, Bolt).
func (s *Store) BatchReads() *BatchReads {
	qs, ok := s.qs.(*csql.QuadStore)
	if !ok || s.cfg.Backend != Postgres { // CockroachDB, untested here, keeps Cayley's reads
		return nil
	}
	return &BatchReads{qs: qs}
}

// query runs text with args on the store's connections.
func (b *BatchReads) query(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	rows, err := b.qs.Query(ctx, rawSQL{text, args})
	if err != nil && ctx.Err() != nil {
		return nil, ctx.Err() // Cayley's message keeps only the text of err
	}
	return rows, err
}

// rawSQL is a query of ours as a Cayley SQL shape, which is all its store
// runs: the text as written, the arguments as given.
type rawSQL struct {
	text string
	args []any
}

func (q rawSQL) SQL(*csql.Builder) string { return q.text }
func (rawSQL) Columns() []string          { return nil }
func (q rawSQL) Args() []csql.Value {
	vs := make([]csql.Value, len(q.args))
	for i, a := range q.args {
		vs[i] = sqlArg{a}
	}
	return vs
}

type sqlArg struct{ v any }

func (a sqlArg) SQLValue() any { return a.v }

// namesBatch bounds the hashes one query asks for.
const namesBatch = 1000

// Names reads the values of refs from the nodes table, a thousand at a
// time, decoded as Cayley's SQL store decodes them; a ref that is not a
// node hash, or names no node, gets nil.
func (b *BatchReads) Names(ctx context.Context, refs []cgraph.Ref) ([]quad.Value, error) {
	out := make([]quad.Value, len(refs))
	at, hashes := hashPositions(refs, true)
	for chunk := range slices.Chunk(hashes, namesBatch) {
		if err := b.readNodes(ctx, chunk, func(hash string, v quad.Value) {
			for _, i := range at[hash] {
				out[i] = v
			}
		}); err != nil {
			return out, fmt.Errorf("name nodes: %w", err)
		}
	}
	return out, nil
}

// Links gives each of nodes its links: the predicate and object of every
// quad with the node as subject, a thousand nodes to a query, each node's
// in the order its quads were written (the order memory and Bolt give
// them; Cayley's query has no order). A ref that is not a node hash has
// none, as with Cayley's QuadIterator.
func (b *BatchReads) Links(ctx context.Context, nodes []cgraph.Ref) ([][][2]cgraph.Ref, error) {
	out := make([][][2]cgraph.Ref, len(nodes))
	at, hashes := hashPositions(nodes, false)
	for chunk := range slices.Chunk(hashes, namesBatch) {
		if err := b.readLinks(ctx, chunk, func(hash string, p, o csql.NodeHash) {
			for _, i := range at[hash] {
				out[i] = append(out[i], [2]cgraph.Ref{p, o})
			}
		}); err != nil {
			return nil, fmt.Errorf("read links: %w", err)
		}
	}
	return out, nil
}

func (b *BatchReads) readLinks(ctx context.Context, hashes []string, fn func(hash string, p, o csql.NodeHash)) error {
	rows, err := b.query(ctx, `SELECT encode(subject_hash, 'hex'), predicate_hash, object_hash
		FROM quads WHERE subject_hash = ANY(SELECT decode(h, 'hex') FROM unnest($1::text[]) h)
		ORDER BY horizon`, pq.StringArray(hashes))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var hash string
		var p, o csql.NodeHash
		if err := rows.Scan(&hash, &p, &o); err != nil {
			return err
		}
		fn(hash, p, o)
	}
	return rows.Err()
}

// InCounts counts, for each of nodes, the quads with one of preds (any
// predicate if nil) that have it as object, a thousand nodes to a query
// (Cayley's store counts one node a query); a ref that is not a node hash
// counts 0, as Cayley's store counts it.
func (b *BatchReads) InCounts(ctx context.Context, nodes, preds []cgraph.Ref) ([]int64, error) {
	out := make([]int64, len(nodes))
	at, hashes := hashPositions(nodes, false)
	_, predHashes := hashPositions(preds, false)
	if preds != nil && len(predHashes) == 0 {
		return out, nil
	}
	for chunk := range slices.Chunk(hashes, namesBatch) {
		if err := b.countLinks(ctx, chunk, predHashes, func(hash string, n int64) {
			for _, i := range at[hash] {
				out[i] = n
			}
		}); err != nil {
			return nil, fmt.Errorf("count links: %w", err)
		}
	}
	return out, nil
}

func (b *BatchReads) countLinks(ctx context.Context, objects, preds []string, fn func(hash string, n int64)) error {
	query := `SELECT encode(object_hash, 'hex'), count(*) FROM quads
		WHERE object_hash = ANY(SELECT decode(h, 'hex') FROM unnest($1::text[]) h)`
	args := []any{pq.StringArray(objects)}
	if preds != nil {
		query += ` AND predicate_hash = ANY(SELECT decode(h, 'hex') FROM unnest($2::text[]) h)`
		args = append(args, pq.StringArray(preds))
	}
	rows, err := b.query(ctx, query+` GROUP BY object_hash`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var hash string
		var n int64
		if err := rows.Scan(&hash, &n); err != nil {
			return err
		}
		fn(hash, n)
	}
	return rows.Err()
}

// hashPositions maps the hex hash of each node hash among refs (and of
// each bare value hash too, if values) to its positions in refs, and lists
// the hashes once each, in order.
func hashPositions(refs []cgraph.Ref, values bool) (map[string][]int, []string) {
	at := make(map[string][]int, len(refs))
	var hashes []string
	for i, r := range refs {
		var h cgraph.ValueHash
		switch r := r.(type) {
		case csql.NodeHash:
			h = r.ValueHash
		case cgraph.ValueHash:
			if !values {
				continue
			}
			h = r
		default:
			continue
		}
		if !h.Valid() {
			continue
		}
		k := hex.EncodeToString(h[:])
		if _, ok := at[k]; !ok {
			hashes = append(hashes, k)
		}
		at[k] = append(at[k], i)
	}
	return at, hashes
}

// readNodes calls fn with each node of the hex hashes the table holds.
func (b *BatchReads) readNodes(ctx context.Context, hashes []string, fn func(hash string, v quad.Value)) error {
	rows, err := b.query(ctx, `SELECT encode(hash, 'hex'), value, value_string, datatype, language,
		iri, bnode, value_int, value_bool, value_float, value_time
		FROM nodes WHERE hash = ANY(SELECT decode(h, 'hex') FROM unnest($1::text[]) h)`, pq.StringArray(hashes))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			hash       string
			data       []byte
			str, typ   sql.NullString
			lang       sql.NullString
			iri, bnode sql.NullBool
			vint       sql.NullInt64
			vbool      sql.NullBool
			vfloat     sql.NullFloat64
			vtime      csql.NullTime
		)
		if err := rows.Scan(&hash, &data, &str, &typ, &lang, &iri, &bnode, &vint, &vbool, &vfloat, &vtime); err != nil {
			return err
		}
		v, err := nodeValue(data, str, typ, lang, iri, bnode, vint, vbool, vfloat, vtime)
		if err != nil {
			return fmt.Errorf("node %s: %w", hash, err)
		}
		fn(hash, v)
	}
	return rows.Err()
}

// nodeValue is a nodes row's value, decoded as Cayley's SQL store's NameOf
// decodes it (graph/sql/quadstore.go), so that both name a node alike.
func nodeValue(data []byte, str, typ, lang sql.NullString, iri, bnode sql.NullBool,
	vint sql.NullInt64, vbool sql.NullBool, vfloat sql.NullFloat64, vtime csql.NullTime) (quad.Value, error) {
	unescape := func(s string) quad.String { return quad.String(strings.ReplaceAll(s, `\x00`, "\u0000")) }
	switch {
	case str.Valid && iri.Bool:
		return quad.IRI(str.String), nil
	case str.Valid && bnode.Bool:
		return quad.BNode(str.String), nil
	case str.Valid && lang.Valid:
		return quad.LangString{Value: unescape(str.String), Lang: lang.String}, nil
	case str.Valid && typ.Valid:
		return quad.TypedString{Value: unescape(str.String), Type: quad.IRI(typ.String)}, nil
	case str.Valid:
		return unescape(str.String), nil
	case vint.Valid:
		return quad.Int(vint.Int64), nil
	case vbool.Valid:
		return quad.Bool(vbool.Bool), nil
	case vfloat.Valid:
		return quad.Float(vfloat.Float64), nil
	case vtime.Valid:
		return quad.Time(vtime.Time), nil
	}
	return pquads.UnmarshalValue(data)
}
