// Package quads holds agencygraph's bundled dataset, embedded in the binary.
package quads

import "embed"

// FS holds every .nq file of the dataset.
//
//go:embed *.nq
var FS embed.FS
