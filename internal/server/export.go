package server

import "net/http"

// registerExportRoutes adds the export endpoint and the graph page.
func (s *Server) registerExportRoutes() {
	s.mux.HandleFunc("GET /api/v1/export", s.handleExport)
	s.mux.HandleFunc("GET /{$}", s.handleIndex)
}

func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "export is being written", http.StatusNotImplemented)
}

func (s *Server) handleIndex(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "the graph page is being written", http.StatusNotImplemented)
}
