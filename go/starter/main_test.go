package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"testing"
)

func get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	newMux().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func TestStatus(t *testing.T) {
	rec := get(t, "/status")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /status: %d, want 200", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	var body map[string]string
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("GET /status is not JSON: %v: %q", err, rec.Body.String())
	}
	if len(body) != 1 || body["status"] != "ok" {
		t.Errorf("GET /status = %v, want {\"status\":\"ok\"}", body)
	}
}

func TestInfo(t *testing.T) {
	rec := get(t, "/info")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /info: %d, want 200", rec.Code)
	}
	var info Info
	if err := json.Unmarshal(rec.Body.Bytes(), &info); err != nil {
		t.Fatalf("GET /info is not JSON: %v: %q", err, rec.Body.String())
	}
	if info.GoVersion != runtime.Version() {
		t.Errorf("go_version %q, want %q", info.GoVersion, runtime.Version())
	}
	hostname, _ := os.Hostname()
	if info.Hostname != hostname {
		t.Errorf("hostname %q, want %q", info.Hostname, hostname)
	}
	if info.UID != os.Getuid() {
		t.Errorf("uid %d, want %d", info.UID, os.Getuid())
	}
}

func TestOnlyGetIsServed(t *testing.T) {
	rec := httptest.NewRecorder()
	newMux().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/status", nil))
	if rec.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST /status: %d, want 405", rec.Code)
	}
	if rec := get(t, "/plot"); rec.Code != http.StatusNotFound {
		t.Errorf("GET /plot: %d, want 404", rec.Code)
	}
}

func TestListenAddr(t *testing.T) {
	t.Setenv("ADDR", "")
	if got := listenAddr(); got != ":8080" {
		t.Errorf("ADDR empty: %q, want :8080", got)
	}
	t.Setenv("ADDR", "127.0.0.1:9000")
	if got := listenAddr(); got != "127.0.0.1:9000" {
		t.Errorf("ADDR set: %q, want 127.0.0.1:9000", got)
	}
}
