package graph

import (
	"errors"
	"fmt"
)

// Error codes say what kind of failure an error is, so that the CLI can pick
// an exit message and the HTTP server a status without parsing text.
const (
	EINVALID  = "invalid"   // the caller's input is wrong: syntax, unknown name, bad parameter
	ENOTFOUND = "not_found" // a named thing does not exist
	EBUSY     = "busy"      // the store is held by another process
	ETIMEOUT  = "timeout"   // a deadline ran out
	EINTERNAL = "internal"  // anything else
)

// Error is a failure whose Message is fit to show a user as it is.
type Error struct {
	Code    string
	Message string
	Err     error // the underlying cause, if any
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Code returns the code of the first *Error in err's chain, EINTERNAL if
// there is none, and "" for a nil error.
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}
