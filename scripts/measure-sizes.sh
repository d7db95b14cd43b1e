#!/usr/bin/env bash
# Measures what assets/sizes.yaml records, on the local python:3.11-slim and python:3.11
# images (the stand-ins of scripts/stand-in-images.sh, or the real ones): the base images,
# the apt layers the exercise adds, and for each requirement the installed size (with the
# dependencies it brings that an earlier one did not) and the wheels pip downloads for it
# (what pip's cache keeps). Sizes in MB of 10^6 bytes, apparent sizes as `docker images`
# counts them. Containers are labelled org.stagecraft=1 and removed.
#
# Usage: scripts/measure-sizes.sh [requirements.txt]   (default: starter/requirements.txt)
set -euo pipefail
cd "$(dirname "$0")/.."
requirements=${1:-starter/requirements.txt}
DOCKER=${DOCKER:-docker}

mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1000000 }'; }

for image in python:3.11 python:3.11-slim; do
  printf '%s: %s MB\n' "$image" "$(mb "$("$DOCKER" image inspect --format '{{.Size}}' "$image")")"
done

# One container: apt first, then each requirement in file order into a virtualenv, and the
# wheels it downloads (what pip's cache keeps where the index sends cache headers; a proxy
# that strips them leaves the cache empty) fetched again with `pip download`.
# numpy first: pandas and matplotlib need it, and each package is charged only with what it
# adds to the ones before it.
reqs=$(sed -e 's/#.*//' "$requirements" | awk 'NF { if ($1 ~ /^numpy/) print 0, $1; else print NR, $1 }' |
  sort -n | cut -d' ' -f2 | tr '\n' ' ')
"$DOCKER" run --rm --label org.stagecraft=1 -i -e "REQS=$reqs" -e PIP_DISABLE_PIP_VERSION_CHECK=1 -e DEBIAN_FRONTEND=noninteractive python:3.11-slim bash -s <<'EOF'
set -e
reqs=$REQS
size() { du -sbx "$@" 2>/dev/null | awk '{ s += $1 } END { print s + 0 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.0f", b / 1000000 }'; }
root0=$(size /)
apt-get update -qq
root1=$(size /)
echo "apt_lists (apt-get update, lists kept): $(mb $((root1 - root0))) MB"
for pkg in gcc g++; do
  before=$(size /)
  apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1
  echo "apt $pkg (--no-install-recommends, on python:3.11-slim): $(mb $(($(size /) - before))) MB"
done
python -m venv /v
echo "venv (python -m venv, its pip and setuptools): $(mb $(size /v)) MB"
mkdir -p /w
for req in $reqs; do
  before=$(size /v) wheels=$(size /w)
  /v/bin/pip freeze --all | sort >/tmp/before
  /v/bin/pip install -q --no-cache-dir "$req"
  # the wheels of exactly the distributions this requirement added, at the versions installed
  /v/bin/pip freeze --all | sort | comm -13 /tmp/before - |
    xargs -r /v/bin/pip download -q --no-cache-dir --no-deps -d /w
  echo "pip $req: installed $(mb $(($(size /v) - before))) MB, wheels $(mb $(($(size /w) - wheels))) MB"
done
EOF
