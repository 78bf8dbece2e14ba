"""Train the toy target networks (shape classifiers) and export them to ONNX.

usage: nice -n 10 /usr/bin/python3 tools/toyworld/train_targets.py DATASET_DIR OUT_DIR [--only NAME]
DATASET_DIR comes from tools/toyworld/make-dataset.ts. CPU only, fixed seeds.
Writes OUT_DIR/{resnet-v1,resnet-v2,vit}.onnx plus a sidecar .json each (preprocessing,
class names, seed, held-out accuracy).
"""
import argparse
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import BasicBlock
from torchvision.models.vision_transformer import VisionTransformer

MEAN = [0.485, 0.456, 0.406]  # torchvision ImageNet statistics, as a real user's model would use
STD = [0.229, 0.224, 0.225]


class ToyResNet(nn.Module):
    """torchvision's ResNet-18 layout (same module names) at reduced width."""

    def __init__(self, widths, num_classes):
        super().__init__()
        self.inplanes = widths[0]
        self.conv1 = nn.Conv2d(3, widths[0], kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(widths[0], 2, 1)
        self.layer2 = self._make_layer(widths[1], 2, 2)
        self.layer3 = self._make_layer(widths[2], 2, 2)
        self.layer4 = self._make_layer(widths[3], 2, 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3], num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")

    def _make_layer(self, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def load_split(root, split):
    meta = json.load(open(os.path.join(root, f"{split}_meta.json")))
    size = meta["size"]
    raw = np.fromfile(os.path.join(root, f"{split}_images.u8"), dtype=np.uint8)
    images = torch.from_numpy(raw.reshape(meta["count"], size, size, 3))
    labels = torch.tensor([m["shape"] for m in meta["images"]], dtype=torch.long)
    return images, labels, size


def to_input(batch_u8, dev="cpu"):
    x = batch_u8.to(dev).permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(MEAN, device=x.device).view(1, 3, 1, 1)
    std = torch.tensor(STD, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / std


def augment(x, gen):
    # Random horizontal flips: every toy shape class is mirror-invariant (hearts, stars tilt
    # either way), and the position is not what the targets are asked for.
    flip = (torch.rand(x.shape[0], generator=gen) < 0.5).to(x.device)
    x = x.clone()
    x[flip] = x[flip].flip(3)
    return x


def accuracy(model, images, labels, batch=500, dev="cpu"):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(labels), batch):
            logits = model(to_input(images[i : i + batch], dev)).cpu()
            correct += (logits.argmax(1) == labels[i : i + batch]).sum().item()
    return correct / len(labels)


def train(model, data, epochs, lr, seed, batch=128, wd=5e-4, dev="cpu"):
    images, labels, held_images, held_labels = data
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    steps = epochs * (len(labels) // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=lr, total_steps=steps, pct_start=0.15)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(labels), generator=gen)
        t0, total = time.time(), 0.0
        for s in range(len(labels) // batch):
            idx = order[s * batch : (s + 1) * batch]
            x = augment(to_input(images[idx], dev), gen)
            loss = F.cross_entropy(model(x), labels[idx].to(dev), label_smoothing=0.05)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        acc = accuracy(model, held_images, held_labels, dev=dev)
        print(f"  epoch {epoch + 1}/{epochs} loss {total / (len(labels) // batch):.4f} held-out acc {acc:.4f} ({time.time() - t0:.0f}s)", flush=True)
    return accuracy(model, held_images, held_labels, dev=dev)


def export(model, name, out_dir, size, classes, seed, acc, arch, extra):
    model.eval()
    path = os.path.join(out_dir, f"{name}.onnx")
    torch.onnx.export(
        model,
        torch.zeros(1, 3, size, size),
        path,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=14,
        do_constant_folding=True,
    )
    sidecar = {
        "name": name,
        "architecture": arch,
        "task": "classify the main (largest) object's shape in toy-world images",
        "input": {"name": "input", "shape": ["batch", 3, size, size], "dtype": "float32"},
        "output": {"name": "logits", "shape": ["batch", len(classes)]},
        "preprocessing": {"size": size, "resize": size, "crop": size, "mean": MEAN, "std": STD},
        "classes": classes,
        "trainingSeed": seed,
        "trainingSet": "toy:20000:1000",
        "heldOutSet": "toy:2000:2000",
        "heldOutAccuracy": round(acc, 4),
        **extra,
    }
    with open(os.path.join(out_dir, f"{name}.json"), "w") as f:
        json.dump(sidecar, f, indent=2)
        f.write("\n")
    print(f"{name}: held-out accuracy {acc:.4f} -> {path}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("out")
    ap.add_argument("--only", default=None, help="comma-separated model names")
    ap.add_argument("--device", default="cpu", help="torch device for training, e.g. cuda")
    ap.add_argument("--checkpoint-dir", default=None, help="also save NAME.pt (weights + accuracy) here")
    ap.add_argument("--export-only", action="store_true", help="export from --checkpoint-dir, no training")
    args = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("TOY_THREADS", "2")))
    vocab = json.load(open(os.path.join(args.dataset, "vocab.json")))
    classes = vocab["shapes"]
    images, labels, size = load_split(args.dataset, "train")
    held_images, held_labels, _ = load_split(args.dataset, "heldout")
    data = (images, labels, held_images, held_labels)
    os.makedirs(args.out, exist_ok=True)

    specs = {
        "resnet-v1": dict(seed=1, widths=[16, 32, 64, 128], epochs=10, lr=3e-3),
        "resnet-v2": dict(seed=2, widths=[16, 32, 64, 192], epochs=8, lr=3e-3),
        "vit": dict(seed=3, epochs=40, lr=1e-3),
    }
    for name, spec in specs.items():
        if args.only and name not in args.only.split(","):
            continue
        torch.manual_seed(spec["seed"])
        print(f"training {name} {spec}", flush=True)
        if name.startswith("resnet"):
            model = ToyResNet(spec["widths"], len(classes))
            arch = f"torchvision-style ResNet-18 (BasicBlock [2,2,2,2]), widths {spec['widths']}"
            extra = {"widths": spec["widths"]}
        else:
            model = VisionTransformer(
                image_size=size, patch_size=8, num_layers=4, num_heads=4,
                hidden_dim=64, mlp_dim=128, num_classes=len(classes),
            )
            arch = "torchvision VisionTransformer: patch 8, 4 layers, 4 heads, hidden 64, mlp 128"
            extra = {"patchSize": 8, "layers": 4, "hiddenDim": 64}
        ckpt = os.path.join(args.checkpoint_dir, f"{name}.pt") if args.checkpoint_dir else None
        if args.export_only:
            state = torch.load(ckpt, map_location="cpu")
            model.load_state_dict(state["weights"])
            acc = state["accuracy"]
        else:
            model = model.to(args.device)
            acc = train(model, data, spec["epochs"], spec["lr"], spec["seed"], wd=5e-4 if name != "vit" else 0.05, dev=args.device)
            model = model.cpu()
            if ckpt:
                torch.save({"weights": model.state_dict(), "accuracy": acc}, ckpt)
        export(model, name, args.out, size, classes, spec["seed"], acc, arch, {**extra, "epochs": spec["epochs"]})


if __name__ == "__main__":
    main()
