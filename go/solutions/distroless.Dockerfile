# Reference solution: a static binary on distroless static's :nonroot image.
#   docker build -t lab .                  the release (the test stage is skipped)
#   docker build --target test .           runs the tests

# TODO 1: a named build stage on a pinned official Go image
FROM golang:1.24-bookworm AS build
WORKDIR /src

# TODO 2: go.mod on its own (this app has no go.sum), the modules downloaded before the
# source
COPY go.mod ./
RUN go mod download
COPY . .

# TODO 4: a static binary, cgo off for the whole stage
ENV CGO_ENABLED=0
RUN go build -trimpath -ldflags="-s -w" -o /out/lab .

# TODO 3: the tests in a stage of their own, built on the build stage
FROM build AS test
RUN go test -v ./...

# TODO 5: distroless static: CA certificates, time zones and /etc/passwd, no shell
FROM gcr.io/distroless/static-debian12:nonroot AS runtime
COPY --from=build /out/lab /lab

# TODO 6: the :nonroot image runs as nonroot (uid 65532); no USER line takes it back to root
EXPOSE 8080

# TODO 7: the binary itself as PID 1, in exec form, on every interface
ENV ADDR=:8080
ENTRYPOINT ["/lab"]
