package refdata

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// FRAgency is one record of the Federal Register's agency list.
type FRAgency struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	ShortName string `json:"short_name"` // empty when null
	Slug      string `json:"slug"`
	ParentID  string `json:"parent_id"` // empty for a top-level agency
	URL       string `json:"url"`
}

// FederalRegister is the Federal Register's agency list with each agency's
// IRI decided.
type FederalRegister struct {
	Agencies []FRAgency          // in id order
	iri      map[string]quad.IRI // by id
	byKey    map[string][]int    // indexes into Agencies, by nameKey of the name
}

// shortNameIRI is what a short name must look like to be used as an IRI
// as it is: "9-11 Commission" or "NSA/CSS" are not.
var shortNameIRI = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ReadFederalRegister decodes the JSON agency list (an array of records as
// the Federal Register's /api/v1/agencies returns) and assigns IRIs: an
// agency's IRI is its short name (<ICE>, <DHS>) when it has one that no other
// agency shares and that is a plain token, and <fr/SLUG> otherwise.
func ReadFederalRegister(r io.Reader) (*FederalRegister, error) {
	var list []FRAgency
	if err := json.NewDecoder(r).Decode(&list); err != nil {
		return nil, fmt.Errorf("decode federal register agencies: %w", err)
	}
	sort.SliceStable(list, func(i, j int) bool { return idLess(list[i].ID, list[j].ID) })
	fr := &FederalRegister{Agencies: list, iri: map[string]quad.IRI{}, byKey: map[string][]int{}}
	shorts := map[string]int{}
	for i, a := range list {
		if a.ID == "" || a.Name == "" || a.Slug == "" {
			return nil, fmt.Errorf("federal register agency #%d: missing id, name or slug", i+1)
		}
		if _, dup := fr.iri[a.ID]; dup {
			return nil, fmt.Errorf("federal register agency id %s: listed twice", a.ID)
		}
		fr.iri[a.ID] = ""
		shorts[a.ShortName]++
	}
	for i, a := range list {
		iri := quad.IRI("fr/" + a.Slug)
		if shorts[a.ShortName] == 1 && shortNameIRI.MatchString(a.ShortName) {
			iri = quad.IRI(a.ShortName)
		}
		fr.iri[a.ID] = iri
		k := nameKey(a.Name)
		fr.byKey[k] = append(fr.byKey[k], i)
	}
	for _, a := range list {
		if _, ok := fr.iri[a.ParentID]; a.ParentID != "" && !ok {
			return nil, fmt.Errorf("federal register agency %s: parent id %s is not in the list", a.ID, a.ParentID)
		}
	}
	return fr, nil
}

// idLess orders numeric ids by value ("9" before "10").
func idLess(a, b string) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// IRI returns the IRI of the agency with the given id.
func (fr *FederalRegister) IRI(id string) quad.IRI { return fr.iri[id] }

// isDepartment reports whether a Federal Register name names an executive
// department. The list writes departments as "Justice Department"; names of
// their offices end the same way after a comma ("Hearings and Appeals
// Office, Energy Department"), so a comma rules a name out.
func isDepartment(name string) bool {
	return strings.HasSuffix(name, " Department") && !strings.Contains(name, ",")
}

// Quads returns the list as N-Quads in graph <src/federalregister>: each
// agency's type (<Agency>, and <Department> for a department), schema:name,
// its short name as skos:graph.AltLabel (unless another agency shares it, since an
// alias must pick out one entity), and its parent as org:subOrganizationOf
// with an assertion node <st/federalregister/ID> citing the record.
func (fr *FederalRegister) Quads() []quad.Quad {
	g := SourceFederalRegister
	var qs []quad.Quad
	shared := map[string]int{}
	for _, a := range fr.Agencies {
		shared[strings.ToLower(a.ShortName)]++
	}
	for _, a := range fr.Agencies {
		s := fr.iri[a.ID]
		qs = append(qs,
			quad.Make(s, graph.Type, graph.ClassAgency, g),
			quad.Make(s, graph.Name, quad.String(a.Name), g))
		if isDepartment(a.Name) {
			qs = append(qs, quad.Make(s, graph.Type, graph.ClassDepartment, g))
		}
		if a.ShortName != "" && shared[strings.ToLower(a.ShortName)] == 1 && !strings.EqualFold(a.ShortName, a.Name) {
			qs = append(qs, quad.Make(s, graph.AltLabel, quad.String(a.ShortName), g))
		}
		if a.ParentID != "" {
			p := fr.iri[a.ParentID]
			qs = append(qs, quad.Make(s, graph.SubOrganizationOf, p, g))
			qs = append(qs, assertion(quad.IRI("st/federalregister/"+a.ID), s, graph.SubOrganizationOf, p, g, "FR "+a.ID, a.URL)...)
		}
	}
	return qs
}

// match returns the IRI of the Federal Register agency whose name has the
// same nameKey as name. When several do, the one whose parent is parent
// wins; otherwise there is no match.
func (fr *FederalRegister) match(name string, parent quad.IRI) (quad.IRI, bool) {
	idx := fr.byKey[nameKey(name)]
	if len(idx) == 1 {
		return fr.iri[fr.Agencies[idx[0]].ID], true
	}
	for _, i := range idx {
		if a := fr.Agencies[i]; parent != "" && a.ParentID != "" && fr.iri[a.ParentID] == parent {
			return fr.iri[a.ID], true
		}
	}
	return "", false
}

// ConvertFederalRegister reads the JSON agency list from r and writes it to
// w as N-Quads, with a header naming the input file name (its base name, so
// that the output does not depend on where the file sits).
func ConvertFederalRegister(w io.Writer, r io.Reader, name string) error {
	fr, err := ReadFederalRegister(r)
	if err != nil {
		return err
	}
	return writeQuads(w, []string{
		"Generated by `agencygraph import federalregister " + name + "`; do not edit.",
		"Source: the Federal Register's agency list (public domain), graph <src/federalregister>.",
		"IRIs: an agency's unique short name (<ICE>), else <fr/SLUG>. Types: <Agency>; also",
		"<Department> when the name ends in \" Department\" and has no comma (\"Justice Department\").",
	}, fr.Quads())
}
