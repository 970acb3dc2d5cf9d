// Copyright 2017 The Cayley Authors. All rights reserved.
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// Package gizmo is Cayley's Gizmo query language (JavaScript on goja).
//
// NOTICE: this is a copy of github.com/cayleygraph/cayley v0.7.7 query/gizmo
// (Apache-2.0, Copyright The Cayley Authors) with these changes, made by the
// agencygraph authors, and otherwise identical so that results match
// Cayley's byte for byte:
//   - Session.Bind sets a JavaScript global before a script runs, so that
//     saved queries receive parameters as values instead of spliced text
//     (Cayley keeps the goja runtime unexported).
//   - Execute derives the session's context from its ctx argument instead of
//     context.Background(), and interrupts the VM when that ctx ends, so a
//     deadline stops a runaway script (while(true){}) whether or not the
//     caller is waiting in Next at that moment.
//   - The package does not register itself with query.RegisterLanguage, so
//     that it can be linked next to Cayley's own gizmo package.
//   - A session converts each node's name once (Session.native) and reuses
//     the string; results are the same, only faster.
//   - A path has two more finals (props.go): PropertyMap, each end node's
//     outgoing values by predicate as one map built in Go (with options,
//     each predicate's first value only, a typed literal as its text), and
//     InCounts, how many quads with given predicates point to each end node.
//   - A value filter more, literal(): Filter(literal()) keeps literals, of
//     any type, and drops IRIs and blank nodes.
//   - Stores that can read many nodes at once do so: a batch reader
//     (SetBatchReader, PostgreSQL), links and counts read from a Bolt
//     store's indexes in one transaction, a planner of the caller's choice
//     (SetPlanner).
//   - Without a batch reader, ToArray, TagArray and PropertyMap name what
//     they find past their first few hundred results on a goroutine of
//     their own while they walk the store (pipelined); results come in the
//     same order.
//
// As in Cayley, scripts have no access to files, the network or the
// process: goja provides no require, load, XMLHttpRequest or process.
package gizmo
