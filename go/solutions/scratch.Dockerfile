# Reference solution: a static binary on scratch, run as a numeric user.
#   docker build -t lab .                  the release (the test stage is skipped)
#   docker build --target test .           runs the tests

# TODO 1: a named build stage on a pinned official Go image
FROM golang:1.24 AS build
WORKDIR /src

# TODO 2: go.mod on its own (this app has no go.sum), the modules downloaded before the
# source, so a change to main.go does not download them again
COPY go.mod ./
RUN go mod download
COPY . .

# TODO 4: a static binary (cgo off: scratch has no C library), written where the
# runtime stage copies it from
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/lab .

# TODO 3: the tests in a stage of their own, built on the build stage
FROM build AS test
RUN go test ./...

# TODO 5: nothing but the binary, and the CA certificates for outgoing TLS
FROM scratch AS runtime
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/lab /lab

# TODO 6: a numeric user: scratch has no /etc/passwd to look a name up in
USER 65532:65532
EXPOSE 8080

# TODO 7: the binary itself as PID 1, in exec form; ADDR unset means :8080, every interface
ENTRYPOINT ["/lab"]
