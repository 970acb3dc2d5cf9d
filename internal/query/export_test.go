package query

// SortRows is sortRows, for the tests outside the package.
var SortRows = sortRows
