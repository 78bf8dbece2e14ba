#!/usr/bin/env bash
# Builds and installs the pgvector extension into the local Postgres server from Debian sources.
# Debian bookworm does not package pgvector, so we fetch the source package from the `trixie`
# suite (deb-src only: no binaries from trixie are installed) and build it against
# postgresql-server-dev-$PG_MAJOR. Idempotent: exits early when vector.control is already present.
set -euo pipefail

PG_MAJOR="${PG_MAJOR:-15}"
PG_CONFIG="${PG_CONFIG:-/usr/lib/postgresql/${PG_MAJOR}/bin/pg_config}"
if [[ ! -x "$PG_CONFIG" ]]; then
  PG_CONFIG="$(command -v pg_config || true)"
fi
if [[ -z "$PG_CONFIG" || ! -x "$PG_CONFIG" ]]; then
  echo "install-pgvector: pg_config not found; install postgresql-server-dev-${PG_MAJOR}" >&2
  exit 1
fi

EXT_DIR="$("$PG_CONFIG" --sharedir)/extension"
if [[ -f "$EXT_DIR/vector.control" ]]; then
  echo "install-pgvector: already installed ($EXT_DIR/vector.control)"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
need=()
command -v dpkg-source >/dev/null || need+=(dpkg-dev)
command -v make >/dev/null || need+=(make)
command -v gcc >/dev/null || need+=(gcc)
# pgxs.mk alone ships with the client package; the server headers say the dev package is there.
if [[ ! -f "$("$PG_CONFIG" --pgxs)" || ! -f "$("$PG_CONFIG" --includedir-server)/postgres.h" ]]; then
  need+=("postgresql-server-dev-${PG_MAJOR}")
fi
if (( ${#need[@]} )); then
  apt-get update
  apt-get install -y --no-install-recommends "${need[@]}"
fi

# Mirror the URI the machine already uses for Debian (deb822 sources or the classic list).
SRC_LIST=/etc/apt/sources.list.d/pgvector-trixie-src.list
if [[ ! -f "$SRC_LIST" ]]; then
  uri="$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' \
        | grep -v -- '-security' | head -n1 || true)"
  if [[ -z "$uri" ]]; then
    uri="$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' \
          | grep -v -- '-security' | head -n1 || true)"
  fi
  uri="${uri:-http://deb.debian.org/debian}"
  echo "deb-src $uri trixie main" > "$SRC_LIST"
fi
apt-get update

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get source --download-only pgvector
dsc="$(ls ./*.dsc | head -n1)"
dpkg-source -x "$dsc" src
cd src
make PG_CONFIG="$PG_CONFIG" OPTFLAGS=""
make PG_CONFIG="$PG_CONFIG" install
echo "install-pgvector: installed into $EXT_DIR"
