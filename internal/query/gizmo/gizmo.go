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

package gizmo

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dop251/goja"

	"github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/iterator"
	"github.com/cayleygraph/cayley/graph/path"
	"github.com/cayleygraph/cayley/graph/shape"
	"github.com/cayleygraph/cayley/query"
	"github.com/cayleygraph/cayley/schema"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/jsonld"
	"github.com/cayleygraph/quad/voc"
)

const Name = "gizmo"

// Sessions are not registered with query.RegisterLanguage: Cayley's own
// gizmo package registers the name "gizmo", and agencygraph calls NewSession
// directly.
var _ query.HTTP = (*Session)(nil)

func NewSession(qs graph.QuadStore) *Session {
	s := &Session{
		ctx: context.Background(),
		sch: schema.NewConfig(),
		qs:  qs, limit: -1,
	}
	if err := s.buildEnv(); err != nil {
		panic(err)
	}
	return s
}

func lcFirst(str string) string {
	rune, size := utf8.DecodeRuneInString(str)
	return string(unicode.ToLower(rune)) + str[size:]
}

type fieldNameMapper struct{}

func (fieldNameMapper) FieldName(t reflect.Type, f reflect.StructField) string {
	return lcFirst(f.Name)
}

const constructMethodPrefix = "New"
const backwardsCompatibilityPrefix = "Capitalized"

func (fieldNameMapper) MethodName(t reflect.Type, m reflect.Method) string {
	if strings.HasPrefix(m.Name, backwardsCompatibilityPrefix) {
		return strings.TrimPrefix(m.Name, backwardsCompatibilityPrefix)
	}
	if strings.HasPrefix(m.Name, constructMethodPrefix) {
		return strings.TrimPrefix(m.Name, constructMethodPrefix)
	}
	return lcFirst(m.Name)
}

type Session struct {
	qs  graph.QuadStore
	vm  *goja.Runtime
	ns  voc.Namespaces
	sch *schema.Config
	col query.Collation

	last string
	p    *goja.Program

	out   chan *Result
	ctx   context.Context
	limit int
	count int

	err   error
	shape map[string]interface{}
	names map[interface{}]string // see native

	// batch reads many nodes at once (SetBatchReader); values holds the
	// names it read, until native asks for them.
	batch  BatchReader
	values map[interface{}]quad.Value
	// planner plans iterator trees where qs should not (SetPlanner).
	planner graph.QuadStore
}

// BatchReader reads many nodes at once, where the store's own reads take a
// round trip to a server each (graph.Store.BatchReads: PostgreSQL).
type BatchReader interface {
	// Names names refs: nil for a ref that names nothing.
	Names(ctx context.Context, refs []graph.Ref) ([]quad.Value, error)
	// Links gives the predicate and object of each quad with one of nodes
	// as subject, in the order the store's subject scan gives them.
	Links(ctx context.Context, nodes []graph.Ref) ([][][2]graph.Ref, error)
	// InCounts counts the quads with one of preds (any if nil) and each
	// of nodes as object.
	InCounts(ctx context.Context, nodes, preds []graph.Ref) ([]int64, error)
}

// SetBatchReader gives the session a way to read many nodes at once: ToArray,
// TagArray and PropertyMap then name what they return a few thousand rows
// at a time, PropertyMap reads its nodes' links and InCounts counts them in
// batches, and g.V looks its values up.
func (s *Session) SetBatchReader(b BatchReader) {
	s.batch = b
}

// SetPlanner has the session plan each iterator tree with planner's
// optimizer (Cayley's shape.Optimize) and build it on its own store (see
// graph.Store.Planner). A nil planner leaves planning to the store.
func (s *Session) SetPlanner(planner graph.QuadStore) {
	s.planner = planner
}

// build plans sh, with the session's planner if it has one, and builds its
// iterator on the session's store.
func (s *Session) build(sh shape.Shape) graph.Iterator {
	if s.planner == nil {
		return shape.BuildIterator(s.qs, sh)
	}
	sh, _ = shape.Optimize(sh, s.planner)
	if shape.IsNull(sh) {
		return iterator.NewNull()
	}
	return sh.BuildIterator(s.qs)
}

// prefetchRows is how many results ToArray and TagArray name in one batch.
const prefetchRows = 4096

// inBatches runs iterate and hands each result it gives to emit. Without
// a batch reader, past the first few hundred results emit runs on a
// goroutine of its own (pipelined). With one, inBatches keeps the results
// instead: every prefetchRows results, and at the end, it names the refs
// refsOf finds in them in one batch (prefetch), then hands them to emit in
// order.
func inBatches[T any](s *Session, iterate func(func(T)) error, refsOf func(T, []graph.Ref) []graph.Ref, emit func(T)) error {
	if s.batch == nil {
		return pipelined(iterate, emit)
	}
	var rows []T
	var refs []graph.Ref
	flush := func() error {
		if err := s.prefetch(refs); err != nil {
			return err
		}
		for _, r := range rows {
			emit(r)
		}
		rows, refs = rows[:0], refs[:0]
		return nil
	}
	var ferr error
	err := iterate(func(r T) {
		rows = append(rows, r)
		refs = refsOf(r, refs)
		if len(rows) == prefetchRows && ferr == nil {
			ferr = flush()
		}
	})
	if err == nil {
		err = ferr
	}
	if err == nil {
		err = flush()
	}
	return err
}

// pipeRows is how many results pipelined hands emit itself, and then how
// many it hands over at a time.
const pipeRows = 256

// pipelined runs iterate and hands each result it gives to emit, in order.
// Past the first pipeRows results, emit runs on a goroutine of its own, a
// batch of results at a time, so that walking the store and naming what it
// finds use two cores: on a cold whole-graph answer the two took about as
// long as each other, and the change took a cold `conflicts` (then a
// TagArray over every assertion) to 0.7× its time. A small answer starts
// no goroutine: handing over cost 10–34 % of a saved query of a few
// hundred rows. A panic in emit comes back as the
// error, as a bad script must not bring the process down.
func pipelined[T any](iterate func(func(T)) error, emit func(T)) error {
	var (
		n       int
		buf     []T
		batches chan []T
		done    chan error
		walked  bool
	)
	defer func() {
		if batches != nil && !walked {
			close(batches) // iterate panicked: emitEach must not wait on
		}
	}()
	err := iterate(func(r T) {
		if n++; n <= pipeRows {
			emit(r)
			return
		}
		if batches == nil {
			batches, done = make(chan []T, 4), make(chan error, 1)
			go emitEach(batches, done, emit)
		}
		if buf = append(buf, r); len(buf) == pipeRows {
			batches <- buf
			buf = make([]T, 0, pipeRows)
		}
	})
	walked = true
	if batches == nil {
		return err
	}
	if len(buf) > 0 {
		batches <- buf
	}
	close(batches)
	if eerr := <-done; err == nil {
		err = eerr
	}
	return err
}

// emitEach hands emit each result of each batch, and then reports on done
// a panic in emit as an error; after one it reads the rest of batches
// without handing them on, so that their sender is not left waiting.
func emitEach[T any](batches <-chan []T, done chan<- error, emit func(T)) {
	var err error
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("query failed naming its results: %v", p)
			for range batches {
			}
		}
		done <- err
	}()
	for b := range batches {
		for _, r := range b {
			emit(r)
		}
	}
}

// prefetch names those of refs native does not know yet with the batch
// reader, and keeps their values for native.
func (s *Session) prefetch(refs []graph.Ref) error {
	// Both maps are bounded by emptying them. A ref skipped below because
	// one holds its name must still find it there when it is read: where
	// refs could fill a map, it is emptied now and they are all named.
	// Otherwise a name dropped in between was named alone, with a query
	// of its own (a third of PropertyMap's time over 75k assertions).
	if len(s.names)+len(refs) > maxNames {
		s.names = nil
	}
	if len(s.values)+len(refs) > maxNames {
		s.values = nil
	}
	// Each ref once: a batch's refs repeat (every assertion's predicates
	// and statuses), and the batch reader keys each one it is given.
	var need []graph.Ref
	asked := make(map[interface{}]struct{})
	for _, r := range refs {
		if r == nil {
			continue
		}
		k := r.Key()
		if _, ok := s.names[k]; ok {
			continue
		}
		if _, ok := s.values[k]; ok {
			continue
		}
		if _, ok := asked[k]; ok {
			continue
		}
		asked[k] = struct{}{}
		need = append(need, r)
	}
	if len(need) == 0 {
		return nil
	}
	vals, err := s.batch.Names(s.context(), need)
	if err != nil {
		return err
	}
	if s.values == nil {
		s.values = make(map[interface{}]quad.Value, len(need))
	}
	for i, r := range need {
		if vals[i] != nil {
			s.values[r.Key()] = vals[i]
		}
	}
	return nil
}

// startAt is the path g.V(vals...) starts: every node without vals, else
// the nodes among vals the store holds. Cayley's SQL store gives any value
// a ref (its hash) without looking it up, so g.V("<no-such-node>") would
// start at a node that is not there: memory and Bolt give nothing for it,
// PostgreSQL gave a row without an id, and Count counted it. With a batch
// reader the values are looked up a few thousand to a query, and the names
// kept for the rows to come.
func (s *Session) startAt(vals []quad.Value) (*path.Path, error) {
	if s.batch == nil || len(vals) == 0 {
		return path.StartMorphism(vals...), nil
	}
	held, err := s.known(vals)
	if err != nil {
		return nil, err
	}
	if len(held) == 0 { // not StartMorphism(), which is every node
		return path.PathFromIterator(nil, iterator.NewNull()), nil
	}
	return path.StartMorphism(held...), nil
}

// known returns the values of vals the batch reader finds in the store.
func (s *Session) known(vals []quad.Value) ([]quad.Value, error) {
	out := make([]quad.Value, 0, len(vals))
	for chunk := range slices.Chunk(vals, prefetchRows) {
		refs := make([]graph.Ref, len(chunk))
		for i, v := range chunk {
			refs[i] = s.qs.ValueOf(v)
		}
		if err := s.prefetch(refs); err != nil {
			return nil, err
		}
		for i, r := range refs {
			if r == nil {
				continue
			}
			_, named := s.names[r.Key()]
			if _, ok := s.values[r.Key()]; ok || named {
				out = append(out, chunk[i])
			}
		}
	}
	return out, nil
}

func (s *Session) context() context.Context {
	return s.ctx
}

// Bind sets a global variable of the script's environment to v (converted as
// goja converts Go values: strings, numbers, booleans, maps and slices), so
// that callers pass values to a script without splicing them into its text.
// It must be called before Execute. Names the environment already defines
// (graph, g and the helper functions) cannot be rebound.
func (s *Session) Bind(name string, v interface{}) error {
	if Reserved(name) {
		return fmt.Errorf("cannot rebind %q: it is part of the Gizmo environment", name)
	}
	s.vm.Set(name, v)
	return nil
}

// Reserved reports whether name is a global of the Gizmo environment (graph,
// g and the helper functions), which Bind refuses to replace.
func Reserved(name string) bool {
	_, ok := defaultEnv[name]
	return ok || name == "graph" || name == "g"
}

func (s *Session) buildEnv() error {
	if s.vm != nil {
		return nil
	}
	s.vm = goja.New()
	s.vm.SetFieldNameMapper(fieldNameMapper{})
	s.vm.Set("graph", &graphObject{s: s})
	s.vm.Set("g", s.vm.Get("graph"))
	for name, val := range defaultEnv {
		fnc := val
		s.vm.Set(name, func(call goja.FunctionCall) goja.Value {
			return fnc(s.vm, call)
		})
	}
	return nil
}

func (s *Session) quadValueToNative(v quad.Value) interface{} {
	if v == nil {
		return nil
	}
	if s.col == query.JSONLD {
		return jsonld.FromValue(v)
	}
	out := v.Native()
	if nv, ok := out.(quad.Value); ok && v == nv {
		return quad.StringOf(v)
	}
	return out
}

// maxNames bounds the nodes a session remembers the names of.
const maxNames = 1 << 16

// native returns the script value of the node ref: its name, converted. A
// query reads the same nodes over and over (an assertion on each of its
// ten-odd properties, the same few predicates on every row), and naming
// and converting each anew (a value lookup, an IRI's "<…>" string built
// again) was 5–8 % of a cold saved query's time. Only strings are kept: they
// cannot be changed by whoever receives them, and a ref names the same
// value for as long as it exists.
func (s *Session) native(ref graph.Ref) interface{} {
	if ref == nil {
		return nil
	}
	k := ref.Key()
	if v, ok := s.names[k]; ok {
		return v
	}
	name, ok := s.values[k]
	if !ok {
		name = s.qs.NameOf(ref)
	}
	v := s.quadValueToNative(name)
	if str, ok := v.(string); ok {
		if s.names == nil || len(s.names) >= maxNames {
			s.names = make(map[interface{}]string)
		}
		s.names[k] = str
	}
	return v
}

func (s *Session) tagsToValueMap(m map[string]graph.Ref) map[string]interface{} {
	outputMap := make(map[string]interface{}, len(m))
	for k, v := range m {
		if o := s.native(v); o != nil {
			outputMap[k] = o
		}
	}
	if len(outputMap) == 0 {
		return nil
	}
	return outputMap
}
func (s *Session) runIteratorToArray(it graph.Iterator, limit int) ([]map[string]interface{}, error) {
	output := make([]map[string]interface{}, 0)
	// TagEach gives each row a map of its own, safe to keep.
	err := inBatches(s, graph.Iterate(s.context(), it).Limit(limit).TagEach, func(tags map[string]graph.Ref, refs []graph.Ref) []graph.Ref {
		for _, r := range tags {
			refs = append(refs, r)
		}
		return refs
	}, func(tags map[string]graph.Ref) {
		if tm := s.tagsToValueMap(tags); tm != nil {
			output = append(output, tm)
		}
	})
	if err != nil {
		return nil, err
	}
	return output, nil
}

func (s *Session) runIteratorToArrayNoTags(it graph.Iterator, limit int) ([]interface{}, error) {
	output := make([]interface{}, 0)
	err := inBatches(s, graph.Iterate(s.context(), it).Paths(false).Limit(limit).Each, func(r graph.Ref, refs []graph.Ref) []graph.Ref {
		return append(refs, r)
	}, func(r graph.Ref) {
		if o := s.native(r); o != nil {
			output = append(output, o)
		}
	})
	if err != nil {
		return nil, err
	}
	return output, nil
}

func (s *Session) runIteratorWithCallback(it graph.Iterator, callback goja.Value, this goja.FunctionCall, limit int) error {
	fnc, ok := goja.AssertFunction(callback)
	if !ok {
		return fmt.Errorf("expected js callback function")
	}
	ctx, cancel := context.WithCancel(s.context())
	defer cancel()
	var gerr error
	err := graph.Iterate(ctx, it).Paths(true).Limit(limit).TagEach(func(tags map[string]graph.Ref) {
		tm := s.tagsToValueMap(tags)
		if tm == nil {
			return
		}
		if _, err := fnc(this.This, s.vm.ToValue(tm)); err != nil {
			gerr = err
			cancel()
		}
	})
	if gerr != nil {
		err = gerr
	}
	return err
}

func (s *Session) send(ctx context.Context, r *Result) bool {
	if s.limit > 0 && s.count >= s.limit {
		return false
	}
	if s.out == nil {
		return false
	}
	if ctx == nil {
		ctx = s.ctx
	}
	select {
	case s.out <- r:
	case <-ctx.Done():
		return false
	}
	s.count++
	return s.limit <= 0 || s.count < s.limit
}

func (s *Session) runIterator(it graph.Iterator) error {
	if s.shape != nil {
		iterator.OutputQueryShapeForIterator(it, s.qs, s.shape)
		return nil
	}

	ctx, cancel := context.WithCancel(s.context())
	defer cancel()
	stop := false
	err := graph.Iterate(ctx, it).Paths(true).TagEach(func(tags map[string]graph.Ref) {
		if !s.send(ctx, &Result{Tags: tags}) {
			cancel()
			stop = true
		}
	})
	if stop {
		err = nil
	}
	return err
}

func (s *Session) countResults(it graph.Iterator) (int64, error) {
	if s.shape != nil {
		iterator.OutputQueryShapeForIterator(it, s.qs, s.shape)
		return 0, nil
	}
	return graph.Iterate(s.context(), it).Paths(true).Count()
}

type Result struct {
	Meta bool
	Val  interface{}
	Tags map[string]graph.Ref
}

func (r *Result) Result() interface{} {
	if r.Tags != nil {
		return r.Tags
	}
	return r.Val
}

func (s *Session) compile(qu string) error {
	var p *goja.Program
	if s.last == qu && s.last != "" {
		p = s.p
	} else {
		var err error
		p, err = goja.Compile("", qu, false)
		if err != nil {
			return err
		}
		s.last, s.p = qu, p
	}
	return nil
}

func (s *Session) run() (v goja.Value, err error) {
	// agencygraph: a Go panic inside a Gizmo function (Out({}) panics in
	// toVia) is returned as an error instead of crashing the process.
	defer func() {
		if x := recover(); x != nil {
			v, err = nil, fmt.Errorf("%v", x)
		}
	}()
	v, err = s.vm.RunProgram(s.p)
	if e, ok := err.(*goja.Exception); ok && e.Value() != nil {
		if er, ok := e.Value().Export().(error); ok {
			// agencygraph: keep the script position goja reports (" at …").
			err = &ScriptError{Err: er, At: strings.TrimPrefix(e.Error(), e.Value().String())}
		}
	}
	return v, err
}

// ScriptError is a Go error raised by a Gizmo function (a bad argument,
// say), with the position in the script where it was raised.
type ScriptError struct {
	Err error
	At  string // " at <file>:line:col(pc)" as goja writes it, or ""
}

func (e *ScriptError) Error() string { return e.Err.Error() + e.At }
func (e *ScriptError) Unwrap() error { return e.Err }
func (s *Session) Execute(ctx context.Context, qu string, opt query.Options) (query.Iterator, error) {
	switch opt.Collation {
	case query.Raw, query.JSON, query.JSONLD, query.REPL:
	default:
		return nil, &query.ErrUnsupportedCollation{Collation: opt.Collation}
	}
	if err := s.compile(qu); err != nil {
		return nil, err
	}
	s.limit = opt.Limit
	s.count = 0
	// agencygraph: the session's context derives from ctx, not from
	// context.Background(), and ctx's end interrupts the VM. Cayley's Next(ctx)
	// already interrupts a script when the ctx given to Next ends; this also
	// stops the script when the caller is not inside Next at that moment.
	ctx, cancel := context.WithCancel(ctx)
	stopVM := context.AfterFunc(ctx, func() { s.vm.Interrupt(ctx.Err()) })
	s.ctx = ctx
	s.col = opt.Collation
	return &results{
		col: opt.Collation,
		s:   s,
		ctx: ctx, cancel: func() { stopVM(); cancel() },
	}, nil
}

type results struct {
	s      *Session
	col    query.Collation
	ctx    context.Context
	cancel func()

	running bool
	errc    chan error

	err error
	cur *Result
}

func (it *results) stop(err error) {
	it.cancel()
	if !it.running {
		return
	}
	it.s.vm.Interrupt(err)
	it.running = false
}

// resultBuffer is how many rows a script may run ahead of its reader:
// handing each row over on its own cost a switch between goroutines (a
// script of 100,000 Emits took 1.25× as long, deputizations 1.09×).
const resultBuffer = 256

func (it *results) Next(ctx context.Context) bool {
	if it.errc == nil {
		out := make(chan *Result, resultBuffer)
		it.s.out = out
		it.errc = make(chan error, 1)
		it.running = true
		go func() {
			defer close(out) // after any error is in errc
			v, err := it.s.run()
			if err != nil {
				it.errc <- err
				return
			}
			if !goja.IsNull(v) && !goja.IsUndefined(v) {
				it.s.send(it.ctx, &Result{Meta: true, Val: v.Export()})
			}
		}()
	}
	select {
	case r, ok := <-it.s.out:
		if !ok { // the script has ended, and every row it sent was read
			select {
			case err := <-it.errc:
				it.err = err
			default:
			}
			return false
		}
		it.cur = r
		return true
	case <-ctx.Done():
		it.err = ctx.Err()
		it.stop(it.err)
		return false
	}
}

func (it *results) Result() interface{} {
	if it.cur == nil {
		return nil
	}
	switch it.col {
	case query.Raw:
		return it.cur
	case query.JSON, query.JSONLD:
		return it.jsonResult()
	case query.REPL:
		return it.replResult()
	}
	return nil
}

func (it *results) jsonResult() interface{} {
	data := it.cur
	if data.Meta {
		return nil
	}
	if data.Val != nil {
		return data.Val
	}
	obj := make(map[string]interface{})
	tags := data.Tags
	var tagKeys []string
	for k := range tags {
		tagKeys = append(tagKeys, k)
	}
	sort.Strings(tagKeys)
	for _, k := range tagKeys {
		if name := it.s.qs.NameOf(tags[k]); name != nil {
			obj[k] = it.s.quadValueToNative(name)
		} else {
			delete(obj, k)
		}
	}
	return obj
}

func (it *results) replResult() interface{} {
	data := it.cur
	if data.Meta {
		if data.Val != nil {
			s := data.Val
			switch s.(type) {
			case *pathObject, *graphObject:
				s = "[internal Iterator]"
			}
			return fmt.Sprintln("=>", s)
		}
		return fmt.Sprintln("=>", nil)
	}
	var out string
	out = fmt.Sprintln("****")
	if data.Val == nil {
		tags := data.Tags
		tagKeys := make([]string, len(tags))
		i := 0
		for k := range tags {
			tagKeys[i] = k
			i++
		}
		sort.Strings(tagKeys)
		for _, k := range tagKeys {
			if k == "$_" {
				continue
			}
			out += fmt.Sprintf("%s : %s\n", k, quadValueToString(it.s.qs.NameOf(tags[k])))
		}
	} else {
		switch export := data.Val.(type) {
		case map[string]string:
			for k, v := range export {
				out += fmt.Sprintf("%s : %s\n", k, v)
			}
		case map[string]interface{}:
			for k, v := range export {
				out += fmt.Sprintf("%s : %v\n", k, v)
			}
		default:
			out += fmt.Sprintf("%s\n", data.Val)
		}
	}
	return out
}

func (it *results) Err() error {
	return it.err
}

func (it *results) Close() error {
	it.stop(errors.New("iterator closed"))
	return nil
}

// Web stuff

func (s *Session) ShapeOf(qu string) (interface{}, error) {
	s.shape = make(map[string]interface{})
	err := s.compile(qu)
	if err != nil {
		return nil, err
	}
	_, err = s.run()
	out := s.shape
	s.shape = nil
	return out, err
}
