// Package generate writes synthetic agency-relationship graphs of any size in
// the dataset's own vocabulary (quads/README.md), for load tests and
// benchmarks. The same seed and size always give the same bytes.
//
// A graph is a set of entities (departments, agencies, units and field
// offices, people, posts, facilities) in the default graph, followed by
// sources, each with its own graph label holding the relationship edges it
// states and one assertion node per edge carrying a quote, a status, and
// where the relationship has them, counts, figures and dates. Now and then an
// article states an agency's size instead (employees, field offices), as the
// bundled articles do; sources do not always agree on it, and some of their
// disagreements are linked with conflictsWith, as the dataset marks them.
package generate

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Full IRIs of the W3C and schema.org terms the dataset uses.
const (
	rdfType      = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
	rdfSubject   = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject>"
	rdfPredicate = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate>"
	rdfObject    = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object>"
	provDerived  = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
	orgSubOf     = "<http://www.w3.org/ns/org#subOrganizationOf>"
	orgHolds     = "<http://www.w3.org/ns/org#holds>"
	orgPostIn    = "<http://www.w3.org/ns/org#postIn>"
	schemaName   = "<http://schema.org/name>"
	schemaPub    = "<http://schema.org/publisher>"
	schemaHead   = "<http://schema.org/headline>"
	schemaDate   = "<http://schema.org/datePublished>"
	schemaID     = "<http://schema.org/identifier>"
	schemaStart  = "<http://schema.org/startDate>"
	schemaEnd    = "<http://schema.org/endDate>"
	skosAlt      = "<http://www.w3.org/2004/02/skos/core#altLabel>"
	xsdInteger   = "<http://www.w3.org/2001/XMLSchema#integer>"
	xsdDate      = "<http://www.w3.org/2001/XMLSchema#date>"
	xsdBoolean   = "<http://www.w3.org/2001/XMLSchema#boolean>"
)

// The real departments and agencies every generated graph starts from, with
// their Federal Register short names as IRIs and the department each sits in.
var agencies = []struct{ iri, name, parent string }{
	{"DHS", "Department of Homeland Security", ""},
	{"DOJ", "Department of Justice", ""},
	{"TREAS", "Department of the Treasury", ""},
	{"DOS", "Department of State", ""},
	{"DOD", "Department of Defense", ""},
	{"OMB", "Office of Management and Budget", ""},
	{"ICE", "U.S. Immigration and Customs Enforcement", "DHS"},
	{"USCIS", "U.S. Citizenship and Immigration Services", "DHS"},
	{"USCBP", "U.S. Customs and Border Protection", "DHS"},
	{"FBI", "Federal Bureau of Investigation", "DOJ"},
	{"DEA", "Drug Enforcement Administration", "DOJ"},
	{"ATF", "Bureau of Alcohol, Tobacco, Firearms and Explosives", "DOJ"},
	{"USMS", "U.S. Marshals Service", "DOJ"},
	{"BOP", "Federal Bureau of Prisons", "DOJ"},
	{"IRS", "Internal Revenue Service", "TREAS"},
}

var (
	cities = []string{"Atlanta", "Baltimore", "Boston", "Buffalo", "Chicago", "Dallas", "Denver",
		"Detroit", "El Paso", "Houston", "Los Angeles", "Miami", "New Orleans", "New York",
		"Newark", "Philadelphia", "Phoenix", "Salt Lake City", "San Antonio", "San Diego",
		"San Francisco", "Seattle", "St. Paul", "Washington"}
	unitKinds = []string{"Field Office", "Special Agent in Charge Office", "Division",
		"Resident Office", "Task Force", "Directorate", "Sector"}
	firstNames = []string{"Maria", "James", "Linda", "Robert", "Ana", "David", "Grace", "Thomas",
		"Sofia", "Daniel", "Karen", "Miguel", "Emily", "Joseph", "Aisha", "Kevin", "Rosa", "Paul"}
	lastNames = []string{"Alvarez", "Brennan", "Chen", "Dawson", "Esposito", "Fischer", "Garcia",
		"Hughes", "Ibrahim", "Jensen", "Kowalski", "Lopez", "Moreno", "Nguyen", "Okafor",
		"Patel", "Quinn", "Reyes", "Sullivan", "Tran", "Underwood", "Vasquez", "Walsh"}
	outlets = []string{"org/nyt", "org/wapo", "org/reuters", "org/ap", "org/propublica",
		"org/wsj", "org/cnn", "org/npr", "org/bloomberg", "org/politico"}
	titles   = []string{"Special Agent in Charge", "Field Office Director", "Deputy Director", "Assistant Director", "Acting Director", "Chief Counsel"}
	statuses = []string{"status/stated", "status/confirmed", "status/anonymous", "status/attributed", "status/alleged", "status/planned", "status/requested", "status/announced"}
	figures  = []string{"about %d", "up to %d", "roughly %d", "more than %d", "%d", "nearly %d"}
	months   = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
)

// relation is one kind of edge an article states, with the wording its
// quotes use and which figures its assertions carry.
type relation struct {
	pred   string
	verb   string
	counts string // <headcount>, <count> … on the assertion, "" for none
	dated  bool
	toFac  bool // the object is a facility, not an agency
}

var relations = []relation{
	{"assists", "is assisting", "", true, false},
	{"detailsStaffTo", "has detailed %s officers to", "headcount", true, false},
	{"deputizes", "has deputized %s agents of", "count", true, false},
	{"grantsAuthorityTo", "granted immigration enforcement authority to", "", true, false},
	{"coordinatesWith", "is coordinating with", "", false, false},
	{"requests", "asked for help from", "headcount", true, false},
	{"providesFacilityTo", "is making a facility available to", "capacity", true, false},
	{"usesFacility", "is holding detainees at", "detaineeCount", true, true},
}

// Generator writes one synthetic graph.
type Generator struct {
	Quads int   // statements to write, exactly
	Seed  int64 // the same seed gives the same graph
}

// entity counts scale with the graph: one entity per this many quads.
const quadsPerEntity = 40

type writer struct {
	w     *bufio.Writer
	sizes map[sizeKey]*size // what the articles so far said of each agency's size
	left  int               // quads still to write
	buf   []byte
	rng   *rand.Rand
	orgs  []string // agencies and units: IRIs usable as edge ends
	roots []string // the agency each of orgs belongs to
	names map[string]string
	facs  []string
	posts []string
	zipf  *rand.Zipf
}

// sizeKey is one figure of one agency: its employees or its field offices.
type sizeKey struct{ agency, pred string }

// size is what the articles say of a sizeKey: the usual figure, and the
// last assertion that stated one, which a differing one may be linked to.
type size struct {
	usual, spread int // the figure most sources give, and how far others stray
	lastSt, lastG string
	last          int
}

// Write writes g.Quads statements of N-Quads to w.
func (g Generator) Write(w io.Writer) error {
	if g.Quads < 0 {
		return fmt.Errorf("negative size %d", g.Quads)
	}
	gw := &writer{
		w:     bufio.NewWriterSize(w, 1<<20),
		left:  g.Quads,
		rng:   rand.New(rand.NewPCG(uint64(g.Seed), 0x6167656e6379)),
		names: make(map[string]string),
		sizes: make(map[sizeKey]*size),
	}
	gw.entities(max(g.Quads/quadsPerEntity, len(agencies)))
	gw.zipf = rand.NewZipf(gw.rng, 1.2, 4, uint64(len(gw.orgs)-1))
	for n := 1; gw.left >= maxSourceQuads; n++ {
		gw.source(n)
	}
	gw.fill()
	return gw.w.Flush()
}

// quad writes one statement, if the budget allows; o is written as given
// (an IRI in brackets or a literal), s, p and g are IRIs.
func (w *writer) quad(s, p, o, g string) {
	if w.left == 0 {
		return
	}
	w.left--
	b := w.buf[:0]
	b = append(b, '<')
	b = append(b, s...)
	b = append(b, "> "...)
	b = append(b, p...)
	b = append(b, ' ')
	b = append(b, o...)
	if g != "" {
		b = append(b, " <"...)
		b = append(b, g...)
		b = append(b, '>')
	}
	b = append(b, " .\n"...)
	w.buf = b
	w.w.Write(b)
}

func iri(s string) string { return "<" + s + ">" }

func lit(s string) string { return strconv.Quote(s) }

func typed(v, dt string) string { return `"` + v + `"^^` + dt }

func (w *writer) pick(xs []string) string { return xs[w.rng.IntN(len(xs))] }

// entities writes the real agencies, then n synthetic units, people, posts
// and facilities attached to them.
func (w *writer) entities(n int) {
	for _, a := range agencies {
		class := "<Agency>"
		if a.parent == "" {
			class = "<Department>"
		}
		w.quad(a.iri, rdfType, class, "")
		w.quad(a.iri, schemaName, lit(a.name), "")
		w.names[a.iri] = a.iri
		if a.parent != "" {
			w.quad(a.iri, orgSubOf, iri(a.parent), "")
		}
		w.orgs = append(w.orgs, a.iri)
		w.roots = append(w.roots, a.iri)
	}
	for i := 0; len(w.orgs)+len(w.posts)+len(w.facs) < n+len(agencies); i++ {
		switch i % 4 {
		case 0, 1: // a unit or field office under an agency or another unit
			k := w.rng.IntN(len(w.orgs))
			parent, root := w.orgs[k], w.roots[k]
			id := fmt.Sprintf("unit/%s-%d", strings.ToLower(root), i)
			city := w.pick(cities)
			name := fmt.Sprintf("%s %s %s", root, city, w.pick(unitKinds))
			w.quad(id, rdfType, "<Unit>", "")
			w.quad(id, schemaName, lit(name), "")
			w.names[id] = name
			w.quad(id, skosAlt, lit(fmt.Sprintf("%s %s", root, city)), "")
			w.quad(id, orgSubOf, iri(parent), "")
			w.orgs = append(w.orgs, id)
			w.roots = append(w.roots, root)
		case 2: // a person and the post they hold
			person := fmt.Sprintf("person/gen-%d", i)
			post := fmt.Sprintf("post/gen-%d", i)
			k := w.rng.IntN(len(w.orgs))
			in := w.orgs[k]
			w.quad(person, rdfType, "<Person>", "")
			name := w.pick(firstNames) + " " + w.pick(lastNames)
			w.quad(person, schemaName, lit(name), "")
			w.names[person] = name
			w.quad(post, rdfType, "<Post>", "")
			w.quad(post, schemaName, lit(w.pick(titles)+", "+w.roots[k]), "")
			w.quad(post, orgPostIn, iri(in), "")
			w.posts = append(w.posts, person, post)
		default: // a facility
			id := fmt.Sprintf("facility/gen-%d", i)
			w.quad(id, rdfType, "<Facility>", "")
			name := w.pick(cities) + " Processing Center"
			w.quad(id, schemaName, lit(name), "")
			w.names[id] = name
			w.facs = append(w.facs, id)
		}
	}
}

// An article has 5 description quads and at most maxEdges statements of at
// most 14 quads (edge, 9 assertion quads, 4 figure and date quads; a size
// statement is 11: edge, 7 assertion quads, its figure, two links).
const (
	maxEdges       = 6
	maxSourceQuads = 5 + maxEdges*14
)

// org returns an agency or unit, the big agencies far more often than the
// small units, as in the news.
func (w *writer) org() string { return w.orgs[w.zipf.Uint64()] }

// source writes article n: its description in the default graph, and its
// statements, each an edge and an assertion node, in its own graph.
func (w *writer) source(n int) {
	src := fmt.Sprintf("src/g%d", n)
	year, month, day := 2025, 1+w.rng.IntN(12), 1+w.rng.IntN(28)
	date := fmt.Sprintf("%d-%02d-%02d", year, month, day)
	w.quad(src, rdfType, "<Article>", "")
	w.quad(src, schemaPub, iri(w.pick(outlets)), "")
	w.quad(src, schemaDate, typed(date, xsdDate), "")
	w.quad(src, schemaID, lit(fmt.Sprintf("%06d-generated.md", n)), "")
	edges := 1 + w.rng.IntN(maxEdges)
	var head string
	for e := 0; e < edges; e++ {
		st := fmt.Sprintf("st/g%d-%d", n, e)
		var (
			subj, pred, obj, quote string
			rel                    *relation
			count                  int
			sz                     *sizeStatement
		)
		if e == 0 && len(w.posts) > 0 && w.rng.IntN(4) == 0 {
			k := w.rng.IntN(len(w.posts)/2) * 2
			subj, pred, obj = w.posts[k], orgHolds, iri(w.posts[k+1])
			quote = fmt.Sprintf("%s, who leads the office, spoke on %s %d.", w.names[subj], months[month-1], day)
		} else if e == edges-1 && w.rng.IntN(sizeEvery) == 0 {
			sz = w.statedSize(month)
			subj, pred, obj, quote = sz.key.agency, iri(sz.key.pred), typed(strconv.Itoa(sz.n), xsdInteger), sz.quote
		} else {
			r := &relations[w.rng.IntN(len(relations))]
			subj, pred = w.org(), iri(r.pred)
			target := w.org()
			if r.toFac && len(w.facs) > 0 {
				target = w.pick(w.facs)
			}
			for target == subj {
				target = w.orgs[w.rng.IntN(len(w.orgs))]
			}
			obj = iri(target)
			verb := r.verb
			if r.counts != "" {
				count = 5 * (1 + w.rng.IntN(200))
				if strings.Contains(verb, "%s") {
					verb = fmt.Sprintf(verb, strconv.Itoa(count))
				}
			}
			quote = fmt.Sprintf("The %s %s the %s, officials said in %s.", w.names[subj], verb, w.names[target], months[month-1])
			rel = r
		}
		if head == "" {
			head = quote
			w.quad(src, schemaHead, lit(head), "")
		}
		w.quad(subj, pred, obj, src)
		w.quad(st, rdfType, "<Assertion>", src)
		w.quad(st, rdfSubject, iri(subj), src)
		w.quad(st, rdfPredicate, pred, src)
		w.quad(st, rdfObject, obj, src)
		w.quad(st, provDerived, iri(src), src)
		w.quad(st, "<quote>", lit(quote), src)
		w.quad(st, "<status>", iri(w.pick(statuses)), src)
		if pred == orgHolds {
			w.quad(st, "<title>", lit(w.pick(titles)), src)
			w.quad(st, "<acting>", typed(strconv.FormatBool(w.rng.IntN(5) == 0), xsdBoolean), src)
		}
		if rel != nil {
			w.figures(st, src, *rel, count, year, month)
		}
		if sz != nil {
			w.sizeFigure(st, src, sz)
		}
	}
}

// One article in sizeEvery closes with a statement of an agency's size.
const sizeEvery = 200

// sizeStatement is an article's figure for an agency's employees or field
// offices, usually the figure most sources give.
type sizeStatement struct {
	key          sizeKey
	size         *size // what the articles so far said of it
	n            int
	quote, words string // words: the figure as the quote words it
}

// components are the agencies within a department, those whose size
// articles state.
var components = func() (c []int) {
	for i, a := range agencies {
		if a.parent != "" {
			c = append(c, i)
		}
	}
	return c
}()

// statedSize picks an agency (not a department) and one of its sizes, and
// the figure this article gives for it.
func (w *writer) statedSize(month int) *sizeStatement {
	a := agencies[components[w.rng.IntN(len(components))]]
	k, noun, verb := sizeKey{a.iri, "employeeCount"}, "employees", "has"
	if w.rng.IntN(2) == 0 {
		k.pred, noun, verb = "fieldOfficeCount", "field offices", "runs"
	}
	sz, ok := w.sizes[k]
	if !ok {
		sz = &size{usual: 1000 * (2 + w.rng.IntN(60)), spread: 100 * (1 + w.rng.IntN(40))}
		if k.pred == "fieldOfficeCount" {
			sz.usual, sz.spread = 5+w.rng.IntN(40), 1+w.rng.IntN(6)
		}
		sz.spread = min(sz.spread, sz.usual/2) // no source says none, or fewer
		w.sizes[k] = sz
	}
	n := sz.usual
	if w.rng.IntN(10) < 3 { // three sources in ten give another figure
		n += sz.spread * (1 - 2*w.rng.IntN(2))
	}
	words := fmt.Sprintf(w.pick(figures), n) + " " + noun
	quote := fmt.Sprintf("The %s %s %s, officials said in %s.", a.name, verb, words, months[month-1])
	return &sizeStatement{key: k, size: sz, n: n, quote: quote, words: words}
}

// sizeFigure writes a size assertion's figure and, half the times it
// differs from the last article's figure, links the two with
// conflictsWith both ways, each in its own article's graph.
func (w *writer) sizeFigure(st, src string, s *sizeStatement) {
	w.quad(st, "<figure>", lit(s.words), src)
	sz := s.size
	if sz.lastSt != "" && sz.last != s.n && w.rng.IntN(2) == 0 {
		w.quad(st, "<conflictsWith>", iri(sz.lastSt), src)
		w.quad(sz.lastSt, "<conflictsWith>", iri(st), sz.lastG)
	}
	sz.lastSt, sz.lastG, sz.last = st, src, s.n
}

// figures writes an assertion's quantity and dates.
func (w *writer) figures(st, src string, r relation, n, year, month int) {
	if r.counts != "" {
		w.quad(st, iri(r.counts), typed(strconv.Itoa(n), xsdInteger), src)
		w.quad(st, "<figure>", lit(fmt.Sprintf(w.pick(figures), n)), src)
	}
	if r.dated {
		w.quad(st, schemaStart, typed(fmt.Sprintf("%d-%02d-01", year, month), xsdDate), src)
		w.quad(st, "<dateText>", lit("in early "+months[month-1]), src)
	}
}

// fill tops the graph up to its exact size with further aliases of the
// generated units, each distinct.
func (w *writer) fill() {
	for i := 0; w.left > 0; i++ {
		org := w.orgs[i%len(w.orgs)]
		w.quad(org, skosAlt, lit(fmt.Sprintf("%s (alias %d)", org, i)), "")
	}
}
