#!/usr/bin/env python3
"""Build random-weight ONNX models for the dissection pipeline's tests and benchmarks.

Usage (needs torch + torchvision + onnx; the product itself never runs Python):
  python3 tools/benchmodels/build.py tiny-clip OUT_DIR [--wordlevel]   # tiny CLIP, HF ONNX layout
  python3 tools/benchmodels/build.py tiny-target OUT.onnx              # tiny ResNet-like target
  python3 tools/benchmodels/build.py resnet50 OUT.onnx                 # torchvision resnet50()
  python3 tools/benchmodels/build.py vit-clip OUT_DIR                  # CLIP ViT-B/16-sized encoders

The CLIP folders follow the layout transformers.js reads: onnx/vision_model.onnx (pixel_values ->
image_embeds), onnx/text_model.onnx (input_ids [+ attention_mask] -> text_embeds), tokenizer.json,
tokenizer_config.json, preprocessor_config.json, config.json. Weights are random but seeded, so
the files are reproducible; the tiny ones are small enough to commit as test fixtures.
"""
import argparse
import collections
import json
import os

import torch
import torch.nn as nn
import torchvision

OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]

# Words the tiny BPE vocabulary learns merges for (toy-world style concepts).
TINY_WORDS = (
    "red green blue yellow purple orange black white circle square triangle star stripes dots "
    "checker grid dog cat car tree house sky water grass sand stone wood metal small large "
    "bright dark round corner edge line curve shape color pattern texture"
).split()


def bytes_to_unicode():
    """GPT-2/CLIP byte-to-printable-character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


def learn_bpe(words, n_merges):
    """Tiny BPE trainer: CLIP-style symbols with an end-of-word suffix."""
    corpus = collections.Counter()
    for w in words:
        symbols = list(w[:-1]) + [w[-1] + "</w>"]
        corpus[tuple(symbols)] += 1
    merges = []
    for _ in range(n_merges):
        pairs = collections.Counter()
        for sym, c in corpus.items():
            for a, b in zip(sym, sym[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best = max(sorted(pairs), key=lambda p: pairs[p])
        merges.append(best)
        merged = collections.Counter()
        for sym, c in corpus.items():
            out, i = [], 0
            while i < len(sym):
                if i + 1 < len(sym) and (sym[i], sym[i + 1]) == best:
                    out.append(sym[i] + sym[i + 1])
                    i += 2
                else:
                    out.append(sym[i])
                    i += 1
            merged[tuple(out)] += c
        corpus = merged
    return merges


def clip_bpe_tokenizer(max_len):
    """A tokenizer.json with the structure of openai/clip-vit-base-patch32's, over a tiny vocabulary."""
    byte_chars = list(bytes_to_unicode().values())
    vocab = {}
    for ch in byte_chars:
        vocab[ch] = len(vocab)
    for ch in byte_chars:
        vocab[ch + "</w>"] = len(vocab)
    merges = learn_bpe(TINY_WORDS, 150)
    for a, b in merges:
        if a + b not in vocab:
            vocab[a + b] = len(vocab)
    bos, eos = len(vocab), len(vocab) + 1
    vocab["<|startoftext|>"] = bos
    vocab["<|endoftext|>"] = eos
    special = lambda i, c: {"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False, "normalized": True, "special": True}
    tok = {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": [special(bos, "<|startoftext|>"), special(eos, "<|endoftext|>")],
        "normalizer": {"type": "Sequence", "normalizers": [
            {"type": "NFC"}, {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}, {"type": "Lowercase"}]},
        "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex": "<\\|startoftext\\|>|<\\|endoftext\\|>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+"},
             "behavior": "Removed", "invert": True},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
        "post_processor": {"type": "RobertaProcessing", "sep": ["<|endoftext|>", eos], "cls": ["<|startoftext|>", bos],
                           "trim_offsets": False, "add_prefix_space": False},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": "<|endoftext|>", "continuing_subword_prefix": "",
                  "end_of_word_suffix": "</w>", "fuse_unk": False, "byte_fallback": False, "vocab": vocab,
                  "merges": [f"{a} {b}" for a, b in merges]},
    }
    config = {"tokenizer_class": "CLIPTokenizer", "model_max_length": max_len, "do_lower_case": True,
              "bos_token": "<|startoftext|>", "eos_token": "<|endoftext|>", "unk_token": "<|endoftext|>",
              "pad_token": "<|endoftext|>"}
    return tok, config, len(vocab)


def wordlevel_tokenizer(max_len):
    """A WordLevel tokenizer (whole words, [UNK] otherwise) with [CLS]/[SEP] around each text."""
    vocab = {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3}
    for w in TINY_WORDS:
        vocab.setdefault(w, len(vocab))
    special = lambda i, c: {"id": i, "content": c, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
    tok = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [special(i, c) for c, i in vocab.items() if c.startswith("[")],
        "normalizer": {"type": "Lowercase"},
        "pre_tokenizer": {"type": "Whitespace"},
        "post_processor": {"type": "TemplateProcessing",
                           "single": [{"SpecialToken": {"id": "[CLS]", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                                      {"SpecialToken": {"id": "[SEP]", "type_id": 0}}],
                           "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
                           "special_tokens": {"[CLS]": {"id": "[CLS]", "ids": [2], "tokens": ["[CLS]"]},
                                              "[SEP]": {"id": "[SEP]", "ids": [3], "tokens": ["[SEP]"]}}},
        "decoder": None,
        "model": {"type": "WordLevel", "vocab": vocab, "unk_token": "[UNK]"},
    }
    config = {"model_max_length": max_len, "pad_token": "[PAD]", "unk_token": "[UNK]"}
    return tok, config, len(vocab)


class TinyVision(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, stride=2, padding=1)
        self.proj = nn.Linear(16 + 3, dim)

    def forward(self, pixel_values):
        h = torch.relu(self.conv(pixel_values)).mean(dim=(2, 3))
        # The raw channel means keep colour directly visible in the embedding.
        return self.proj(torch.cat([h, pixel_values.mean(dim=(2, 3))], dim=1))


class TinyText(nn.Module):
    """Token embeddings + positions, pooled at the end-of-text token (CLIP: argmax id) plus a masked mean."""

    def __init__(self, vocab, max_len, dim, use_mask):
        super().__init__()
        self.tok = nn.Embedding(vocab, 32)
        self.pos = nn.Parameter(torch.randn(max_len, 32) * 0.02)
        self.proj = nn.Linear(64, dim)
        self.use_mask = use_mask

    def forward(self, input_ids, attention_mask=None):
        h = self.tok(input_ids) + self.pos[: input_ids.shape[1]]
        if attention_mask is None:
            attention_mask = torch.ones_like(input_ids)
        m = attention_mask.unsqueeze(-1).to(h.dtype)
        mean = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        eos = h[torch.arange(h.shape[0]), input_ids.argmax(dim=-1)]
        return self.proj(torch.cat([mean, eos], dim=1))


def export(module, args, path, input_names, output_names, dynamic):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    module.eval()
    torch.onnx.export(module, args, path, input_names=input_names, output_names=output_names,
                      dynamic_axes=dynamic, opset_version=14, do_constant_folding=True)


def write_clip_folder(out, vision, text, tok, tok_config, image_size, dim, text_inputs, max_len, name):
    os.makedirs(os.path.join(out, "onnx"), exist_ok=True)
    export(vision, (torch.randn(2, 3, image_size, image_size),), os.path.join(out, "onnx", "vision_model.onnx"),
           ["pixel_values"], ["image_embeds"], {"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}})
    ids = torch.randint(0, 10, (2, 7))
    args = (ids, torch.ones_like(ids)) if "attention_mask" in text_inputs else (ids,)
    dyn = {n: {0: "batch", 1: "sequence"} for n in text_inputs}
    dyn["text_embeds"] = {0: "batch"}
    export(text, args, os.path.join(out, "onnx", "text_model.onnx"), text_inputs, ["text_embeds"], dyn)
    with open(os.path.join(out, "tokenizer.json"), "w") as f:
        json.dump(tok, f, ensure_ascii=False)
    with open(os.path.join(out, "tokenizer_config.json"), "w") as f:
        json.dump(tok_config, f, indent=1)
    with open(os.path.join(out, "preprocessor_config.json"), "w") as f:
        json.dump({"do_resize": True, "size": {"shortest_edge": image_size}, "resample": 3, "do_center_crop": True,
                   "crop_size": {"height": image_size, "width": image_size}, "do_rescale": True,
                   "rescale_factor": 1 / 255, "do_normalize": True, "image_mean": OPENAI_MEAN,
                   "image_std": OPENAI_STD, "image_processor_type": "CLIPImageProcessor"}, f, indent=1)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump({"model_type": "clip", "_name_or_path": name, "projection_dim": dim,
                   "text_config": {"max_position_embeddings": max_len},
                   "vision_config": {"image_size": image_size}}, f, indent=1)


def tiny_clip(out, wordlevel):
    torch.manual_seed(7 if wordlevel else 3)
    max_len, dim, size = 16, 24, 32
    tok, tok_config, vocab = (wordlevel_tokenizer if wordlevel else clip_bpe_tokenizer)(max_len)
    inputs = ["input_ids"] if wordlevel else ["input_ids", "attention_mask"]
    text = TinyText(vocab, max_len, dim, use_mask=not wordlevel)
    if wordlevel:
        # Graph without attention_mask: the wrapper keeps the signature the exporter sees.
        class NoMask(nn.Module):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner

            def forward(self, input_ids):
                return self.inner(input_ids, None)
        text = NoMask(text)
    write_clip_folder(out, TinyVision(dim), text, tok, tok_config, size, dim, inputs, max_len,
                      "tiny-clip-wordlevel" if wordlevel else "tiny-clip-bpe")


class TinyTarget(nn.Module):
    """ResNet-shaped toy target: module paths conv1, layer1, layer2, fc like torchvision's."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 8, 3, stride=2, padding=1)
        self.relu = nn.ReLU()
        self.layer1 = nn.Sequential(nn.Conv2d(8, 12, 3, padding=1), nn.ReLU())
        self.layer2 = nn.Sequential(nn.Conv2d(12, 16, 3, stride=2, padding=1), nn.ReLU())
        self.fc = nn.Linear(16, 10)

    def forward(self, x):
        x = self.layer2(self.layer1(self.relu(self.conv1(x))))
        return self.fc(x.mean(dim=(2, 3)))


def tiny_target(out):
    torch.manual_seed(5)
    export(TinyTarget(), (torch.randn(2, 3, 64, 64),), out, ["input"], ["output"],
           {"input": {0: "batch"}, "output": {0: "batch"}})


def resnet50(out):
    torch.manual_seed(0)
    export(torchvision.models.resnet50(), (torch.randn(1, 3, 224, 224),), out, ["input"], ["output"],
           {"input": {0: "batch"}, "output": {0: "batch"}})


class VitVision(nn.Module):
    """torchvision vit_b_16 (random weights) as a CLIP ViT-B/16-sized vision tower, 512-d projection."""

    def __init__(self):
        super().__init__()
        self.vit = torchvision.models.vit_b_16()
        self.vit.heads = nn.Linear(768, 512, bias=False)

    def forward(self, pixel_values):
        return self.vit(pixel_values)


class ClipSizedText(nn.Module):
    """CLIP ViT-B/16's text tower shape: 12 layers, width 512, 8 heads, 77 positions, EOS pooling."""

    def __init__(self, vocab):
        super().__init__()
        self.tok = nn.Embedding(vocab, 512)
        self.pos = nn.Parameter(torch.randn(77, 512) * 0.01)
        layer = nn.TransformerEncoderLayer(512, 8, 2048, batch_first=True, norm_first=True)
        self.enc = nn.TransformerEncoder(layer, 12)
        self.ln = nn.LayerNorm(512)
        self.proj = nn.Linear(512, 512, bias=False)

    def forward(self, input_ids, attention_mask):
        h = self.tok(input_ids) + self.pos[: input_ids.shape[1]]
        h = self.ln(self.enc(h, src_key_padding_mask=attention_mask == 0))
        return self.proj(h[torch.arange(h.shape[0]), input_ids.argmax(dim=-1)])


def vit_clip(out):
    torch.manual_seed(1)
    tok, tok_config, vocab = clip_bpe_tokenizer(77)
    write_clip_folder(out, VitVision(), ClipSizedText(vocab), tok, tok_config, 224, 512,
                      ["input_ids", "attention_mask"], 77, "vit-b16-sized-random")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["tiny-clip", "tiny-target", "resnet50", "vit-clip"])
    ap.add_argument("out")
    ap.add_argument("--wordlevel", action="store_true")
    a = ap.parse_args()
    torch.set_num_threads(2)
    if a.what == "tiny-clip":
        tiny_clip(a.out, a.wordlevel)
    elif a.what == "tiny-target":
        tiny_target(a.out)
    elif a.what == "resnet50":
        resnet50(a.out)
    else:
        vit_clip(a.out)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
