#!/usr/bin/env bash
# Rebuilds the default atlas from the committed toy models and writes the seed snapshot:
#   seed/atlas.jsonl.gz  (models, probe/concept sets, complete runs: labels + top images)
#   seed/caches.bin.gz   (CLIP text embeddings of the concepts, CLIP image embeddings of the probe set)
# CLIP-Dissect of toy ResNet v1, v2 and the ViT with the toy CLIP over toy:5000:42, concepts =
# toy vocabulary + 10,000 common English words, plus a Network Dissection run per model.
# Usage: tools/defaultatlas/build.sh [extra `atlas seed build` flags, e.g. --probe toy:5000:42]
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# A fresh atlas and cache folder, so nothing stale leaks into the snapshot.
time ATLAS_DATA_DIR="$work/atlas" ATLAS_CACHE_DIR="$work/cache" DATABASE_URL='' \
  node bin/atlas.js seed build --export seed/atlas.jsonl.gz "$@"
ls -l seed/atlas.jsonl.gz seed/caches.bin.gz
