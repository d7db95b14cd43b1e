#!/usr/bin/env bash
# Builds local stand-ins of the official base images the exercise uses, for machines that
# cannot pull from a registry:
#
#   debian:bookworm-slim  debian:bookworm          (mmdebstrap --variant=minbase, docker import)
#   python:3.11-slim      python:3.11-slim-bookworm (CPython 3.11 built into /usr/local)
#   python:3.11           python:3.11-bookworm      (on buildpack-deps' package set)
#   python:3.13-slim      python:3.13-slim-trixie   (only with --with-3.13: Debian trixie's
#                         python3.13, for the "runtime on a different Python" test only)
#   golang:1.24           golang:1.24-bookworm      (the Go track: Debian trixie's golang-1.24
#                         packages on buildpack-deps' bookworm-scm set, with gcc and libc6-dev)
#   gcr.io/distroless/static-debian12 and its :nonroot tag (bookworm's CA certificates,
#                         tzdata and netbase, passwd/group with root, nobody and nonroot
#                         65532; no shell, no package manager)
#
# They follow the recipes of the official images (debuerreotype for Debian, docker-library
# for Python) closely enough that image sizes measured on them match the real ones, with
# these differences: the Python sources are Debian's (`apt-get source python3.11`, the
# upstream tarball without Debian's patches) instead of python.org's; CPython is compiled
# once, in a builder image that is removed afterwards, and copied into both images
# (stripped for -slim) instead of compiled in each; the build skips profile-guided
# optimisation and LTO unless STAND_IN_PGO=1 (much longer, same size); and the host's CA
# bundle is copied in (for a TLS-intercepting proxy in front of PyPI) with /etc/pip.conf
# pointing pip at it. It takes about 20 minutes on two busy cores, most of it the
# compile. Every image carries the label
# org.stagecraft.stand-in, never org.stagecraft (which marks what `stagecraft compare`
# builds and cleans up).
#
# Images that already exist are left alone. Needs root (mmdebstrap, installed with apt-get
# when missing), a Docker engine, and Debian's package mirror and PyPI.
#
# The Go images take about five minutes on two busy cores (downloads and unpacking, no
# compile: 256 s and 31 s here); --go-only builds just them (and debian:bookworm under
# golang when it is missing), --no-go leaves them out.
#
# Usage: scripts/stand-in-images.sh [--with-3.13] [--go-only | --no-go] [--list]
# Environment: DOCKER (default docker), DEBIAN_MIRROR, DEBIAN_SECURITY_MIRROR,
#              STAND_IN_CA_BUNDLE (default /etc/ssl/certs/ca-certificates.crt), STAND_IN_PGO.
set -euo pipefail

DOCKER=${DOCKER:-docker}
# The legacy builder works with and without the buildx plugin; the images are the same.
export DOCKER_BUILDKIT=0
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
CA_BUNDLE=${STAND_IN_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
LABEL_KEY=org.stagecraft.stand-in
CA_PATH_IN_IMAGE=/usr/local/share/stagecraft-stand-in/ca-bundle.crt

with_313=
list_only=
python=1
go=1
for arg in "$@"; do
  case "$arg" in
    --with-3.13) with_313=1 ;;
    --go-only) python= ;;
    --no-go) go= ;;
    --list) list_only=1 ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "stand-in-images.sh: unknown argument '$arg' (try --help)" >&2; exit 2 ;;
  esac
done

say() { printf '== %s\n' "$*"; }
die() { printf 'stand-in-images.sh: %s\n' "$*" >&2; exit 1; }
have_image() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }

# Tags a built image with its aliases; true when the image (first tag) already existed.
present() {
  local main=$1; shift
  have_image "$main" || return 1
  local alias
  for alias in "$@"; do
    have_image "$alias" || "$DOCKER" tag "$main" "$alias"
  done
  say "$main present, skipped"
}

# The stand-ins: images with the stand-in label that are not something built on one (those
# inherit the label, and `stagecraft compare` marks its own with org.stagecraft).
list_stand_ins() {
  local line
  "$DOCKER" image ls --filter "label=$LABEL_KEY" --filter dangling=false --format '{{.Repository}}:{{.Tag}}\t{{.Size}}' |
    while IFS= read -r line; do
      [ -z "$("$DOCKER" image inspect --format '{{index .Config.Labels "org.stagecraft"}}' "${line%%$'\t'*}")" ] &&
        printf '%s\n' "$line"
    done
  return 0
}

if [ -n "$list_only" ]; then
  list_stand_ins
  exit 0
fi

"$DOCKER" version --format '{{.Server.Version}}' >/dev/null 2>&1 ||
  die "no Docker engine answers ('$DOCKER version' failed): start the daemon first"
[ -r "$CA_BUNDLE" ] || die "no CA bundle at $CA_BUNDLE (set STAND_IN_CA_BUNDLE)"

work=$(mktemp -d "${TMPDIR:-/tmp}/stand-in.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
started=$SECONDS

# ---------------------------------------------------------------------------------------
# Debian: what debuerreotype does for the official images (examples/debian.sh): a minbase
# bootstrap with merged /usr, its minimizing config (policy-rc.d, apt's docker-clean and
# friends), deb822 sources, and for -slim the dpkg path excludes.
# ---------------------------------------------------------------------------------------
need_mmdebstrap() {
  command -v mmdebstrap >/dev/null && return
  [ "$(id -u)" = 0 ] || die "mmdebstrap is missing: apt-get install mmdebstrap (as root)"
  say "installing mmdebstrap"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends mmdebstrap >/dev/null
}

write_minimizing_config() {
  local root=$1
  mkdir -p "$root/usr/sbin" "$root/etc/dpkg/dpkg.cfg.d" "$root/etc/apt/apt.conf.d" \
    "$root/etc/apt/sources.list.d" "$(dirname "$root$CA_PATH_IN_IMAGE")"
  printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  echo 'force-unsafe-io' >"$root/etc/dpkg/dpkg.cfg.d/docker-apt-speedup"
  echo 'Apt::AutoRemove::SuggestsImportant "false";' >"$root/etc/apt/apt.conf.d/docker-autoremove-suggests"
  local clean='"rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true";'
  cat >"$root/etc/apt/apt.conf.d/docker-clean" <<EOF
DPkg::Post-Invoke { $clean };
APT::Update::Post-Invoke { $clean };

Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  echo 'Acquire::GzipIndexes "true";' >"$root/etc/apt/apt.conf.d/docker-gzip-indexes"
  echo 'Acquire::Languages "none";' >"$root/etc/apt/apt.conf.d/docker-no-languages"
  cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  rm -f "$root/etc/apt/sources.list" "$root/etc/machine-id" "$root/var/cache/ldconfig/aux-cache"
  rm -rf "$root"/var/log/apt/* "$root"/var/log/dpkg.log "$root"/var/log/alternatives.log \
    "$root"/var/log/bootstrap.log "$root"/var/lib/apt/lists/*_*
  # The stand-in's own addition: the host's CA bundle, for a TLS proxy in front of PyPI.
  cp "$CA_BUNDLE" "$root$CA_PATH_IN_IMAGE"
  printf '[global]\ncert = %s\n' "$CA_PATH_IN_IMAGE" >"$root/etc/pip.conf"
}

# debuerreotype's .slimify-excludes and .slimify-includes, as dpkg path filters.
slim_dpkg_filters() {
  local p
  for p in /usr/share/doc/'*' /usr/share/groff/'*' /usr/share/info/'*' /usr/share/linda/'*' \
    /usr/share/lintian/overrides/'*' /usr/share/locale/'*' /usr/share/man/'*'; do
    echo "path-exclude $p"
  done
  for p in /usr/share/doc/'*'/copyright /usr/share/doc/kde/HTML/C/'*' /usr/share/gnome/help/'*'/C/'*' \
    /usr/share/locale/all_languages /usr/share/locale/currency/'*' /usr/share/locale/l10n/'*' \
    /usr/share/locale/languages /usr/share/locale/locale.alias /usr/share/omf/'*'/'*'-C.emf; do
    echo "path-include $p"
  done
}

# debuerreotype-slimify: the filters go into dpkg's config for later installs, and the files
# they match are deleted now (mmdebstrap has already unpacked the essential packages whole).
slimify() {
  local root=$1
  slim_dpkg_filters >"$root/etc/dpkg/dpkg.cfg.d/docker"
  local keep=() kind p
  while read -r kind p; do
    [ "$kind" = path-include ] || continue
    keep+=(! -path "$root$p")
  done < <(slim_dpkg_filters)
  while read -r kind p; do
    [ "$kind" = path-exclude ] || continue
    # ${p%/\*}: the folder whose contents are excluded
    find "$root${p%/\*}" -mindepth 1 \( -type f -o -type l \) \
      "${keep[@]}" -delete 2>/dev/null || true
  done < <(slim_dpkg_filters)
  # Folders left empty by the deletion (the official images keep none either).
  find "$root/usr/share/doc" "$root/usr/share/man" "$root/usr/share/locale" "$root/usr/share/info" \
    "$root/usr/share/groff" "$root/usr/share/lintian" -mindepth 1 -depth -type d -empty -delete 2>/dev/null || true
}

build_debian() {
  local variant=$1 tag=$2
  present "$tag" && return
  need_mmdebstrap
  say "$tag: bootstrapping Debian bookworm (minbase${variant:+, $variant})"
  local root="$work/rootfs"
  rm -rf "$root"
  mmdebstrap --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr --quiet \
    --format=directory bookworm "$root" \
    "deb $MIRROR bookworm main" "deb $MIRROR bookworm-updates main" \
    "deb $SECURITY_MIRROR bookworm-security main" >"$work/mmdebstrap.log" 2>&1 ||
    { tail -n 30 "$work/mmdebstrap.log" >&2; die "mmdebstrap failed for $tag"; }
  write_minimizing_config "$root"
  [ "$variant" = slim ] && slimify "$root"
  rm -f "$root"/var/cache/apt/*.bin
  tar --numeric-owner --xattrs -C "$root" -c . |
    "$DOCKER" import \
      --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
      --change 'CMD ["bash"]' \
      --change "LABEL $LABEL_KEY=\"$tag, made by stagecraft scripts/stand-in-images.sh from Debian's packages\"" \
      --message "stand-in for $tag" \
      - "$tag" >/dev/null
  rm -rf "$root"
  say "$tag: $("$DOCKER" image inspect --format '{{.Size}}' "$tag") bytes"
}

# ---------------------------------------------------------------------------------------
# Python: docker-library/python's Dockerfiles for 3.11/bookworm and 3.11/slim-bookworm:
# the same build dependencies, configure flags, install into /usr/local, clean-up (tests,
# *.pyc, libpython*.a), runtime libraries kept by the ldd scan, setuptools and wheel,
# symlinks and CMD. Two differences, to stay within minutes: the sources come from Debian's
# python3.11 source package (the upstream tarball, verified by apt against Debian's signed
# index, without Debian's patches), and CPython is compiled once, in a builder image, and
# copied into both images (stripped for -slim, as its `--strip-all` link does) instead of
# being compiled in each image's own RUN.
# ---------------------------------------------------------------------------------------
BUILDER=stagecraft-stand-in-build:cpython3.11
TRIXIE=stagecraft-stand-in-build:trixie-slim

cpython_builder_dockerfile() {
  local optimize=
  [ -n "${STAND_IN_PGO:-}" ] && optimize='--enable-optimizations --with-lto'
  cat <<EOF
FROM debian:bookworm-slim
RUN set -eux; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends \\
		binutils dpkg-dev gcc gnupg libbluetooth-dev libbz2-dev libc6-dev libdb-dev libffi-dev \\
		libgdbm-dev liblzma-dev libncursesw5-dev libreadline-dev libsqlite3-dev libssl-dev \\
		make tk-dev uuid-dev wget xz-utils zlib1g-dev ca-certificates netbase tzdata; \\
	printf 'Types: deb-src\nURIs: $MIRROR\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \\
		> /etc/apt/sources.list.d/stand-in-src.sources; \\
	apt-get update; \\
	mkdir -p /usr/src/python; cd /usr/src; \\
	apt-get source --download-only python3.11; \\
	tar --extract --directory /usr/src/python --strip-components=1 --file python3.11_*.orig.tar.*; \\
	rm -f python3.11_*
ENV PATH /usr/local/bin:\$PATH
ENV LANG C.UTF-8
RUN set -eux; \\
	cd /usr/src/python; \\
	gnuArch="\$(dpkg-architecture --query DEB_BUILD_GNU_TYPE)"; \\
	./configure \\
		--build="\$gnuArch" \\
		--enable-loadable-sqlite-extensions \\
		$optimize \\
		--enable-option-checking=fatal \\
		--enable-shared \\
		--with-ensurepip \\
		> /dev/null; \\
	nproc="\$(nproc)"; \\
	EXTRA_CFLAGS="\$(dpkg-buildflags --get CFLAGS)"; \\
	LDFLAGS="\$(dpkg-buildflags --get LDFLAGS)"; \\
	make -j "\$nproc" "EXTRA_CFLAGS=\${EXTRA_CFLAGS:-}" "LDFLAGS=\${LDFLAGS:-}" > /dev/null; \\
	rm python; \\
	make -j "\$nproc" "EXTRA_CFLAGS=\${EXTRA_CFLAGS:-}" "LDFLAGS=\${LDFLAGS:--Wl},-rpath='\\\$\\\$ORIGIN/../lib'" python > /dev/null; \\
	make install > /dev/null; \\
	find /usr/local -depth \\
		\\( \\
			\\( -type d -a \\( -name test -o -name tests -o -name idle_test \\) \\) \\
			-o \\( -type f -a \\( -name '*.pyc' -o -name '*.pyo' -o -name 'libpython*.a' \\) \\) \\
		\\) -exec rm -rf '{}' + ; \\
	ldconfig; \\
	python3 --version
# a second RUN, so that a failure after the compile does not compile again
RUN set -eux; \\
	export PYTHONDONTWRITEBYTECODE=1; \\
	pip3 install --disable-pip-version-check --no-cache-dir --no-compile \\
		'pip==24.0' 'setuptools==65.5.1' 'wheel<0.46'; \\
	find /usr/local -depth -name __pycache__ -exec rm -rf '{}' + ; \\
	for src in idle3 pip3 pydoc3 python3 python3-config; do \\
		dst="\$(echo "\$src" | tr -d 3)"; \\
		[ -e "/usr/local/bin/\$dst" ] || ln -svT "\$src" "/usr/local/bin/\$dst"; \\
	done; \\
	mkdir -p /out; \\
	cp -a /usr/local /out/full; \\
	cp -a /usr/local /out/slim; \\
	find /out/slim -type f \\( -name '*.so*' -o -perm -u+x \\) -exec strip --strip-all '{}' + 2>/dev/null || true; \\
# the packages whose libraries the build links to: what -slim keeps after its purge
	find /usr/local -type f -executable -not \\( -name '*tkinter*' \\) -exec ldd '{}' ';' 2>/dev/null \\
		| awk '/=>/ { so = \$(NF-1); if (index(so, "/") != 1 || index(so, "/usr/local/") == 1) { next }; gsub("^/(usr/)?", "", so); printf "*%s\n", so }' \\
		| sort -u \\
		| xargs -r dpkg-query --search \\
		| cut -d: -f1 \\
		| sort -u > /out/slim-runtime-packages; \\
	python3 --version; pip3 --version
EOF
}

python_label() {
  local tag=$1 how=$2
  echo "LABEL $LABEL_KEY=\"$tag, made by stagecraft scripts/stand-in-images.sh: $how\""
}

slim_dockerfile() {
  local tag=$1 packages=$2
  cat <<EOF
FROM debian:bookworm-slim
$(python_label "$tag" "CPython 3.11 from Debian's python3.11 source package")
ENV PATH /usr/local/bin:\$PATH
ENV LANG C.UTF-8
RUN set -eux; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends ca-certificates netbase tzdata; \\
	rm -rf /var/lib/apt/lists/*
ENV PYTHON_VERSION 3.11
COPY --from=$BUILDER /out/slim /usr/local
RUN set -eux; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends $packages; \\
	apt-mark auto '.*' > /dev/null; \\
	apt-mark manual ca-certificates netbase tzdata $packages > /dev/null; \\
	rm -rf /var/lib/apt/lists/*; \\
	ldconfig; \\
	python3 --version; pip --version
CMD ["python3"]
EOF
}

full_dockerfile() {
  local tag=$1
  # buildpack-deps:bookworm-curl, -scm and bookworm, as three layers on debian:bookworm.
  cat <<EOF
FROM debian:bookworm
RUN set -eux; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends ca-certificates curl gnupg netbase sq wget; \\
	rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends \\
		git git-lfs mercurial openssh-client subversion procps \\
	&& rm -rf /var/lib/apt/lists/*
RUN set -ex; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends \\
		autoconf automake bzip2 default-libmysqlclient-dev dpkg-dev file g++ gcc imagemagick \\
		libbz2-dev libc6-dev libcurl4-openssl-dev libdb-dev libevent-dev libffi-dev libgdbm-dev \\
		libglib2.0-dev libgmp-dev libjpeg-dev libkrb5-dev liblzma-dev libmagickcore-dev \\
		libmagickwand-dev libmaxminddb-dev libncurses5-dev libncursesw5-dev libpng-dev libpq-dev \\
		libreadline-dev libsqlite3-dev libssl-dev libtool libwebp-dev libxml2-dev libxslt-dev \\
		libyaml-dev make patch unzip xz-utils zlib1g-dev \\
	; \\
	rm -rf /var/lib/apt/lists/*
$(python_label "$tag" "CPython 3.11 from Debian's python3.11 source package")
ENV PATH /usr/local/bin:\$PATH
ENV LANG C.UTF-8
RUN set -eux; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends libbluetooth-dev tk-dev uuid-dev; \\
	rm -rf /var/lib/apt/lists/*
ENV PYTHON_VERSION 3.11
COPY --from=$BUILDER /out/full /usr/local
RUN ldconfig && python3 --version && pip --version
CMD ["python3"]
EOF
}

# Another Python for the "runtime on a different Python" exercise: Debian trixie's
# python3.13 on a trixie minbase, linked into /usr/local/bin where the official images keep
# theirs. Faithful in what that exercise needs (a virtualenv made on 3.11 does not import
# on it), not in size or layout.
other_python_dockerfile() {
  local tag=$1
  cat <<EOF
FROM $TRIXIE
$(python_label "$tag" "Debian trixie's python3.13 linked into /usr/local/bin, not the official layout")
ENV PATH /usr/local/bin:\$PATH
ENV LANG C.UTF-8
RUN set -eux; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends ca-certificates netbase tzdata python3.13 python3.13-venv; \\
	rm -rf /var/lib/apt/lists/*; \\
	for name in python3.13 python3 python; do ln -s /usr/bin/python3.13 /usr/local/bin/\$name; done; \\
	python --version
CMD ["python3"]
EOF
}

docker_build() {
  local tag=$1 dir=$2
  local t0=$SECONDS log="$work/build-${tag//[:\/]/_}.log"
  if ! "$DOCKER" build --force-rm --tag "$tag" "$dir" >"$log" 2>&1; then
    grep -v '^\s*$' "$log" | tail -n 40 >&2
    die "building $tag failed"
  fi
  say "$tag: $("$DOCKER" image inspect --format '{{.Size}}' "$tag") bytes in $((SECONDS - t0)) s"
}

made_builder=
ensure_builder() {
  have_image "$BUILDER" && return
  say "compiling CPython 3.11 from Debian's python3.11 source (takes minutes)"
  mkdir -p "$work/builder"
  cpython_builder_dockerfile >"$work/builder/Dockerfile"
  docker_build "$BUILDER" "$work/builder"
  made_builder=1
}

build_python_slim() {
  present python:3.11-slim python:3.11-slim-bookworm && return
  ensure_builder
  local packages
  packages=$("$DOCKER" run --rm "$BUILDER" cat /out/slim-runtime-packages | tr '\n' ' ')
  [ -n "${packages// /}" ] || die "the CPython build lists no runtime libraries"
  mkdir -p "$work/slim"
  slim_dockerfile python:3.11-slim "$packages" >"$work/slim/Dockerfile"
  docker_build python:3.11-slim "$work/slim"
  "$DOCKER" tag python:3.11-slim python:3.11-slim-bookworm
}

build_python_full() {
  present python:3.11 python:3.11-bookworm && return
  ensure_builder
  mkdir -p "$work/full"
  full_dockerfile python:3.11 >"$work/full/Dockerfile"
  docker_build python:3.11 "$work/full"
  "$DOCKER" tag python:3.11 python:3.11-bookworm
}

build_other_python() {
  present python:3.13-slim python:3.13-slim-trixie && return
  need_mmdebstrap
  say "python:3.13-slim: Debian trixie's python3.13 (a stand-in for version mismatches only)"
  local root="$work/rootfs"
  rm -rf "$root"
  mmdebstrap --variant=minbase --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr --quiet \
    --format=directory trixie "$root" "deb $MIRROR trixie main" >"$work/mmdebstrap.log" 2>&1 ||
    { tail -n 30 "$work/mmdebstrap.log" >&2; die "mmdebstrap failed for trixie"; }
  write_minimizing_config "$root"
  sed -i 's/bookworm/trixie/g' "$root/etc/apt/sources.list.d/debian.sources"
  slimify "$root"
  rm -f "$root"/var/cache/apt/*.bin
  tar --numeric-owner --xattrs -C "$root" -c . | "$DOCKER" import --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$TRIXIE" >/dev/null
  rm -rf "$root"
  mkdir -p "$work/other"
  other_python_dockerfile python:3.13-slim >"$work/other/Dockerfile"
  docker_build python:3.13-slim "$work/other"
  "$DOCKER" tag python:3.13-slim python:3.13-slim-trixie
  # The tag goes; its layers stay as the image's parent.
  "$DOCKER" image rm "$TRIXIE" >/dev/null 2>&1 || true
}

# ---------------------------------------------------------------------------------------
# Go: docker-library/golang's 1.24/bookworm Dockerfile: buildpack-deps:bookworm-scm (its
# curl and scm layers), then g++ gcc libc6-dev make pkg-config, Go in /usr/local/go,
# GOTOOLCHAIN=local, GOPATH=/go with /go/bin and /usr/local/go/bin first on PATH, WORKDIR
# /go. The one difference: Go itself is Debian trixie's golang-1.24 build of the same
# release (it depends on nothing but its own sources, so bookworm's C library stays),
# installed in /usr/lib/go-1.24 and linked at /usr/local/go, instead of go.dev's tarball.
# ---------------------------------------------------------------------------------------
golang_dockerfile() {
  local tag=$1
  cat <<EOF
FROM debian:bookworm
RUN set -eux; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends ca-certificates curl gnupg netbase sq wget; \\
	rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends \\
		git mercurial openssh-client subversion procps \\
	&& rm -rf /var/lib/apt/lists/*
RUN set -eux; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends g++ gcc libc6-dev make pkg-config; \\
	rm -rf /var/lib/apt/lists/*
LABEL $LABEL_KEY="$tag, made by stagecraft scripts/stand-in-images.sh: Debian trixie's golang-1.24 on buildpack-deps' bookworm-scm packages"
RUN set -eux; \\
	printf 'Types: deb\nURIs: $MIRROR\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \\
		> /etc/apt/sources.list.d/stand-in-trixie.sources; \\
	printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > /etc/apt/preferences.d/stand-in-trixie; \\
	apt-get update; \\
	apt-get install -y --no-install-recommends -t trixie golang-1.24-go; \\
	rm /etc/apt/sources.list.d/stand-in-trixie.sources /etc/apt/preferences.d/stand-in-trixie; \\
	rm -rf /var/lib/apt/lists/*; \\
	ln -s /usr/lib/go-1.24 /usr/local/go; \\
	/usr/local/go/bin/go version
ENV GOTOOLCHAIN local
ENV GOPATH /go
ENV PATH \$GOPATH/bin:/usr/local/go/bin:\$PATH
RUN mkdir -p "\$GOPATH/src" "\$GOPATH/bin" && chmod -R 1777 "\$GOPATH"
WORKDIR \$GOPATH
EOF
}

build_golang() {
  present golang:1.24 golang:1.24-bookworm && return
  build_debian "" debian:bookworm
  say "golang:1.24: Debian trixie's golang-1.24 on bookworm"
  mkdir -p "$work/golang"
  golang_dockerfile golang:1.24 >"$work/golang/Dockerfile"
  docker_build golang:1.24 "$work/golang"
  "$DOCKER" tag golang:1.24 golang:1.24-bookworm
}

# gcr.io/distroless/static-debian12: what GoogleContainerTools/distroless puts in `static`:
# the CA bundle, tzdata, netbase's /etc/services and /etc/protocols, passwd and group with
# root, nobody and nonroot (65532), /tmp, /root and /home/nonroot, os-release; no shell, no
# C library, no package manager. The files come from bookworm's packages, installed in a
# throwaway container, and the tree is imported as one layer. `:nonroot` is the same tree
# run as 65532 in /home/nonroot.
distroless_tree() {
  cat <<'EOF'
set -eu
export DEBIAN_FRONTEND=noninteractive DEBCONF_NOWARNINGS=yes
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends ca-certificates tzdata netbase >/dev/null
r=/rootfs
mkdir -p $r/etc/ssl/certs $r/usr/share $r/usr/lib $r/tmp $r/root $r/home/nonroot
cp /etc/ssl/certs/ca-certificates.crt $r/etc/ssl/certs/
cp -a /usr/share/zoneinfo $r/usr/share/
cp /etc/services /etc/protocols $r/etc/
cp /usr/lib/os-release $r/usr/lib/os-release
sed -i 's/^PRETTY_NAME=.*/PRETTY_NAME="Distroless"/' $r/usr/lib/os-release
ln -s ../usr/lib/os-release $r/etc/os-release
printf 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >$r/etc/passwd
printf 'root:x:0:\nnobody:x:65534:\ntty:x:5:\nstaff:x:50:\nnonroot:x:65532:\n' >$r/etc/group
printf 'hosts: files dns\n' >$r/etc/nsswitch.conf
chmod 1777 $r/tmp
chmod 0700 $r/root $r/home/nonroot
chown 65532:65532 $r/home/nonroot
tar --numeric-owner -C $r -c .
EOF
}

build_distroless_static() {
  local tag=gcr.io/distroless/static-debian12
  if have_image "$tag" && have_image "$tag:nonroot"; then
    say "$tag and $tag:nonroot present, skipped"
    return
  fi
  build_debian slim debian:bookworm-slim
  say "$tag: bookworm's CA certificates, tzdata and netbase, no shell"
  local t0=$SECONDS
  local label="$LABEL_KEY=\"$tag, made by stagecraft scripts/stand-in-images.sh from Debian bookworm's packages\""
  "$DOCKER" run --rm --label "$LABEL_KEY=building $tag" debian:bookworm-slim sh -c "$(distroless_tree)" \
    >"$work/distroless.tar" || die "collecting the files of $tag failed"
  local common=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
    --change 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' --change "LABEL $label")
  have_image "$tag" || "$DOCKER" import "${common[@]}" --change 'WORKDIR /' \
    --message "stand-in for $tag" "$work/distroless.tar" "$tag" >/dev/null
  have_image "$tag:nonroot" || "$DOCKER" import "${common[@]}" --change 'USER 65532' \
    --change 'WORKDIR /home/nonroot' --message "stand-in for $tag:nonroot" \
    "$work/distroless.tar" "$tag:nonroot" >/dev/null
  rm -f "$work/distroless.tar"
  say "$tag: $("$DOCKER" image inspect --format '{{.Size}}' "$tag") bytes in $((SECONDS - t0)) s"
}

if [ -n "$python" ]; then
  build_debian slim debian:bookworm-slim
  build_debian "" debian:bookworm
  build_python_slim
  build_python_full
  # The builder is only a means: nothing refers to it once both images exist.
  if [ -n "$made_builder" ]; then "$DOCKER" image rm "$BUILDER" >/dev/null; fi
  if [ -n "$with_313" ]; then
    build_other_python
  fi
fi
if [ -n "$go" ]; then
  build_golang
  build_distroless_static
fi
say "stand-ins ready in $((SECONDS - started)) s"
list_stand_ins
