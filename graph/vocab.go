package graph

import "github.com/cayleygraph/quad"

// Namespaces of the W3C and schema.org vocabularies the data model borrows;
// quads/README.md writes their terms in full.
const (
	NSRDF    = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	NSRDFS   = "http://www.w3.org/2000/01/rdf-schema#"
	NSOWL    = "http://www.w3.org/2002/07/owl#"
	NSXSD    = "http://www.w3.org/2001/XMLSchema#"
	NSOrg    = "http://www.w3.org/ns/org#"
	NSProv   = "http://www.w3.org/ns/prov#"
	NSSchema = "http://schema.org/"
	NSSKOS   = "http://www.w3.org/2004/02/skos/core#"
)

// Terms of the data model (quads/README.md). The linter, the importers, the
// lookup and the exporters all name terms through these, so the model is
// spelled in one place; saved queries, being JavaScript, spell their own.
const (
	Type              = quad.IRI(NSRDF + "type")
	Subject           = quad.IRI(NSRDF + "subject")
	Predicate         = quad.IRI(NSRDF + "predicate")
	Object            = quad.IRI(NSRDF + "object")
	Label             = quad.IRI(NSRDFS + "label")
	SubOrganizationOf = quad.IRI(NSOrg + "subOrganizationOf")
	HeadOf            = quad.IRI(NSOrg + "headOf")
	Holds             = quad.IRI(NSOrg + "holds")
	PostIn            = quad.IRI(NSOrg + "postIn")
	WasDerivedFrom    = quad.IRI(NSProv + "wasDerivedFrom")
	Name              = quad.IRI(NSSchema + "name")
	Headline          = quad.IRI(NSSchema + "headline")
	Publisher         = quad.IRI(NSSchema + "publisher")
	DatePublished     = quad.IRI(NSSchema + "datePublished")
	Identifier        = quad.IRI(NSSchema + "identifier")
	URL               = quad.IRI(NSSchema + "url")
	StartDate         = quad.IRI(NSSchema + "startDate")
	EndDate           = quad.IRI(NSSchema + "endDate")
	AltLabel          = quad.IRI(NSSKOS + "altLabel")

	// Evidence on assertion nodes.
	Quote         = quad.IRI("quote")
	Status        = quad.IRI("status")
	RecordID      = quad.IRI("recordId")
	Figure        = quad.IRI("figure")
	DateText      = quad.IRI("dateText")
	AsOf          = quad.IRI("asOf")
	Title         = quad.IRI("title")
	Acting        = quad.IRI("acting")
	Former        = quad.IRI("former")
	ConflictsWith = quad.IRI("conflictsWith")

	// Classes.
	ClassAgency     = quad.IRI("Agency")
	ClassDepartment = quad.IRI("Department")
	ClassAssertion  = quad.IRI("Assertion")
	ClassSource     = quad.IRI("Source")
	ClassDataset    = quad.IRI("Dataset")
	ClassStatus     = quad.IRI("Status")

	StatusStated = quad.IRI("status/stated")

	// VocabGraph is the graph of schema.nq: classes and predicates, not
	// entities.
	VocabGraph = quad.IRI("vocab")
)
