#!/usr/bin/env bash
# Builds and runs the Go track's attempts on the stand-in images and prints what happened:
# whether it built (and the error when not), the image size, whether the container kept
# running (and its exit code and last log line when not), what /status and /info answered
# through the published port, and the uid /info reports. These are the figures the Go rules'
# consequences and the Go lessons quote.
#
#   scripts/go-outcomes.sh [FILE...]     default: tests/fixtures/go/*.Dockerfile,
#                                        go/solutions/*.Dockerfile, go/starter/Dockerfile
#
# The build context is go/starter (the app). Images and containers are labelled
# org.stagecraft.test=1, containers publish on 127.0.0.1 only, and everything made is
# removed at the end (the build stages' cached layers too, so a second run compiles
# again). DOCKER_BUILDKIT defaults to 0, the builder `stagecraft compare` falls back to
# here; with DOCKER_BUILDKIT=1 the test stage is skipped unless the final stage needs it.
set -euo pipefail
cd "$(dirname "$0")/.."
DOCKER=${DOCKER:-docker}
export DOCKER_BUILDKIT=${DOCKER_BUILDKIT:-0}
LABEL=org.stagecraft.test=1
RUN_LABEL="org.stagecraft.go-outcomes=$$"
context=go/starter

if [ $# -eq 0 ]; then
  set -- tests/fixtures/go/*.Dockerfile go/solutions/*.Dockerfile go/starter/Dockerfile
fi

made_images=()
started=$(date -u +%s)
# What the legacy builder keeps of a build stage: untagged images on golang:1.24 made since
# this run started (nothing else here builds on golang).
build_stage_leftovers() {
  local golang image parent created
  golang=$("$DOCKER" image inspect --format '{{.Id}}' golang:1.24 2>/dev/null) || return 0
  for image in $("$DOCKER" image ls -q --no-trunc --filter dangling=true); do
    created=$(date -u -d "$("$DOCKER" image inspect --format '{{.Created}}' "$image")" +%s)
    [ "$created" -ge "$started" ] || continue
    parent=$image
    while [ -n "$parent" ]; do
      parent=$("$DOCKER" image inspect --format '{{.Parent}}' "$parent" 2>/dev/null) || break
      if [ "$parent" = "$golang" ]; then
        echo "$image"
        break
      fi
    done
  done
}
cleanup() {
  "$DOCKER" ps -aq --filter "label=$RUN_LABEL" | xargs -r "$DOCKER" rm -f >/dev/null 2>&1 || true
  for image in "${made_images[@]}"; do "$DOCKER" image rm -f "$image" >/dev/null 2>&1 || true; done
  # what the legacy builder kept of the stages (they carry the build's labels)
  "$DOCKER" image ls -q --filter "label=$RUN_LABEL" | xargs -r "$DOCKER" image rm -f >/dev/null 2>&1 || true
  build_stage_leftovers | xargs -r "$DOCKER" image rm >/dev/null 2>&1 || true
  return 0
}
trap cleanup EXIT

printf '%-34s | %-6s | %-9s | %-44s | %s\n' file build size run "status / info"
for file in "$@"; do
  name=$(basename "$file" .Dockerfile)
  [ "$name" = Dockerfile ] && name=$(basename "$(dirname "$file")")
  tag="stagecraft-go-outcome:$name-$$"
  log=$(mktemp)
  t0=$SECONDS
  if ! "$DOCKER" build --label "$LABEL" --label "$RUN_LABEL" -t "$tag" -f "$file" "$context" >"$log" 2>&1; then
    err=$(grep -v '^\s*$' "$log" | grep -iE 'error|failed|stat |no such' | tail -n 1)
    printf '%-34s | %-6s | %-9s | %s\n' "$name" FAILS - "${err:-$(tail -n 1 "$log")}"
    rm -f "$log"
    continue
  fi
  made_images+=("$tag")
  build_s=$((SECONDS - t0))
  size=$("$DOCKER" image inspect --format '{{.Size}}' "$tag")
  size_mb=$(awk -v b="$size" 'BEGIN { printf "%.1f MB", b / 1e6 }')
  # The engine may refuse to start the container at all (no user, no /bin/sh): `docker run`
  # then exits with the code the container would have had (125 + reason) and says why.
  rc=0
  cid=$("$DOCKER" run -d --label "$LABEL" --label "$RUN_LABEL" -p 127.0.0.1::8080 "$tag" 2>"$log") || rc=$?
  if [ "$rc" != 0 ]; then
    why=$(grep -m 1 'Error response' "$log" | sed 's/.*starting container process caused: //; s/: unknown.$//')
    made=$("$DOCKER" ps -aq --filter "label=$RUN_LABEL" | head -n 1)
    code=$([ -n "$made" ] && "$DOCKER" inspect --format '{{.State.ExitCode}}' "$made" || echo '?')
    printf '%-34s | %-6s | %-9s | %s\n' "$name" "${build_s}s" "$size_mb" "never starts: exit $code (docker run $rc): ${why:-$(tail -n 1 "$log")}"
    "$DOCKER" ps -aq --filter "label=$RUN_LABEL" | xargs -r "$DOCKER" rm -f >/dev/null 2>&1 || true
    rm -f "$log"
    continue
  fi
  sleep 3
  state=$("$DOCKER" inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$cid")
  run="running"
  if [ "${state%% *}" != running ]; then
    last=$("$DOCKER" logs "$cid" 2>&1 | tail -n 1)
    err=$("$DOCKER" inspect --format '{{.State.Error}}' "$cid")
    run="exit ${state##* }: ${err:-$last}"
    answer=-
  else
    port=$("$DOCKER" port "$cid" 8080/tcp | head -n 1 | sed 's/.*://')
    status=$(curl -s -m 3 "http://127.0.0.1:$port/status" 2>&1 || echo "no answer (curl $?)")
    info=$(curl -s -m 3 "http://127.0.0.1:$port/info" 2>&1 || echo "no answer (curl $?)")
    answer="$status $info"
    run="running; log: $("$DOCKER" logs "$cid" 2>&1 | tail -n 1 | cut -c 21-)"
  fi
  printf '%-34s | %-6s | %-9s | %-44s | %s\n' "$name" "${build_s}s" "$size_mb" "$run" "$answer"
  "$DOCKER" rm -f "$cid" >/dev/null
  rm -f "$log"
done
