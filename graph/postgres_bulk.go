package graph

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"slices"

	cgraph "github.com/cayleygraph/cayley/graph"
	csql "github.com/cayleygraph/cayley/graph/sql"
	"github.com/lib/pq"
)

// loadPostgres adds enc's quads to a PostgreSQL store in Cayley's SQL
// layout, in one transaction, by COPY. Cayley's writer sends an INSERT
// statement per node and per quad, each a round trip to the server (300k
// generated quads on loopback: 82 s for `cayley load`, 8 s here); COPY
// streams the rows, and the server merges them with a few set statements:
//
//  1. The load's nodes and its distinct quads are copied into temporary
//     tables, and the quads the store already holds are struck out.
//  2. With rebuild (a store small next to the load), the quads table's
//     indexes and foreign keys are dropped: kept up row by row they took
//     28 s of a 300k-quad load, the checks of the four foreign keys two
//     thirds of it; built afresh at the end, 3.6 s.
//  3. Each node a quad left from 1 uses is inserted, or its reference
//     count grows, by the times it occurs in them.
//  4. Those quads are inserted in input order.
//  5. What 2 dropped is created again as it was.
//
// So a node's count is what it would be had each quad been added once,
// where Cayley's writer also counts quads it skips as duplicates. Any error,
// or ctx ending, rolls the whole load back. While a rebuild runs, other
// sessions wait to read the quads and nodes tables: dropping an index or a
// foreign key locks the tables it joins until the load commits.
func (s *Store) loadPostgres(ctx context.Context, enc *encoded, rebuild bool) error {
	tx, err := s.pg.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	exec := func(stmts ...string) error {
		for _, stmt := range stmts {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return nil
	}
	if err := exec(
		`CREATE TEMPORARY TABLE agencygraph_nodes (LIKE nodes) ON COMMIT DROP`,
		`CREATE TEMPORARY TABLE agencygraph_quads (ord bigint, subject_hash bytea, predicate_hash bytea, object_hash bytea, label_hash bytea) ON COMMIT DROP`,
	); err != nil {
		return err
	}
	hashes, err := copyNodes(ctx, tx, enc)
	if err != nil {
		return fmt.Errorf("copy nodes: %w", err)
	}
	if err := copyQuads(ctx, tx, enc, hashes); err != nil {
		return fmt.Errorf("copy quads: %w", err)
	}
	if err := exec(
		// Temporary tables get no statistics unless asked.
		`ANALYZE agencygraph_nodes, agencygraph_quads`,
		// A hash is 20 bytes: no label's hash is empty.
		`DELETE FROM agencygraph_quads t USING quads q
		WHERE q.subject_hash = t.subject_hash AND q.predicate_hash = t.predicate_hash
		AND q.object_hash = t.object_hash AND coalesce(q.label_hash, '') = coalesce(t.label_hash, '')`,
	); err != nil {
		return err
	}
	var left int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM agencygraph_quads`).Scan(&left); err != nil {
		return err
	}
	if left == 0 {
		return nil // every quad is in the store already
	}
	var restore []string
	if rebuild {
		if restore, err = dropQuadIndexes(ctx, tx); err != nil {
			return fmt.Errorf("drop the quads table's indexes: %w", err)
		}
	}
	if err := exec(mergeStatements...); err != nil {
		return fmt.Errorf("merge into the store: %w", err)
	}
	if err := exec(restore...); err != nil {
		return fmt.Errorf("restore the quads table's indexes: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// Fresh statistics for the server's planner, which plans each of
	// Cayley's SQL queries; the load stands whether or not this works.
	_, _ = s.pg.ExecContext(ctx, `ANALYZE nodes, quads`)
	return nil
}

// mergeStatements are steps 3 and 4 of loadPostgres. Step 1 left only
// quads the store lacks, each once: a writer that adds one of them
// meanwhile makes the load fail on the unique index, not count it twice.
var mergeStatements = []string{
	`INSERT INTO nodes (hash, refs, value, value_string, datatype, language, iri, bnode, value_int, value_bool, value_float, value_time)
	SELECT n.hash, u.n, n.value, n.value_string, n.datatype, n.language, n.iri, n.bnode, n.value_int, n.value_bool, n.value_float, n.value_time
	FROM agencygraph_nodes n JOIN (
		SELECT hash, count(*) AS n FROM (
			SELECT subject_hash AS hash FROM agencygraph_quads
			UNION ALL SELECT predicate_hash FROM agencygraph_quads
			UNION ALL SELECT object_hash FROM agencygraph_quads
			UNION ALL SELECT label_hash FROM agencygraph_quads WHERE label_hash IS NOT NULL
		) uses GROUP BY hash
	) u ON u.hash = n.hash
	ON CONFLICT (hash) DO UPDATE SET refs = nodes.refs + EXCLUDED.refs`,
	`INSERT INTO quads (subject_hash, predicate_hash, object_hash, label_hash, ts)
	SELECT subject_hash, predicate_hash, object_hash, label_hash, now()
	FROM agencygraph_quads ORDER BY ord`,
}

// dropQuadIndexes drops the quads table's foreign keys and its indexes but
// the primary key, and returns the statements that create them again as
// the server describes them (Cayley's names, columns and fill factors):
// indexes first, then the foreign keys, each checked in one pass.
func dropQuadIndexes(ctx context.Context, tx *sql.Tx) ([]string, error) {
	var drop, indexes, keys []string
	err := eachRow(ctx, tx, `SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = 'quads'::regclass AND contype = 'f' ORDER BY conname`, func(name, def string) {
		drop = append(drop, `ALTER TABLE quads DROP CONSTRAINT `+pq.QuoteIdentifier(name))
		keys = append(keys, `ALTER TABLE quads ADD CONSTRAINT `+pq.QuoteIdentifier(name)+` `+def)
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(ctx, tx, `SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
		WHERE x.indrelid = 'quads'::regclass AND NOT x.indisprimary ORDER BY i.relname`, func(name, def string) {
		drop = append(drop, `DROP INDEX `+pq.QuoteIdentifier(name))
		indexes = append(indexes, def)
	})
	if err != nil {
		return nil, err
	}
	for _, stmt := range drop {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return nil, err
		}
	}
	return append(indexes, keys...), nil
}

// eachRow calls f with the two text columns of each row q returns.
func eachRow(ctx context.Context, tx *sql.Tx, q string, f func(a, b string)) error {
	rows, err := tx.QueryContext(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return err
		}
		f(a, b)
	}
	return rows.Err()
}

// copyNodes copies every node of enc into agencygraph_nodes with no
// references, each value in the columns Cayley's SQL layout gives its kind,
// and returns the nodes' hashes, as byteaText, by their index in enc.
func copyNodes(ctx context.Context, tx *sql.Tx, enc *encoded) ([]string, error) {
	columns := []string{"refs", "hash", "value", "value_string", "datatype", "language", "iri", "bnode", "value_int", "value_bool", "value_float", "value_time"}
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("agencygraph_nodes", columns...))
	if err != nil {
		return nil, err
	}
	defer stmt.Close()
	hashes := make([]string, len(enc.nodes))
	row := make([]any, len(columns))
	for i, v := range enc.nodes {
		if v == nil {
			continue
		}
		h := csql.NodeHash{ValueHash: cgraph.HashOf(v)}
		kind, vals, err := csql.NodeValues(h, v)
		if err != nil {
			return nil, fmt.Errorf("value %v: %w", v, err)
		}
		clear(row)
		row[0] = 0
		row[1] = vals[0]
		for j, c := range kind.Columns() {
			row[slices.Index(columns, c)] = vals[j+1]
		}
		hashes[i] = byteaText(vals[0].([]byte))
		row[1] = hashes[i]
		if _, err := stmt.ExecContext(ctx, row...); err != nil {
			return nil, err
		}
	}
	if _, err := stmt.ExecContext(ctx); err != nil {
		return nil, err
	}
	return hashes, nil
}

// copyQuads copies enc's quads, as their nodes' hashes, into
// agencygraph_quads, numbered in input order, each once.
func copyQuads(ctx context.Context, tx *sql.Tx, enc *encoded, hashes []string) error {
	stmt, err := tx.PrepareContext(ctx, pq.CopyIn("agencygraph_quads", "ord", "subject_hash", "predicate_hash", "object_hash", "label_hash"))
	if err != nil {
		return err
	}
	defer stmt.Close()
	seen := make(map[[4]uint32]bool, len(enc.quads))
	for i, q := range enc.quads {
		if seen[q] {
			continue
		}
		seen[q] = true
		var label any
		if q[3] != 0 {
			label = hashes[q[3]]
		}
		if _, err := stmt.ExecContext(ctx, i, hashes[q[0]], hashes[q[1]], hashes[q[2]], label); err != nil {
			return err
		}
	}
	_, err = stmt.ExecContext(ctx)
	return err
}

// byteaText is b in PostgreSQL's hex input form for bytea. lib/pq encodes a
// []byte for COPY with a fmt.Sprintf per byte, which was most of the
// client's time in a load; a string goes as it is.
func byteaText(b []byte) string { return `\x` + hex.EncodeToString(b) }
