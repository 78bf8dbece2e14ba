#!/usr/bin/env bash
# Rebuild every toy model from scratch: dataset -> train -> export -> text fine-tune -> measure.
# usage: tools/toyworld/build-all.sh [--text-only]
#   --text-only  only fine-tune the committed toy CLIP's text side (image side frozen) so the
#                plurals and synonyms of TOY_SYNONYMS (src/toyworld/vocabulary.ts) embed next to
#                their toy words, then measure: ~3 min of 1 CPU core. Rewrites
#                models/toy/clip/{onnx/text_model.onnx,tokenizer.json,config.json}.
# env:   PYTHON       interpreter with torch + torchvision (default /usr/bin/python3)
#        TOY_DEVICE   torch device for the ViT and the toy CLIP (default cpu; the committed ones
#                     were trained with TOY_DEVICE=cuda: ~1 min each on one GPU, hours on 2 CPU
#                     cores). The ResNets always train on the CPU (~3 min each per core).
#        TOY_DATA     dataset folder (default: a fresh temp folder, deleted afterwards)
#        TOY_THREADS  torch CPU threads (default 2)
# ONNX export always runs on the CPU with the same interpreter (torch 1.13's TorchScript
# exporter gives the module-path node names, e.g. /layer4/layer4.1/relu_1/Relu).
# The dataset also holds every toy word's mask on a 4 x 4 grid (--mask-grid 4) for resnet-sup.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-/usr/bin/python3}"
DEVICE="${TOY_DEVICE:-cpu}"
if [[ -z "${TOY_DATA:-}" ]]; then
  TOY_DATA="$(mktemp -d)"
  trap 'rm -rf "$TOY_DATA"' EXIT
fi
CKPT="$TOY_DATA/checkpoints"
mkdir -p "$CKPT"

echo "== dataset -> $TOY_DATA" >&2
npx tsx tools/toyworld/make-dataset.ts "$TOY_DATA" --train 20000 --heldout 2000 --mask-grid 4

finetune_text() {
  echo "== toy CLIP text side: plurals and synonyms (cpu, image side frozen)" >&2
  npx tsx tools/toyworld/embed-images.ts "$TOY_DATA" --clip models/toy/clip
  TOY_THREADS=1 nice -n 10 "$PYTHON" tools/toyworld/finetune_clip_text.py "$TOY_DATA" models/toy/clip
}
measure() {
  echo "== measure from TypeScript (onnxruntime-node) -> models/toy/measurements.json" >&2
  npx tsx tools/toyworld/measure.ts --n 2000 --write
}
if [[ "${1:-}" == "--text-only" ]]; then
  finetune_text
  measure
  exit 0
fi

echo "== target networks: resnet-v1, resnet-v2 (cpu), vit ($DEVICE)" >&2
nice -n 10 "$PYTHON" tools/toyworld/train_targets.py "$TOY_DATA" models/toy --only resnet-v1,resnet-v2
nice -n 10 "$PYTHON" tools/toyworld/train_targets.py "$TOY_DATA" models/toy --only vit --device "$DEVICE" --checkpoint-dir "$CKPT"
nice -n 10 "$PYTHON" tools/toyworld/train_targets.py "$TOY_DATA" models/toy --only vit --checkpoint-dir "$CKPT" --export-only

echo "== resnet-sup (cpu, one thread): layer3 channels trained with toy-word masks" >&2
TOY_THREADS=1 nice -n 10 "$PYTHON" tools/toyworld/train_sup.py "$TOY_DATA" models/toy --epochs 12

echo "== toy CLIP ($DEVICE)" >&2
nice -n 10 "$PYTHON" tools/toyworld/train_clip.py "$TOY_DATA" "$TOY_DATA/clip-scratch" --device "$DEVICE" --checkpoint "$CKPT/clip.pt"
nice -n 10 "$PYTHON" tools/toyworld/train_clip.py "$TOY_DATA" models/toy/clip --checkpoint "$CKPT/clip.pt" --export-only
finetune_text

measure
du -ch models/toy/*.onnx models/toy/clip/onnx/*.onnx models/toy/clip/*.json | tail -1 >&2
