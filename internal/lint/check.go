package lint

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// RDFS and XSD terms only the linter needs.
const (
	rdfProperty    = quad.IRI(graph.NSRDF + "Property")
	rdfsClass      = quad.IRI(graph.NSRDFS + "Class")
	rdfsSubClassOf = quad.IRI(graph.NSRDFS + "subClassOf")
	rdfsDomain     = quad.IRI(graph.NSRDFS + "domain")
	rdfsRange      = quad.IRI(graph.NSRDFS + "range")

	xsdDate       = quad.IRI(graph.NSXSD + "date")
	xsdGYearMonth = quad.IRI(graph.NSXSD + "gYearMonth")
	xsdGYear      = quad.IRI(graph.NSXSD + "gYear")
	xsdInteger    = quad.IRI(graph.NSXSD + "integer")
	xsdDecimal    = quad.IRI(graph.NSXSD + "decimal")
	xsdBoolean    = quad.IRI(graph.NSXSD + "boolean")
)

// classTypes and propertyTypes are the rdf:types that declare a term in
// <vocab>.
var (
	classTypes    = map[quad.Value]bool{rdfsClass: true, quad.IRI(graph.NSOWL + "Class"): true}
	propertyTypes = map[quad.Value]bool{rdfProperty: true, quad.IRI(graph.NSOWL + "ObjectProperty"): true,
		quad.IRI(graph.NSOWL + "DatatypeProperty"): true}
)

// builtinPredicates belong to RDF and RDFS themselves, which schema.nq uses
// but does not redeclare.
var builtinPredicates = map[quad.Value]bool{
	graph.Type: true, graph.Subject: true, graph.Predicate: true, graph.Object: true,
	graph.Label: true, quad.IRI(graph.NSRDFS + "comment"): true, rdfsSubClassOf: true,
	quad.IRI(graph.NSRDFS + "subPropertyOf"): true, rdfsDomain: true, rdfsRange: true,
}

// evidenceProps are the properties of assertion nodes and of descriptions:
// a triple with one of them in a source graph is not itself a relationship
// edge that needs an assertion. Names and aliases describe an entity rather
// than relate it to another, so they are here too.
var evidenceProps = map[quad.Value]bool{
	graph.Type: true, graph.Subject: true, graph.Predicate: true, graph.Object: true, graph.WasDerivedFrom: true,
	graph.Quote: true, graph.Status: true, graph.StartDate: true, graph.EndDate: true, graph.AsOf: true,
	quad.IRI("headcount"): true, quad.IRI("durationDays"): true, quad.IRI("detaineeCount"): true,
	quad.IRI("capacity"): true, quad.IRI("amountUSD"): true, quad.IRI("percent"): true, quad.IRI("count"): true,
	graph.Figure: true, graph.DateText: true, graph.Title: true, graph.Acting: true,
	graph.Former: true, graph.RecordID: true, graph.URL: true, graph.ConflictsWith: true,
	graph.Name: true, graph.AltLabel: true,
}

// datePreds must hold a date literal; countPreds a non-negative number;
// amountPreds any number.
var (
	datePreds   = map[quad.Value]bool{graph.StartDate: true, graph.EndDate: true, graph.AsOf: true}
	countPreds  = map[quad.Value]bool{quad.IRI("headcount"): true, quad.IRI("durationDays"): true, quad.IRI("detaineeCount"): true, quad.IRI("capacity"): true, quad.IRI("count"): true}
	amountPreds = map[quad.Value]bool{quad.IRI("amountUSD"): true, quad.IRI("percent"): true}
)

// dataset indexes the quads for the checks.
type dataset struct {
	quads     []located
	types     map[quad.Value][]quad.Value // rdf:type objects, any graph
	described map[quad.Value]bool         // subject of some quad
	named     map[quad.Value]bool         // has a schema:name
	supers    map[quad.Value][]quad.Value // rdfs:subClassOf
	classes   map[quad.Value]bool
	preds     map[quad.Value]bool
	vocab     map[quad.Value]bool // subjects in <vocab>
	domains   map[quad.Value][]quad.Value
	ranges    map[quad.Value][]quad.Value
	bySubject map[quad.Value][]int // indexes into quads
	subMemo   map[[2]quad.Value]bool
}

func index(qs []located) *dataset {
	d := &dataset{quads: qs, types: map[quad.Value][]quad.Value{}, described: map[quad.Value]bool{},
		named: map[quad.Value]bool{}, supers: map[quad.Value][]quad.Value{}, classes: map[quad.Value]bool{},
		preds: map[quad.Value]bool{}, vocab: map[quad.Value]bool{}, domains: map[quad.Value][]quad.Value{},
		ranges: map[quad.Value][]quad.Value{}, bySubject: map[quad.Value][]int{},
		subMemo: map[[2]quad.Value]bool{}}
	for k := range builtinPredicates {
		d.preds[k] = true
	}
	for i, q := range qs {
		d.described[q.Subject] = true
		d.bySubject[q.Subject] = append(d.bySubject[q.Subject], i)
		switch q.Predicate {
		case graph.Type:
			d.types[q.Subject] = append(d.types[q.Subject], q.Object)
		case graph.Name:
			d.named[q.Subject] = true
		}
		if q.Label != graph.VocabGraph {
			continue
		}
		d.vocab[q.Subject] = true
		switch {
		case q.Predicate == graph.Type && classTypes[q.Object]:
			d.classes[q.Subject] = true
		case q.Predicate == graph.Type && propertyTypes[q.Object]:
			d.preds[q.Subject] = true
		case q.Predicate == rdfsSubClassOf:
			d.classes[q.Subject], d.classes[q.Object] = true, true
			d.supers[q.Subject] = append(d.supers[q.Subject], q.Object)
		case q.Predicate == rdfsDomain:
			d.domains[q.Subject] = append(d.domains[q.Subject], q.Object)
		case q.Predicate == rdfsRange:
			d.ranges[q.Subject] = append(d.ranges[q.Subject], q.Object)
		}
	}
	return d
}

// subClass reports whether c is want or (transitively) a subclass of it.
func (d *dataset) subClass(c, want quad.Value) bool {
	key := [2]quad.Value{c, want}
	if r, ok := d.subMemo[key]; ok {
		return r
	}
	r := d.searchSupers(c, want)
	d.subMemo[key] = r
	return r
}

func (d *dataset) searchSupers(c, want quad.Value) bool {
	seen := map[quad.Value]bool{}
	stack := []quad.Value{c}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c == want {
			return true
		}
		if !seen[c] {
			seen[c] = true
			stack = append(stack, d.supers[c]...)
		}
	}
	return false
}

// isA reports whether v has a type that is want or a subclass of it.
func (d *dataset) isA(v, want quad.Value) bool {
	for _, t := range d.types[v] {
		if d.subClass(t, want) {
			return true
		}
	}
	return false
}

// objects returns the objects of v's quads with predicate p, any graph.
func (d *dataset) objects(v, p quad.Value) []located {
	var out []located
	for _, i := range d.bySubject[v] {
		if d.quads[i].Predicate == p {
			out = append(out, d.quads[i])
		}
	}
	return out
}

func isSourceGraph(l quad.Value) bool {
	iri, ok := l.(quad.IRI)
	return ok && strings.HasPrefix(string(iri), "src/")
}

// Check parses files and checks them as one dataset, returning every
// problem sorted by file and line. A syntax error is a problem, not an
// error; the error is for files that cannot be read.
func Check(ctx context.Context, files []File) ([]Problem, error) {
	qs, problems, err := readAll(ctx, files)
	if err != nil {
		return nil, err
	}
	d := index(qs)
	problems = append(problems, d.checkTerms()...)
	problems = append(problems, d.checkEdges()...)
	problems = append(problems, d.checkAssertions()...)
	problems = append(problems, d.checkLiterals()...)
	problems = append(problems, d.checkAliases()...)
	problems = append(problems, d.checkDomainRange()...)
	return sortProblems(problems), nil
}

// checkTerms reports, once each at first use, predicates and classes that
// <vocab> does not declare, and statuses that are not typed <Status>.
func (d *dataset) checkTerms() []Problem {
	var ps []Problem
	reported := map[quad.Value]bool{}
	once := func(l located, v quad.Value, format string) {
		if !reported[v] {
			reported[v] = true
			ps = append(ps, l.at(Error, format, short(v)))
		}
	}
	for _, q := range d.quads {
		if q.Label == graph.VocabGraph {
			continue
		}
		if !d.preds[q.Predicate] {
			once(q, q.Predicate, "unknown predicate %s: not declared in <vocab>")
		}
		switch q.Predicate {
		case graph.Type:
			if !d.classes[q.Object] {
				once(q, q.Object, "unknown class %s: not declared in <vocab>")
			}
		case graph.Predicate:
			if !d.preds[q.Object] {
				once(q, q.Object, "unknown predicate %s: not declared in <vocab>")
			}
		case graph.Status:
			if !d.isA(q.Object, graph.ClassStatus) {
				ps = append(ps, q.at(Error, "status %s is not a declared <Status>", short(q.Object)))
			}
		}
	}
	return ps
}

// isEdge reports whether q is a relationship edge: a triple in a source
// graph that is neither about an assertion node nor one of the describing
// properties.
func (d *dataset) isEdge(q located) bool {
	return isSourceGraph(q.Label) && !evidenceProps[q.Predicate] && !d.isA(q.Subject, graph.ClassAssertion)
}

// checkEdges reports relationship edges without an assertion in their graph,
// the ends of edges that are not typed or named, and IRIs used as objects
// that nothing describes. Each IRI is reported once, at its first use.
func (d *dataset) checkEdges() []Problem {
	var ps []Problem
	backed := map[[4]quad.Value]bool{}
	for _, q := range d.quads {
		if q.Predicate != graph.Subject || !d.isA(q.Subject, graph.ClassAssertion) {
			continue
		}
		for _, p := range d.objects(q.Subject, graph.Predicate) {
			for _, o := range d.objects(q.Subject, graph.Object) {
				if p.Label == q.Label && o.Label == q.Label {
					backed[[4]quad.Value{q.Label, q.Object, p.Object, o.Object}] = true
				}
			}
		}
	}
	entities := map[quad.Value]bool{}
	seen := map[quad.Value]bool{}
	var uses []located // first use of each IRI to check, with its IRI as Object
	use := func(q located, v quad.Value) {
		if _, ok := v.(quad.IRI); ok && !seen[v] {
			seen[v] = true
			q.Object = v
			uses = append(uses, q)
		}
	}
	for _, q := range d.quads {
		if q.Label == graph.VocabGraph {
			continue
		}
		if d.isEdge(q) {
			if !backed[[4]quad.Value{q.Label, q.Subject, q.Predicate, q.Object}] {
				ps = append(ps, q.at(Error, "edge %s %s %s has no <Assertion> in %s with that rdf:subject, rdf:predicate and rdf:object",
					short(q.Subject), short(q.Predicate), short(q.Object), short(q.Label)))
			}
			for _, v := range []quad.Value{q.Subject, q.Object} {
				if _, ok := v.(quad.IRI); ok && !d.isA(v, graph.ClassAssertion) && !d.isA(v, graph.ClassSource) && !d.isA(v, graph.ClassStatus) && !d.vocab[v] {
					entities[v] = true
				}
			}
			use(q, q.Subject)
		}
		if q.Predicate != graph.Type && q.Predicate != graph.Predicate && q.Predicate != graph.Status {
			use(q, q.Object)
		}
	}
	for _, q := range uses {
		v := q.Object
		switch {
		case len(d.types[v]) > 0:
			if entities[v] && !d.named[v] {
				ps = append(ps, q.at(Error, "entity %s has no schema:name", short(v)))
			}
		case entities[v] && d.described[v]:
			ps = append(ps, q.at(Error, "entity %s has no rdf:type", short(v)))
		default:
			ps = append(ps, q.at(Error, "dangling IRI %s: nothing gives it an rdf:type", short(v)))
		}
	}
	return ps
}

// checkAssertions reports assertion nodes that do not name what they
// assert, do not cite a source, or lack the quote (article) or record id
// (dataset) that shows where the source says it.
func (d *dataset) checkAssertions() []Problem {
	var ps []Problem
	done := map[quad.Value]bool{}
	for _, q := range d.quads {
		if q.Predicate != graph.Type || done[q.Subject] || !d.isA(q.Subject, graph.ClassAssertion) {
			continue
		}
		done[q.Subject] = true
		a := q.Subject
		for _, p := range []quad.IRI{graph.Subject, graph.Predicate, graph.Object} {
			if len(d.objects(a, p)) == 0 {
				ps = append(ps, q.at(Error, "assertion %s has no %s", short(a), short(p)))
			}
		}
		// The source's type says which evidence to expect: a quote from an
		// article, a record id in a dataset, either from an untyped source
		// (which is reported as dangling).
		src := q.Label
		if srcs := d.objects(a, graph.WasDerivedFrom); len(srcs) > 0 {
			src = srcs[0].Object
		} else {
			ps = append(ps, q.at(Error, "assertion %s has no prov:wasDerivedFrom", short(a)))
		}
		quoted, recorded := len(d.objects(a, graph.Quote)) > 0, len(d.objects(a, graph.RecordID)) > 0
		switch {
		case d.isA(src, graph.ClassDataset):
			if !recorded {
				ps = append(ps, q.at(Error, "assertion %s cites dataset %s but has no <recordId>", short(a), short(src)))
			}
		case len(d.types[src]) > 0:
			if !quoted {
				ps = append(ps, q.at(Error, "assertion %s has no <quote>", short(a)))
			}
		case !quoted && !recorded:
			ps = append(ps, q.at(Error, "assertion %s has neither <quote> nor <recordId>", short(a)))
		}
	}
	return ps
}

var (
	reTZ         = `(Z|[+-]\d{2}:\d{2})?$`
	reDate       = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}` + reTZ)
	reGYearMonth = regexp.MustCompile(`^-?\d{4,}-(\d{2})` + reTZ)
	reGYear      = regexp.MustCompile(`^-?\d{4,}` + reTZ)
	reInteger    = regexp.MustCompile(`^[+-]?\d+$`)
	reDecimal    = regexp.MustCompile(`^[+-]?(\d+(\.\d*)?|\.\d+)$`)
	reBoolean    = regexp.MustCompile(`^(true|false|1|0)$`)
)

// literalError says what is wrong with a typed literal of a datatype lint
// knows, or "" if nothing is.
func literalError(t quad.TypedString) string {
	v := string(t.Value)
	switch t.Type {
	case xsdDate:
		if !reDate.MatchString(v) {
			return "not an xsd:date (YYYY-MM-DD)"
		}
		// Four-digit years are the ones time can check; others are rare
		// enough to take on trust.
		if v[4] == '-' {
			if _, err := time.Parse("2006-01-02", v[:10]); err != nil {
				return "not a calendar date"
			}
		}
	case xsdGYearMonth:
		m := reGYearMonth.FindStringSubmatch(v)
		if m == nil {
			return "not an xsd:gYearMonth (YYYY-MM)"
		}
		if m[1] < "01" || m[1] > "12" {
			return "no such month"
		}
	case xsdGYear:
		if !reGYear.MatchString(v) {
			return "not an xsd:gYear (YYYY)"
		}
	case xsdInteger:
		if !reInteger.MatchString(v) {
			return "not an xsd:integer"
		}
	case xsdDecimal:
		if !reDecimal.MatchString(v) {
			return "not an xsd:decimal"
		}
	case xsdBoolean:
		if !reBoolean.MatchString(v) {
			return "not an xsd:boolean (true, false, 1, 0)"
		}
	}
	return ""
}

// checkLiterals reports malformed typed literals, dates and quantities of
// the wrong datatype, and negative counts.
func (d *dataset) checkLiterals() []Problem {
	var ps []Problem
	for _, q := range d.quads {
		t, typed := q.Object.(quad.TypedString)
		if typed {
			if msg := literalError(t); msg != "" {
				ps = append(ps, q.at(Error, "%s %s: %s", short(q.Predicate), short(q.Object), msg))
				continue
			}
		}
		switch {
		case datePreds[q.Predicate] && (!typed || (t.Type != xsdDate && t.Type != xsdGYearMonth && t.Type != xsdGYear)):
			ps = append(ps, q.at(Error, "%s %s: a date must be typed xsd:date, xsd:gYearMonth or xsd:gYear", short(q.Predicate), short(q.Object)))
		case (countPreds[q.Predicate] || amountPreds[q.Predicate]) && (!typed || (t.Type != xsdInteger && t.Type != xsdDecimal)):
			ps = append(ps, q.at(Error, "%s %s: a quantity must be typed xsd:integer or xsd:decimal", short(q.Predicate), short(q.Object)))
		case countPreds[q.Predicate] && strings.HasPrefix(string(t.Value), "-") && strings.Trim(string(t.Value), "-0.") != "":
			ps = append(ps, q.at(Error, "%s %s: a count cannot be negative", short(q.Predicate), short(q.Object)))
		}
	}
	return ps
}

// checkAliases reports a name or alias that two different entities claim:
// lookups by name must land on one entity. Names compare as graph.Lookup
// compares them: ignoring case, runs of white space and the kind of
// apostrophe, quote or dash.
func (d *dataset) checkAliases() []Problem {
	var ps []Problem
	type claim struct {
		owner quad.Value
		at    located
	}
	first := map[string]claim{}
	reported := map[[2]string]bool{}
	for _, q := range d.quads {
		if q.Label == graph.VocabGraph || (q.Predicate != graph.Name && q.Predicate != graph.AltLabel) {
			continue
		}
		key := strings.ToLower(normalize(lexical(q.Object)))
		c, ok := first[key]
		if !ok {
			first[key] = claim{owner: q.Subject, at: q}
			continue
		}
		if c.owner != q.Subject && !reported[[2]string{key, q.Subject.String()}] {
			reported[[2]string{key, q.Subject.String()}] = true
			ps = append(ps, q.at(Error, "alias %q of %s is already claimed by %s (%s:%d)",
				lexical(q.Object), short(q.Subject), short(c.owner), c.at.file, c.at.line))
		}
	}
	return ps
}

// checkDomainRange warns where a subject's or an IRI object's types
// contradict the predicate's declared rdfs:domain or rdfs:range. Untyped
// nodes are reported elsewhere and not here.
func (d *dataset) checkDomainRange() []Problem {
	var ps []Problem
	fits := func(v quad.Value, classes []quad.Value) bool {
		for _, c := range classes {
			if d.isA(v, c) {
				return true
			}
		}
		return false
	}
	for _, q := range d.quads {
		if q.Label == graph.VocabGraph {
			continue
		}
		if dom := d.domains[q.Predicate]; len(dom) > 0 && len(d.types[q.Subject]) > 0 && !fits(q.Subject, dom) {
			ps = append(ps, q.at(Warning, "%s is a %s, outside the domain %s of %s",
				short(q.Subject), shortList(d.types[q.Subject]), shortList(dom), short(q.Predicate)))
		}
		rng := d.ranges[q.Predicate]
		if _, iri := q.Object.(quad.IRI); iri && len(rng) > 0 && len(d.types[q.Object]) > 0 && !fits(q.Object, rng) {
			ps = append(ps, q.at(Warning, "%s is a %s, outside the range %s of %s",
				short(q.Object), shortList(d.types[q.Object]), shortList(rng), short(q.Predicate)))
		}
	}
	return ps
}

var prefixes = []struct{ ns, prefix string }{
	{graph.NSRDF, "rdf:"}, {graph.NSRDFS, "rdfs:"}, {graph.NSOWL, "owl:"}, {graph.NSXSD, "xsd:"}, {graph.NSOrg, "org:"},
	{graph.NSProv, "prov:"}, {graph.NSSchema, "schema:"}, {graph.NSSKOS, "skos:"},
}

// short writes an IRI with the README's prefixes (org:subOrganizationOf),
// a typed literal's datatype likewise ("3"^^xsd:integer), and anything else
// as in N-Quads.
func short(v quad.Value) string {
	if t, ok := v.(quad.TypedString); ok {
		return t.Value.String() + "^^" + short(t.Type)
	}
	if iri, ok := v.(quad.IRI); ok {
		for _, p := range prefixes {
			if rest, ok := strings.CutPrefix(string(iri), p.ns); ok {
				return p.prefix + rest
			}
		}
	}
	return v.String()
}

func shortList(vs []quad.Value) string {
	s := make([]string, len(vs))
	for i, v := range vs {
		s[i] = short(v)
	}
	return strings.Join(s, "|")
}

// lexical returns a literal's text without quotes, language or datatype, and
// any other value as in N-Quads.
func lexical(v quad.Value) string {
	switch v := v.(type) {
	case quad.String:
		return string(v)
	case quad.LangString:
		return string(v.Value)
	case quad.TypedString:
		return string(v.Value)
	}
	return quad.StringOf(v)
}
