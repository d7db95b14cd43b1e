// The exercise app of stagecraft's Go track: a small JSON service on the standard library.
//
//	GET /status  {"status":"ok"}
//	GET /info    the Go version it was built with, the hostname and the uid it runs as
//
// It listens on the address in $ADDR, ":8080" (every interface, port 8080) when unset.
package main

import (
	"encoding/json"
	"log"
	"net/http"
	"os"
	"runtime"
)

// defaultAddr is where the service listens when ADDR is unset: all interfaces, port 8080.
const defaultAddr = ":8080"

// Info is what GET /info answers.
type Info struct {
	GoVersion string `json:"go_version"`
	Hostname  string `json:"hostname"`
	UID       int    `json:"uid"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		log.Printf("writing the response: %v", err)
	}
}

func statusHandler(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func infoHandler(w http.ResponseWriter, r *http.Request) {
	hostname, err := os.Hostname()
	if err != nil {
		hostname = "unknown"
	}
	writeJSON(w, http.StatusOK, Info{
		GoVersion: runtime.Version(),
		Hostname:  hostname,
		UID:       os.Getuid(),
	})
}

// newMux routes the two endpoints; anything else is 404, and only GET (and HEAD) are served.
func newMux() *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /status", statusHandler)
	mux.HandleFunc("GET /info", infoHandler)
	return mux
}

// listenAddr is $ADDR, or defaultAddr when it is unset or empty.
func listenAddr() string {
	if addr := os.Getenv("ADDR"); addr != "" {
		return addr
	}
	return defaultAddr
}

func main() {
	addr := listenAddr()
	log.Printf("listening on %s", addr)
	if err := http.ListenAndServe(addr, newMux()); err != nil {
		log.Fatal(err)
	}
}
