// Package queries holds the saved Gizmo queries, embedded in the binary.
package queries

import "embed"

// FS holds one saved query per .js file.
//
//go:embed *.js
var FS embed.FS
