// Package graph is agencygraph's domain: it opens a Cayley quad store
// (memory, Bolt or PostgreSQL), loads N-Quads into it atomically, looks
// entities up by name or alias and answers the typed questions the rest of
// the tool asks. It knows nothing of HTTP or of the command line.
package graph
