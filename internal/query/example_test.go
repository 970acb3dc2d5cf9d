package query_test

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/queries"
)

// Go code asks a saved query the way the CLI and the HTTP server do: the
// .js file in queries/ stays the one definition, and the parameters are
// given by name, entities by any of their names.
func ExampleRunner_Run() {
	ctx := context.Background()
	s, err := graph.Open(ctx, graph.Config{Backend: graph.Memory})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ins, err := graph.Inputs([]string{"../../testdata/small.nq"}, nil)
	if err != nil {
		log.Fatal(err)
	}
	if _, err := s.Load(ctx, ins, graph.LoadOptions{}); err != nil {
		log.Fatal(err)
	}

	saved, err := query.LoadSaved(queries.FS)
	if err != nil {
		log.Fatal(err)
	}
	r := &query.Runner{Store: s, Timeout: 30 * time.Second, Limit: 1000}
	res, err := r.Run(ctx, saved["personnel-flows"], map[string]string{"agency": "Immigration and Customs Enforcement"})
	if err != nil {
		log.Fatal(err)
	}
	for _, row := range res.Rows {
		fmt.Println(s.Name(ctx, quad.IRI(strings.Trim(row["from"].(string), "<>"))), row["how"], row["days"], row["start"])
	}
	// Output:
	// Fraud Detection and National Security Directorate <detailsStaffTo> <nil> 2025-02
	// U.S. Citizenship and Immigration Services <detailsStaffTo> 60 2025-03-10
}
