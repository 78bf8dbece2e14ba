#!/usr/bin/env bash
# Rebuild every toy model from scratch: dataset -> train -> export -> measure.
# usage: tools/toyworld/build-all.sh            (CPU; about an hour on 2 busy cores)
# env:   PYTHON (default /usr/bin/python3, needs torch + torchvision + onnx),
#        TOY_DATA (dataset folder; default a fresh temp folder, deleted afterwards),
#        TOY_THREADS (torch threads, default 2)
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-/usr/bin/python3}"
if [[ -z "${TOY_DATA:-}" ]]; then
  TOY_DATA="$(mktemp -d)"
  trap 'rm -rf "$TOY_DATA"' EXIT
fi

echo "== dataset -> $TOY_DATA" >&2
npx tsx tools/toyworld/make-dataset.ts "$TOY_DATA" --train 20000 --heldout 2000

echo "== target networks (resnet-v1, resnet-v2, vit)" >&2
nice -n 10 "$PYTHON" tools/toyworld/train_targets.py "$TOY_DATA" models/toy

echo "== toy CLIP" >&2
nice -n 10 "$PYTHON" tools/toyworld/train_clip.py "$TOY_DATA" models/toy/clip

echo "== measure from TypeScript (onnxruntime-node) -> models/toy/measurements.json" >&2
npx tsx tools/toyworld/measure.ts --n 2000 --write
du -ch models/toy/*.onnx models/toy/clip/onnx/*.onnx models/toy/clip/*.json | tail -1 >&2
