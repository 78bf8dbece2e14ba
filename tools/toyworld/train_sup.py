"""Train resnet-sup: a toy shape classifier whose layer3 holds one supervised channel per toy word.

usage: nice -n 10 /usr/bin/python3 tools/toyworld/train_sup.py DATASET_DIR OUT_DIR [--epochs 12]
       [--pos-weight 1] [--mask-weight 4]
DATASET_DIR comes from `make-dataset.ts DATASET_DIR --mask-grid 4` (SPLIT_masks.u8: every toy word's
mask as the share of each 4 x 4 cell). CPU, one thread unless TOY_THREADS says otherwise, fixed seed.

Same ResNet-18 layout, module names and widths (16/32/64/128) as resnet-v1. layer3 (4 x 4 at 64 x 64
input, 64 channels) holds the 33 supervised channels and 31 free ones: layer2 (8 x 8) was tried first
and read colours, backgrounds and patterns well but shapes and positions poorly (its units see too
little of an object and of the image; held-out IoU 0.01-0.36 for shapes, 0.006 for centre).
Loss = cross-entropy on the main shape +
mask weight x per-cell binary cross-entropy (on cells pos-weight times heavier) of channel c of
layer3's output (the last block's ReLU, /layer3/layer3.1/relu_1/Relu, what a dissection of `layer3`
reads) against min(1, share / 0.1) of toy word c's mask, with logit = 4 x (activation - 1): a cell is
"on" where the activation exceeds 1. A word covering a tenth of a cell makes it fully on: with the
share itself as target, a cell was on only past half covered, which small objects never reach
(triangles and stars reach it in 8% of the images they are in), so shape and colour channels learnt
to ignore the small objects that image-level presence counts (held-out AUROC 0.54-0.83). On cells
the concept covers the gradient passes the ReLU straight through, so that a channel whose sum went
negative there can recover. The other 31 channels and all other layers are free.

Writes OUT_DIR/resnet-sup.onnx and resnet-sup.json: the sidecar of the other toy classifiers plus
`supervised: [{layer, channel, concept}]` and `supervisedReport` (held-out, per channel):
  iou    cells with activation > 1 vs cells the concept covers at least 5% of, pooled over the
         held-out images (intersection sum / union sum), on layer3's 4 x 4 grid;
  auroc  image-level presence of the concept (non-empty mask) vs the channel's spatial maximum.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_targets import ToyResNet, export, load_split, to_input  # noqa: E402

NAME = "resnet-sup"
SEED = 4
WIDTHS = [16, 32, 64, 128]
LAYER = "layer3"
GRID = 4
MASK_WEIGHT = 4.0
ON = 1.0  # activation threshold of a supervised cell (logit 0)
FULL_SHARE = 0.1  # a cell's target is min(1, share / FULL_SHARE): small objects get "on" cells too
COVERED = 0.05  # share at which a cell counts as covered in the IoU (soft target >= 0.5)


def load_masks(root, split, count, concepts):
    grid = json.load(open(os.path.join(root, f"{split}_meta.json"))).get("maskGrid")
    if grid != GRID:
        raise SystemExit(f"{root}: {split} masks are on a {grid} grid; train_sup.py needs make-dataset.ts --mask-grid {GRID}")
    raw = np.fromfile(os.path.join(root, f"{split}_masks.u8"), dtype=np.uint8)
    return torch.from_numpy(raw.reshape(count, concepts, GRID, GRID))


def block_sum(block, x):
    """A BasicBlock's output before its final ReLU (torchvision's BasicBlock.forward, less the ReLU)."""
    out = block.relu(block.bn1(block.conv1(x)))
    out = block.bn2(block.conv2(out))
    return out + (block.downsample(x) if block.downsample is not None else x)


def forward(model, x):
    """Logits, layer3's output (after its last ReLU) and that output before the ReLU."""
    x = model.maxpool(model.relu(model.bn1(model.conv1(x))))
    x = model.layer3[0](model.layer2(model.layer1(x)))
    pre = block_sum(model.layer3[1], x)
    mid = F.relu(pre)
    out = model.layer4(mid)
    return model.fc(torch.flatten(model.avgpool(out), 1)), mid, pre


def mask_target(share):
    return (share / FULL_SHARE).clamp(max=1.0)


def mask_logits(act):
    return 4.0 * (act - ON)


def auroc(scores, labels):
    """Mann-Whitney AUROC with ties counted half."""
    pos, neg = labels.sum(), (~labels).sum()
    if pos == 0 or neg == 0:
        return float("nan")
    order = np.argsort(scores, kind="mergesort")
    s = scores[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i : j + 1] = (i + j) / 2 + 1
        i = j + 1
    r = np.empty(len(s))
    r[order] = ranks
    return float((r[labels].sum() - pos * (pos + 1) / 2) / (pos * neg))


def evaluate(model, images, labels, masks, concepts, batch=500):
    model.eval()
    acts, correct = [], 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            logits, mid, _ = forward(model, to_input(images[i : i + batch]))
            correct += (logits.argmax(1) == labels[i : i + batch]).sum().item()
            acts.append(mid[:, : len(concepts)])
    act = torch.cat(acts)  # N x C x G x G
    truth = masks.float() / 255.0
    on, cover = act > ON, truth >= COVERED
    inter = (on & cover).sum((0, 2, 3)).double()
    union = (on | cover).sum((0, 2, 3)).double()
    present = (masks.flatten(2).amax(2) > 0).numpy()
    peak = act.flatten(2).amax(2).numpy()
    rows = []
    for c, concept in enumerate(concepts):
        rows.append({
            "channel": c,
            "concept": concept,
            "iou": round(float(inter[c] / union[c]) if union[c] > 0 else 0.0, 4),
            "auroc": round(auroc(peak[:, c], present[:, c]), 4),
            "present": int(present[:, c].sum()),
        })
    return correct / len(labels), rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--train-images", type=int, default=0, help="use only the first N training images")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--pos-weight", type=float, default=1.0, help="weight of the rare on cells in the mask loss")
    ap.add_argument("--mask-weight", type=float, default=MASK_WEIGHT)
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("TOY_THREADS", "1")))
    vocab = json.load(open(os.path.join(args.dataset, "vocab.json")))
    classes, concepts = vocab["shapes"], vocab["vocabulary"]
    images, labels, size = load_split(args.dataset, "train")
    masks = load_masks(args.dataset, "train", len(labels), len(concepts))
    if args.train_images:
        images, labels, masks = images[: args.train_images], labels[: args.train_images], masks[: args.train_images]
    held_images, held_labels, _ = load_split(args.dataset, "heldout")
    held_masks = load_masks(args.dataset, "heldout", len(held_labels), len(concepts))
    # A horizontal flip mirrors the masks and swaps the words left and right.
    mirror = list(range(len(concepts)))
    left, right = concepts.index("left"), concepts.index("right")
    mirror[left], mirror[right] = right, left

    torch.manual_seed(SEED)
    model = ToyResNet(WIDTHS, len(classes))
    gen = torch.Generator().manual_seed(SEED)
    batch = 128
    steps = args.epochs * (len(labels) // batch)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.15)
    c = len(concepts)
    pos_weight = torch.full((c, 1, 1), args.pos_weight)
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(labels), generator=gen)
        t0, total_ce, total_mask = time.time(), 0.0, 0.0
        for s in range(len(labels) // batch):
            idx = order[s * batch : (s + 1) * batch]
            x = to_input(images[idx])
            m = mask_target(masks[idx].float() / 255.0)
            flip = torch.rand(len(idx), generator=gen) < 0.5
            x[flip] = x[flip].flip(3)
            m[flip] = m[flip][:, mirror].flip(3)
            logits, mid, pre = forward(model, x)
            ce = F.cross_entropy(logits, labels[idx], label_smoothing=0.05)
            # The loss reads the ReLU's output; on cells the concept covers, its gradient also passes
            # the ReLU (straight through), so a channel whose sum went negative there is not stuck.
            act, pre = mid[:, :c], pre[:, :c]
            act = torch.where(m > 0, pre + (act - pre).detach(), act)
            bce = F.binary_cross_entropy_with_logits(mask_logits(act), m, pos_weight=pos_weight)
            loss = ce + args.mask_weight * bce
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total_ce += ce.item()
            total_mask += bce.item()
        n = len(labels) // batch
        print(f"  epoch {epoch + 1}/{args.epochs} ce {total_ce / n:.4f} mask bce {total_mask / n:.4f} ({time.time() - t0:.0f}s)", flush=True)

    acc, rows = evaluate(model, held_images, held_labels, held_masks, concepts)
    for r in rows:
        print(f"  {r['channel']:2d} {r['concept']:>12s} IoU {r['iou']:.3f} AUROC {r['auroc']:.4f}", flush=True)
    ious = [r["iou"] for r in rows]
    aurocs = [r["auroc"] for r in rows]
    report = {
        "heldOutSet": "toy:2000:2000",
        "iouThreshold": f"activation > {ON} on the {GRID} x {GRID} grid vs cells the word covers at least {COVERED:.0%} of (training target min(1, share / {FULL_SHARE}))",
        "aurocScore": "channel's spatial maximum vs image-level presence",
        "meanIou": round(float(np.mean(ious)), 4),
        "minIou": round(float(np.min(ious)), 4),
        "meanAuroc": round(float(np.mean(aurocs)), 4),
        "minAuroc": round(float(np.min(aurocs)), 4),
        "channels": rows,
    }
    print(f"held-out accuracy {acc:.4f}; IoU mean {report['meanIou']} min {report['minIou']}; AUROC mean {report['meanAuroc']} min {report['minAuroc']}", flush=True)
    arch = f"torchvision-style ResNet-18 (BasicBlock [2,2,2,2]), widths {WIDTHS}; {LAYER} channels 0-{c - 1} supervised with toy-word masks"
    extra = {
        "widths": WIDTHS,
        "epochs": args.epochs,
        "trainingImages": len(labels),
        "maskWeight": args.mask_weight,
        "maskPosWeight": args.pos_weight,
        "maskTarget": f"min(1, cell share / {FULL_SHARE})",
        "supervised": [{"layer": LAYER, "channel": i, "concept": concept} for i, concept in enumerate(concepts)],
        "supervisedReport": report,
    }
    os.makedirs(args.out, exist_ok=True)
    export(model, NAME, args.out, size, classes, SEED, acc, arch, extra)


if __name__ == "__main__":
    main()
