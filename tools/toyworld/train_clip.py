"""Train the toy CLIP (image encoder + bag-of-words text encoder) and export it in the
Hugging Face ONNX layout (onnx/vision_model.onnx, onnx/text_model.onnx, tokenizer.json,
preprocessor_config.json, config.json, tokenizer_config.json).

usage: nice -n 10 /usr/bin/python3 tools/toyworld/train_clip.py DATASET_DIR OUT_DIR
DATASET_DIR comes from tools/toyworld/make-dataset.ts. CPU only, fixed seed.

Objectives (summed each step):
  * caption contrastive: InfoNCE between images and captions with word dropout (from the full
    caption down to a single concept word), where every image that has all of a caption's
    concept words counts as a positive (no false negatives from short captions);
  * word softmax: each image against the toy words plus 1,024 distractor words drawn afresh
    each step from the ~10k common English words of the vocabulary, soft targets on the words true of the image
    (main object's shape and colour weighted most): bare-word prompts work, distractors lose;
  * word-to-image softmax: each toy word over the batch's images, positives = images showing
    it: images that show a concept rank above those that do not (what CLIP-Dissect needs);
  * group zero-shot: the main object's shape among the shape words, its colour among the
    colour words, and so on for size, position, background pattern and colour.
"""
import argparse
import json
import math
import os
import re
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.resnet import BasicBlock

SEED = 7
EMBED_DIM = 64
WORD_DIM = 96
DISTRACTORS_PER_STEP = 1024
CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]
FILLER = ["a", "on", "the", "in", "and", "with", "background", ","]
TOKEN = re.compile(r"\w+|[^\w\s]+")  # the `Whitespace` pre-tokenizer's split


class VisionEncoder(nn.Module):
    def __init__(self, size):
        super().__init__()

        def block(cin, cout, stride):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

        self.features = nn.Sequential(block(3, 16, 2), block(16, 32, 2), block(32, 64, 2), block(64, 96, 2))
        side = size // 16
        # Flatten instead of global pooling: position words need to know where things are.
        self.projection = nn.Sequential(nn.Flatten(), nn.Linear(96 * side * side, 256), nn.ReLU(inplace=True), nn.Linear(256, EMBED_DIM))

    def forward(self, pixel_values):
        return self.projection(self.features(pixel_values))


class ResNetVisionEncoder(nn.Module):
    """ResNet-style trunk (torchvision BasicBlocks), kept spatial for the position words."""

    def __init__(self, size):
        super().__init__()
        widths = [16, 32, 64, 96]
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 7, 2, 3, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1))
        blocks, cin = [], widths[0]
        for i, w in enumerate(widths):
            stride = 1 if i == 0 else 2
            down = None if stride == 1 and cin == w else nn.Sequential(nn.Conv2d(cin, w, 1, stride, bias=False), nn.BatchNorm2d(w))
            blocks += [BasicBlock(cin, w, stride, down), BasicBlock(w, w)]
            cin = w
        self.blocks = nn.Sequential(*blocks)
        side = size // 32
        self.projection = nn.Sequential(nn.Flatten(), nn.Linear(widths[-1] * side * side, 256), nn.ReLU(inplace=True), nn.Linear(256, EMBED_DIM))

    def forward(self, pixel_values):
        return self.projection(self.blocks(self.stem(pixel_values)))


class TextEncoder(nn.Module):
    """Mean of word embeddings over the attention mask, then an MLP projection."""

    def __init__(self, vocab_size):
        super().__init__()
        self.token_embedding = nn.Embedding(vocab_size, WORD_DIM)
        self.projection = nn.Sequential(nn.Linear(WORD_DIM, 192), nn.GELU(), nn.Linear(192, EMBED_DIM))

    def forward(self, input_ids, attention_mask):
        mask = attention_mask.unsqueeze(-1).to(torch.float32)
        summed = (self.token_embedding(input_ids) * mask).sum(1)
        return self.projection(summed / mask.sum(1).clamp(min=1.0))

    def words(self, ids):
        return self.projection(self.token_embedding(ids))


class VisionExport(nn.Module):
    def __init__(self, enc):
        super().__init__()
        self.enc = enc

    def forward(self, pixel_values):
        return self.enc(pixel_values)


def build_vocab(vocab):
    words = ["[PAD]", "[UNK]"] + list(vocab["vocabulary"])
    for w in FILLER + vocab["distractors"] + variants_of(vocab):
        if w not in words:
            words.append(w)
    # Keep only what the pre-tokenizer can produce as one token.
    return [w for w in words if w.startswith("[") or TOKEN.fullmatch(w)]


def variants_of(vocab):
    """Plurals and synonyms of the toy words (vocab.json `synonyms`), toy word order."""
    syn = vocab.get("synonyms", {})
    return [v for w in vocab["vocabulary"] for v in syn.get(w, [])]


def tokenizer_json(words):
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [
            {"id": 0, "content": "[PAD]", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
            {"id": 1, "content": "[UNK]", "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True},
        ],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": None,
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": {w: i for i, w in enumerate(words)}, "unk_token": "[UNK]"},
    }


def encode(text, index):
    return [index.get(t, 1) for t in TOKEN.findall(text.lower())]


def load_split(root, split):
    meta = json.load(open(os.path.join(root, f"{split}_meta.json")))
    size = meta["size"]
    raw = np.fromfile(os.path.join(root, f"{split}_images.u8"), dtype=np.uint8)
    return torch.from_numpy(raw.reshape(meta["count"], size, size, 3)), meta["images"], size


def to_input(batch_u8):
    x = batch_u8.permute(0, 3, 1, 2).float() / 255.0
    mean = torch.tensor(CLIP_MEAN, device=x.device).view(1, 3, 1, 1)
    return (x - mean) / torch.tensor(CLIP_STD, device=x.device).view(1, 3, 1, 1)


def concept_weights(m, vocab, toy_index):
    """Soft target over toy words for one image: main shape/colour first, then the rest."""
    w = {}

    def add(word, x):
        w[toy_index[word]] = w.get(toy_index[word], 0.0) + x

    add(vocab["shapes"][m["shape"]], 3.0)
    add(vocab["colours"][m["colour"]], 3.0)
    add(vocab["sizes"][m["size"]], 1.0)
    add(vocab["positions"][m["position"]], 1.0)
    add(vocab["backgrounds"][m["background"]], 1.0)
    add(vocab["patterns"][m["pattern"]], 1.0)
    for shape, colour in m["extras"]:
        add(shape, 0.4)
        add(colour, 0.4)
    return w


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("out")
    ap.add_argument("--epochs", type=int, default=40)
    ap.add_argument("--vision", choices=["conv", "resnet"], default="resnet")
    ap.add_argument("--device", default="cpu", help="torch device, e.g. cuda (results differ slightly from cpu)")
    ap.add_argument("--checkpoint", default=None, help="also save the trained weights here (torch.save)")
    ap.add_argument("--export-only", action="store_true", help="load --checkpoint and export, no training")
    args = ap.parse_args()
    dev = torch.device(args.device)
    torch.manual_seed(SEED)
    torch.set_num_threads(int(os.environ.get("TOY_THREADS", "2")))
    gen = torch.Generator().manual_seed(SEED)
    rng = np.random.default_rng(SEED)

    vocab = json.load(open(os.path.join(args.dataset, "vocab.json")))
    words = build_vocab(vocab)
    index = {w: i for i, w in enumerate(words)}
    toy_words = vocab["vocabulary"]
    toy_ids = torch.tensor([index[w] for w in toy_words], device=dev)
    toy_index = {w: i for i, w in enumerate(toy_words)}
    all_word_ids = torch.arange(2, len(words))  # every real word, toy and distractor
    # Plurals and synonyms of toy words are no distractors (finetune_clip_text.py teaches them).
    toy_set = set(toy_ids.tolist()) | {index[v] for v in variants_of(vocab) if v in index}
    distractor_ids = torch.tensor([i for i in range(2, len(words)) if i not in toy_set], device=dev)

    images, metas, size = load_split(args.dataset, "train")
    held_images, held_metas, _ = load_split(args.dataset, "heldout")
    n = len(metas)
    # Per image: soft weights over toy words (targets) and presence (for positives).
    weights = torch.zeros(n, len(toy_words))
    for i, m in enumerate(metas):
        for k, x in concept_weights(m, vocab, toy_index).items():
            weights[i, k] = x
    presence = weights > 0
    weights, presence = weights.to(dev), presence.to(dev)
    concept_lists = [[toy_words[k] for k in torch.nonzero(presence[i]).flatten().tolist()] for i in range(n)]

    group_cols = {
        group: (torch.tensor([toy_index[w] for w in vocab[group]]), weight)
        # Shape is the hardest attribute to see (colour, background, position are
        # nearly free), so it gets the largest weight.
        for group, weight in [("shapes", 4.0), ("colours", 1.5), ("sizes", 0.5), ("positions", 0.5), ("patterns", 0.5), ("backgrounds", 0.5)]
    }
    group_keys = {"shapes": "shape", "colours": "colour", "sizes": "size", "positions": "position", "patterns": "pattern", "backgrounds": "background"}
    group_labels = {g: torch.tensor([m[k] for m in metas], device=dev) for g, k in group_keys.items()}

    vision = ResNetVisionEncoder(size) if args.vision == "resnet" else VisionEncoder(size)
    text = TextEncoder(len(words))
    if args.export_only:
        state = torch.load(args.checkpoint, map_location="cpu")
        vision.load_state_dict(state["vision"])
        text.load_state_dict(state["text"])
        export(vision, text, words, size, args.out, state["report"])
        return
    vision, text = vision.to(dev), text.to(dev)
    logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07), device=dev))
    params = list(vision.parameters()) + list(text.parameters()) + [logit_scale]
    opt = torch.optim.AdamW(params, lr=2e-3, weight_decay=1e-4)
    batch = 256
    steps = args.epochs * (n // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=steps, pct_start=0.1)

    def sample_caption(i):
        if rng.random() < 0.35:
            return metas[i]["caption"]
        words_i = concept_lists[i]
        k = int(rng.integers(1, min(4, len(words_i)) + 1))
        picked = list(rng.choice(words_i, size=k, replace=False))
        return " ".join(picked)

    for epoch in range(args.epochs):
        vision.train()
        text.train()
        order = torch.randperm(n, generator=gen)
        t0, total = time.time(), 0.0
        for s in range(n // batch):
            idx = order[s * batch : (s + 1) * batch]
            idx_d = idx.to(dev)
            img = F.normalize(vision(to_input(images[idx].to(dev))), dim=-1)
            scale = logit_scale.exp().clamp(max=100)

            # Word softmax over the toy words plus a fresh sample of distractor words (all
            # 10k every step would cost as much as the image encoder).
            sampled = distractor_ids[torch.randperm(len(distractor_ids), generator=gen)[:DISTRACTORS_PER_STEP].to(dev)]
            step_words = F.normalize(text.words(torch.cat([toy_ids, sampled])), dim=-1)
            row_logits = scale * img @ step_words.T
            target = torch.zeros_like(row_logits)
            target[:, : len(toy_words)] = weights[idx_d]
            target = target / target.sum(1, keepdim=True)
            loss_row = -(target * F.log_softmax(row_logits, 1)).sum(1).mean()

            # Each toy word over the batch's images.
            toy_emb = step_words[: len(toy_words)]
            col_logits = scale * toy_emb @ img.T
            col_target = presence[idx_d].T.float()
            has = col_target.sum(1) > 0
            col_target = col_target[has] / col_target[has].sum(1, keepdim=True)
            loss_col = -(col_target * F.log_softmax(col_logits[has], 1)).sum(1).mean()

            # Caption contrastive with word dropout; positives by concept containment.
            caps = [sample_caption(i) for i in idx.tolist()]
            toks = [encode(c, index) for c in caps]
            t_len = max(len(t) for t in toks)
            ids = torch.zeros(batch, t_len, dtype=torch.long)
            mask = torch.zeros(batch, t_len, dtype=torch.long)
            need = torch.zeros(batch, len(toy_words), dtype=torch.bool)
            for r, t in enumerate(toks):
                ids[r, : len(t)] = torch.tensor(t)
                mask[r, : len(t)] = 1
                for w in TOKEN.findall(caps[r]):
                    if w in toy_index:
                        need[r, toy_index[w]] = True
            ids, mask, need = ids.to(dev), mask.to(dev), need.to(dev)
            txt = F.normalize(text(ids, mask), dim=-1)
            pres = presence[idx_d]
            # pos[t, i]: image i shows every concept word of caption t.
            pos = ~(need.unsqueeze(1) & ~pres.unsqueeze(0)).any(-1)
            diag = torch.arange(batch, device=dev)
            pos[diag, diag] = True
            logits = scale * txt @ img.T
            pt = pos.float() / pos.float().sum(1, keepdim=True)
            pi = pos.T.float() / pos.T.float().sum(1, keepdim=True)
            loss_cap = 0.5 * (-(pt * F.log_softmax(logits, 1)).sum(1).mean() - (pi * F.log_softmax(logits.T, 1)).sum(1).mean())

            # Zero-shot within each word group (the 8 shapes, the 8 colours, ...), for the main
            # object: the question a bare-word concept set asks.
            loss_group = sum(
                weight * F.cross_entropy(scale * img @ toy_emb[cols].T, group_labels[group][idx_d])
                for group, (cols, weight) in group_cols.items()
            )

            loss = loss_row + loss_col + 0.5 * loss_cap + loss_group
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        print(f"  epoch {epoch + 1}/{args.epochs} loss {total / (n // batch):.4f} scale {logit_scale.exp().item():.1f} ({time.time() - t0:.0f}s)", flush=True)
        if (epoch + 1) % 3 == 0 or epoch + 1 == args.epochs:
            report = evaluate(vision, text, held_images, held_metas, vocab, index, all_word_ids.to(dev))
            print("  held-out zero-shot:", json.dumps(report), flush=True)

    vision, text = vision.cpu(), text.cpu()
    if args.checkpoint:
        torch.save({"vision": vision.state_dict(), "text": text.state_dict(), "report": report}, args.checkpoint)
    export(vision, text, words, size, args.out, report)


def evaluate(vision, text, images, metas, vocab, index, all_word_ids):
    vision.eval()
    text.eval()
    with torch.no_grad():
        dev = all_word_ids.device
        img = F.normalize(torch.cat([vision(to_input(images[i : i + 500].to(dev))) for i in range(0, len(metas), 500)]), dim=-1)
        all_words = F.normalize(text.words(all_word_ids), dim=-1)
        sims = (img @ all_words.T).cpu()
        report = {}
        for group, key in [("shapes", "shape"), ("colours", "colour"), ("sizes", "size"), ("positions", "position"), ("patterns", "pattern"), ("backgrounds", "background")]:
            cols = torch.tensor([index[w] - 2 for w in vocab[group]])
            pred = sims[:, cols].argmax(1)
            truth = torch.tensor([m[key] for m in metas])
            report[group] = round((pred == truth).float().mean().item(), 4)
        # Does the true shape / colour word beat every distractor word?
        toy = set(vocab["vocabulary"]) | set(variants_of(vocab))
        distractor_cols = torch.tensor([i - 2 for w, i in index.items() if i >= 2 and w not in toy])
        best_distractor = sims[:, distractor_cols].max(1).values
        for group, key in [("shapes", "shape"), ("colours", "colour")]:
            true_cols = torch.tensor([index[vocab[group][m[key]]] - 2 for m in metas])
            true_sim = sims[torch.arange(len(metas)), true_cols]
            report[f"{group}_beat_distractors"] = round((true_sim > best_distractor).float().mean().item(), 4)
    return report


def export(vision, text, words, size, out, report):
    vision.eval()
    text.eval()
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    torch.onnx.export(
        VisionExport(vision), torch.zeros(1, 3, size, size), os.path.join(out, "onnx", "vision_model.onnx"),
        input_names=["pixel_values"], output_names=["image_embeds"],
        dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}}, opset_version=14,
    )
    ids = torch.ones(2, 5, dtype=torch.long)
    torch.onnx.export(
        text, (ids, torch.ones_like(ids)), os.path.join(out, "onnx", "text_model.onnx"),
        input_names=["input_ids", "attention_mask"], output_names=["text_embeds"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}, "text_embeds": {0: "batch"}},
        opset_version=14,
    )

    def dump(name, obj):
        with open(os.path.join(out, name), "w") as f:
            json.dump(obj, f, indent=2 if name != "tokenizer.json" else None)
            f.write("\n")

    dump("tokenizer.json", tokenizer_json(words))
    dump("tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 77,
        "pad_token": "[PAD]", "unk_token": "[UNK]", "do_lower_case": True,
    })
    dump("preprocessor_config.json", {
        "image_processor_type": "CLIPImageProcessor", "feature_extractor_type": "CLIPFeatureExtractor",
        "do_resize": True, "size": {"shortest_edge": size}, "resample": 3,
        "do_center_crop": True, "crop_size": {"height": size, "width": size},
        "do_rescale": True, "rescale_factor": 1 / 255, "do_normalize": True,
        "image_mean": CLIP_MEAN, "image_std": CLIP_STD, "do_convert_rgb": True,
    })
    dump("config.json", {
        "model_type": "clip", "architectures": ["CLIPModel"], "projection_dim": EMBED_DIM,
        "text_config": {"model_type": "clip_text_model", "vocab_size": len(words), "hidden_size": WORD_DIM,
                        "projection_dim": EMBED_DIM, "max_position_embeddings": 77},
        "vision_config": {"model_type": "clip_vision_model", "image_size": size, "projection_dim": EMBED_DIM},
        "toy": {"description": "toy-world CLIP: conv image encoder, bag-of-words text encoder; trained on toy:20000:1000",
                "trainingSeed": SEED, "heldOutZeroShotPython": report},
    })
    print(f"exported toy CLIP -> {out}", flush=True)


if __name__ == "__main__":
    main()
