package graph

import "testing"

func TestConfig_ConnAddress(t *testing.T) {
	tests := []struct{ db, want string }{
		{"postgres://u@127.0.0.1:5432/db", "postgres://u@127.0.0.1:5432/db?binary_parameters=yes"},
		{"postgresql://u:pw@h/db?sslmode=disable", "postgresql://u:pw@h/db?binary_parameters=yes&sslmode=disable"},
		// The user's choice stands.
		{"postgres://h/db?binary_parameters=no", "postgres://h/db?binary_parameters=no"},
		// CockroachDB is untested here: its address is left as given.
		{"cockroach://root@h:26257/db", "postgresql://root@h:26257/db"},
		{"/tmp/g.bolt", "/tmp/g.bolt"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := ParseDB(tc.db).connAddress(); got != tc.want {
			t.Errorf("ParseDB(%q).connAddress() = %q, want %q", tc.db, got, tc.want)
		}
	}
}
