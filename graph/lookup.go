package graph

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/quad"
)

// Entity is a named node of the graph: an agency, unit, person, facility,
// document, source….
type Entity struct {
	IRI     quad.IRI `json:"iri"`
	Name    string   `json:"name"`
	Type    string   `json:"type,omitempty"` // rdf:type as written in the data: "Agency", "Person"…
	Aliases []string `json:"aliases,omitempty"`
}

// Display is how a user should see the entity: its name, and its IRI in
// parentheses when that differs, because the IRI is the shortest thing to type.
func (e Entity) Display() string {
	if e.Name == "" || strings.EqualFold(e.Name, string(e.IRI)) {
		return string(e.IRI)
	}
	return e.Name + " (" + string(e.IRI) + ")"
}

// typeRank orders an entity's types when it has several: the most specific
// first (a department is also an agency in the Federal Register's list).
var typeRank = map[string]int{
	"Person": 1, "Post": 2, "Facility": 3, "Program": 4, "Document": 5,
	"Department": 6, "Unit": 7, "Agency": 8, "Organization": 9, "Article": 10, "Dataset": 11,
}

// key tiers: a match on the IRI beats one on the name, which beats an alias.
const (
	tierIRI = iota
	tierName
	tierAlias
)

// entityIndex is every entity with its normalised keys, built once per
// store and dropped when the store is written to (InvalidateLookup).
type entityIndex struct {
	once  sync.Once
	err   error
	ready atomic.Bool // built without error
	byIRI map[quad.IRI]*Entity
	list  []*Entity                           // sorted by name, then IRI
	exact map[string][tierAlias + 1][]*Entity // normalised key → entities, per tier
	loose map[string][]*Entity                // looseKey → entities
}

// lookupCache is a Store's entity index. Concurrent readers share one build
// through the index's sync.Once; a write swaps in a fresh, unbuilt one.
type lookupCache struct {
	mu sync.Mutex
	ix *entityIndex
}

// InvalidateLookup drops the store's entity index; the next lookup rebuilds
// it. Load, Add and Remove call it, since written quads may change names
// and aliases.
func (s *Store) InvalidateLookup() {
	s.lookup.mu.Lock()
	s.lookup.ix = nil
	s.lookup.mu.Unlock()
}

func (s *Store) index(ctx context.Context) (*entityIndex, error) {
	s.lookup.mu.Lock()
	if s.lookup.ix == nil {
		s.lookup.ix = &entityIndex{}
	}
	ix := s.lookup.ix
	s.lookup.mu.Unlock()
	ix.once.Do(func() {
		ix.err = ix.build(ctx, s.ScanQuadStore())
		ix.ready.Store(ix.err == nil)
	})
	if ix.err != nil {
		// A failed build (a cancelled ctx, say) must not stick.
		s.lookup.mu.Lock()
		if s.lookup.ix == ix {
			s.lookup.ix = nil
		}
		s.lookup.mu.Unlock()
		return nil, fmt.Errorf("build entity index: %w", ix.err)
	}
	return ix, nil
}

// builtIndex returns the entity index if it is built, else nil.
func (s *Store) builtIndex() *entityIndex {
	s.lookup.mu.Lock()
	defer s.lookup.mu.Unlock()
	if ix := s.lookup.ix; ix != nil && ix.ready.Load() {
		return ix
	}
	return nil
}

// each calls fn with every quad whose predicate is pred.
func each(ctx context.Context, qs cgraph.QuadStore, pred quad.IRI, fn func(quad.Quad)) error {
	ref := qs.ValueOf(pred)
	if ref == nil {
		return nil
	}
	it := qs.QuadIterator(quad.Predicate, ref)
	defer it.Close()
	for it.Next(ctx) {
		fn(qs.Quad(it.Result()))
	}
	if err := it.Err(); err != nil {
		return err
	}
	return ctx.Err()
}

func (ix *entityIndex) build(ctx context.Context, qs cgraph.QuadStore) error {
	ix.byIRI = map[quad.IRI]*Entity{}
	types := map[quad.IRI][]string{}
	err := each(ctx, qs, Type, func(q quad.Quad) {
		s, ok1 := q.Subject.(quad.IRI)
		t, ok2 := q.Object.(quad.IRI)
		if !ok1 || !ok2 || q.Label == VocabGraph || t == "Assertion" || t == "Status" {
			return
		}
		if ix.byIRI[s] == nil {
			ix.byIRI[s] = &Entity{IRI: s}
		}
		types[s] = append(types[s], string(t))
	})
	if err != nil {
		return err
	}
	for s, ts := range types {
		sort.Slice(ts, func(i, j int) bool {
			ri, rj := rankOf(ts[i]), rankOf(ts[j])
			return ri < rj || ri == rj && ts[i] < ts[j]
		})
		ix.byIRI[s].Type = ts[0]
	}
	// Names: the default graph's (entities.nq) wins over an imported one.
	named := map[quad.IRI]bool{}
	headlines := map[quad.IRI]string{}
	for _, pred := range []quad.IRI{Name, Headline, AltLabel} {
		err := each(ctx, qs, pred, func(q quad.Quad) {
			s, ok := q.Subject.(quad.IRI)
			e := ix.byIRI[s]
			if !ok || e == nil {
				return
			}
			text := strings.TrimSpace(literalText(q.Object))
			switch pred {
			case Name:
				if q.Label == nil && !named[s] || e.Name == "" || !named[s] && text < e.Name {
					e.Name, named[s] = text, q.Label == nil
				}
			case Headline:
				headlines[s] = text
			case AltLabel:
				e.Aliases = append(e.Aliases, text)
			}
		})
		if err != nil {
			return err
		}
	}
	ix.exact = map[string][tierAlias + 1][]*Entity{}
	ix.loose = map[string][]*Entity{}
	for s, e := range ix.byIRI {
		if e.Name == "" {
			e.Name = headlines[s]
		}
		e.Aliases = dedupe(e.Aliases, e.Name)
		ix.add(tierIRI, string(s), e)
		ix.add(tierName, e.Name, e)
		for _, a := range e.Aliases {
			ix.add(tierAlias, a, e)
		}
		ix.list = append(ix.list, e)
	}
	sort.Slice(ix.list, func(i, j int) bool {
		a, b := ix.list[i], ix.list[j]
		return a.Name < b.Name || a.Name == b.Name && a.IRI < b.IRI
	})
	return nil
}

func rankOf(t string) int {
	if r, ok := typeRank[t]; ok {
		return r
	}
	return len(typeRank) + 1
}

// dedupe sorts aliases and drops repeats and those equal to the name.
func dedupe(aliases []string, name string) []string {
	sort.Strings(aliases)
	out := aliases[:0]
	for i, a := range aliases {
		if a == "" || a == name || i > 0 && a == aliases[i-1] {
			continue
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func (ix *entityIndex) add(tier int, text string, e *Entity) {
	k := normalize(text)
	if k == "" {
		return
	}
	tiers := ix.exact[k]
	if !containsEntity(tiers[tier], e) {
		tiers[tier] = append(tiers[tier], e)
		ix.exact[k] = tiers
	}
	if lk := looseKey(k); lk != "" && !containsEntity(ix.loose[lk], e) {
		ix.loose[lk] = append(ix.loose[lk], e)
	}
}

func containsEntity(list []*Entity, e *Entity) bool {
	for _, x := range list {
		if x == e {
			return true
		}
	}
	return false
}

// normalize makes a name comparable: surrounding <> dropped, lower case,
// spaces trimmed and collapsed, curly apostrophes and quotes made straight.
func normalize(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 2 && s[0] == '<' && s[len(s)-1] == '>' {
		s = s[1 : len(s)-1]
	}
	s = strings.NewReplacer("\u2019", "'", "\u2018", "'", "\u201c", `"`, "\u201d", `"`).Replace(s)
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// looseKey is a second chance for a normalised name that matched nothing:
// punctuation dropped, and a leading "the" or "u.s." / "united states" too,
// so that "Immigration and Customs Enforcement" finds "U.S. Immigration and
// Customs Enforcement".
func looseKey(k string) string {
	k = strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) && r != '/' && r != '-' {
			return -1
		}
		return r
	}, k)
	fields := strings.Fields(k)
	for len(fields) > 1 {
		switch {
		case fields[0] == "the" || fields[0] == "us":
			fields = fields[1:]
		case fields[0] == "united" && fields[1] == "states" && len(fields) > 2:
			fields = fields[2:]
		default:
			return strings.Join(fields, " ")
		}
	}
	return strings.Join(fields, " ")
}

// Lookup finds the one entity whose IRI (with or without <>), schema:name or
// skos:altLabel is name, ignoring case, extra spaces and the kind of
// apostrophe. An IRI match beats a name match, which beats an alias match.
// It returns an ENOTFOUND *Error naming the closest entities when nothing
// matches, and an EINVALID one listing the candidates when several do.
func (s *Store) Lookup(ctx context.Context, name string) (quad.IRI, error) {
	if s.builtIndex() == nil && len(name) <= maxLookupLen {
		if iri, ok := s.quickLookup(ctx, name); ok {
			return iri, nil
		}
	}
	ix, err := s.index(ctx)
	if err != nil {
		return "", err
	}
	if len(name) > maxLookupLen {
		// No name is this long; and the edit distances behind "closest"
		// cost len(name) × every key, which a huge value would turn into
		// minutes of work.
		return "", Errorf(ENOTFOUND, "unknown entity %q… (%d bytes; no entity name is longer than %d)",
			truncate(name, 40), len(name), maxLookupLen)
	}
	k := normalize(name)
	if tiers, ok := ix.exact[k]; ok {
		for _, found := range tiers {
			if len(found) == 1 {
				return found[0].IRI, nil
			}
			if len(found) > 1 {
				return "", ambiguous(name, found)
			}
		}
	}
	if found := ix.loose[looseKey(k)]; len(found) == 1 {
		return found[0].IRI, nil
	} else if len(found) > 1 {
		return "", ambiguous(name, found)
	}
	msg := fmt.Sprintf("unknown entity %q", name)
	if closest := ix.closest(k, 3); len(closest) > 0 {
		msg += "; closest: " + displays(closest)
	}
	return "", &Error{Code: ENOTFOUND, Message: msg}
}

// maxLookupLen bounds what Lookup compares: the longest name or alias in
// the bundled dataset has 81 bytes.
const maxLookupLen = 256

// truncate returns s cut to at most n runes.
func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

func ambiguous(name string, found []*Entity) error {
	list := append([]*Entity(nil), found...)
	sort.Slice(list, func(i, j int) bool { return list[i].IRI < list[j].IRI })
	return Errorf(EINVALID, "ambiguous entity %q: it names %s; use the IRI", name, displays(list))
}

func displays(list []*Entity) string {
	out := make([]string, len(list))
	for i, e := range list {
		out[i] = e.Display()
	}
	return strings.Join(out, ", ")
}

// closest ranks entities by how near one of their keys is to k: a key that
// starts with k first, then by edit distance less shared words.
func (ix *entityIndex) closest(k string, n int) []*Entity {
	if k == "" {
		return nil
	}
	type scored struct {
		e     *Entity
		score float64
	}
	qWords := strings.Fields(looseKey(k))
	var all []scored
	for _, e := range ix.list {
		best := 1e9
		for _, text := range append([]string{string(e.IRI), e.Name}, e.Aliases...) {
			key := normalize(text)
			if key == "" {
				continue
			}
			var sc float64
			if strings.HasPrefix(key, k) {
				sc = float64(len(key)-len(k)) / float64(len(key)+1) // in [0,1)
			} else {
				d := float64(levenshtein(k, key)) / float64(max(len(k), len(key)))
				sc = 1 + d - overlap(qWords, strings.Fields(looseKey(key)))
			}
			best = min(best, sc)
		}
		all = append(all, scored{e, best})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].score < all[j].score })
	var out []*Entity
	for _, s := range all {
		if len(out) == n || s.score >= 1.7 { // beyond that nothing resembles k
			break
		}
		out = append(out, s.e)
	}
	return out
}

// overlap is the share of q's words that also occur in words.
func overlap(q, words []string) float64 {
	if len(q) == 0 {
		return 0
	}
	n := 0
	for _, w := range q {
		for _, x := range words {
			if w == x {
				n++
				break
			}
		}
	}
	return float64(n) / float64(len(q))
}

// levenshtein is the edit distance between a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// Suggest returns up to n entities for completing prefix: those with a key
// (IRI, name or alias) starting with it, then those with a word starting
// with it, then those containing it; by name within each group.
func (s *Store) Suggest(ctx context.Context, prefix string, n int) ([]Entity, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return nil, err
	}
	p := normalize(prefix)
	if p == "" || n <= 0 {
		return nil, nil
	}
	var groups [3][]Entity
	for _, e := range ix.list {
		g := -1
		for _, text := range append([]string{string(e.IRI), e.Name}, e.Aliases...) {
			key := normalize(text)
			switch {
			case strings.HasPrefix(key, p):
				g = 0
			case strings.Contains(" "+key, " "+p) && (g < 0 || g > 1):
				g = 1
			case strings.Contains(key, p) && g < 0:
				g = 2
			}
			if g == 0 {
				break
			}
		}
		if g >= 0 {
			groups[g] = append(groups[g], *e)
		}
	}
	var out []Entity
	for _, g := range groups {
		for _, e := range g {
			if len(out) == n {
				return out, nil
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// Entity returns the indexed entity with the given IRI: anything with an
// rdf:type other than Assertion or Status; ENOTFOUND if there is none.
func (s *Store) Entity(ctx context.Context, iri quad.IRI) (Entity, error) {
	ix, err := s.index(ctx)
	if err != nil {
		return Entity{}, err
	}
	e, ok := ix.byIRI[iri]
	if !ok {
		return Entity{}, Errorf(ENOTFOUND, "unknown entity %q", string(iri))
	}
	return *e, nil
}

// Name returns what to show a user for v: an entity's schema:name
// (preferring the default graph's), a source's headline when it has no
// name, a literal's text, and an IRI nothing names as the bare IRI.
//
// Before the entity index is built it reads the IRI's own quads instead, so
// that naming a few rows does not cost a scan of every name in a large store.
func (s *Store) Name(ctx context.Context, v quad.Value) string {
	iri, ok := v.(quad.IRI)
	if !ok {
		return literalText(v)
	}
	if ix := s.builtIndex(); ix != nil {
		if e := ix.byIRI[iri]; e != nil && e.Name != "" {
			return e.Name
		}
		return string(iri)
	}
	if d := s.describe(ctx, iri); d.entity && d.name != "" {
		return d.name
	}
	return string(iri)
}

// quickLookup resolves name without the entity index when it is spelled
// exactly as the data spells an entity's IRI, or a name or alias that only
// one entity has. On a large persisted store that takes a few index reads,
// where building the index reads every name. Anything less plain (another
// case, a near miss, a name two entities share) is left to the index.
func (s *Store) quickLookup(ctx context.Context, name string) (quad.IRI, bool) {
	name = strings.TrimSpace(name)
	iri := quad.IRI(strings.TrimSuffix(strings.TrimPrefix(name, "<"), ">"))
	if s.describe(ctx, iri).entity {
		return iri, true
	}
	qs := s.QuadStore()
	ref := qs.ValueOf(quad.String(name))
	if ref == nil {
		return "", false
	}
	var found quad.IRI
	it := qs.QuadIterator(quad.Object, ref)
	defer it.Close()
	for it.Next(ctx) {
		q := qs.Quad(it.Result())
		sub, ok := q.Subject.(quad.IRI)
		if !ok || q.Predicate != Name && q.Predicate != AltLabel || sub == found {
			continue
		}
		if found != "" || !s.describe(ctx, sub).entity {
			return "", false
		}
		found = sub
	}
	return found, found != "" && it.Err() == nil
}

// description is what an IRI's own quads say of it.
type description struct {
	entity bool   // has an rdf:type other than Assertion or Status
	name   string // as the index would choose it
}

// describe reads the quads whose subject is iri.
func (s *Store) describe(ctx context.Context, iri quad.IRI) description {
	var d description
	var headline string
	named := false
	s.subjectQuads(ctx, iri, []quad.Value{Type, Name, Headline}, func(q quad.Quad) {
		switch q.Predicate {
		case Type:
			if q.Label != VocabGraph && q.Object != ClassAssertion && q.Object != ClassStatus {
				d.entity = true
			}
		case Name:
			text := strings.TrimSpace(literalText(q.Object))
			if q.Label == nil && !named || d.name == "" || !named && text < d.name {
				d.name, named = text, q.Label == nil
			}
		case Headline:
			headline = strings.TrimSpace(literalText(q.Object))
		}
	})
	if d.name == "" {
		d.name = headline
	}
	return d
}

// literalText is a value's text without N-Quads quoting, datatype or language.
func literalText(v quad.Value) string {
	switch v := v.(type) {
	case nil:
		return ""
	case quad.TypedString:
		return string(v.Value)
	case quad.LangString:
		return string(v.Value)
	case quad.IRI, quad.BNode, quad.String:
		return quad.ToString(v)
	}
	if n := v.Native(); n != v {
		return fmt.Sprint(n) // numbers and booleans
	}
	return quad.ToString(v)
}
