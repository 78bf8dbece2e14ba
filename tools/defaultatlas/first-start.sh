#!/usr/bin/env bash
# Measures the first `npm start` on an empty atlas: seconds until the server listens (the seed
# snapshot is loaded and its caches restored before that). Uses a fresh temp data and cache folder.
# Usage: tools/defaultatlas/first-start.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
log="$work/server.log"
start=$(date +%s.%N)
# Own process group, so the whole npm -> tsx -> node chain can be stopped.
ATLAS_DATA_DIR="$work/atlas" ATLAS_CACHE_DIR="$work/cache" DATABASE_URL='' PORT=0 setsid npm start >"$log" 2>&1 &
pid=$!
trap 'kill -- -"$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -rf "$work"' EXIT
until grep -q "listening on" "$log"; do
  if ! kill -0 "$pid" 2>/dev/null; then cat "$log"; echo "the server exited before listening" >&2; exit 1; fi
  sleep 0.5
done
end=$(date +%s.%N)
grep '^atlas:' "$log"
echo "first start: $(awk "BEGIN { printf \"%.1f\", $end - $start }") s (cores: $(nproc))"
