"""Fine-tune the toy CLIP's text side so the plurals and synonyms of the toy words (vocab.json
`synonyms`, from TOY_SYNONYMS in src/toyworld/vocabulary.ts) embed next to their toy word, with
the image encoder frozen (its ONNX file is not touched).

usage: nice -n 10 /usr/bin/python3 tools/toyworld/finetune_clip_text.py DATASET_DIR CLIP_DIR [--epochs 8]
DATASET_DIR: make-dataset.ts, then embed-images.ts with the same CLIP_DIR (the frozen image
embeddings). Reads CLIP_DIR/onnx/text_model.onnx and tokenizer.json, writes back
onnx/text_model.onnx, tokenizer.json and config.json. CPU, 1 thread, fixed seed, ~1 min.

The text encoder's weights come from the ONNX initializers. Token ids of existing words keep
their ids (the image side and every stored embedding stay valid); variants missing from the
vocabulary are appended as new tokens. Only the variants' token rows train (the projection and
every other row are frozen, so the toy words' zero-shot accuracy cannot change): train_clip.py's
objectives on the frozen image embeddings (word softmax against 1,024 sampled distractors,
word-to-image softmax, group zero-shot, caption contrastive) with every toy word replaced by one
of its variants drawn at random, plus a pull of each variant's embedding towards its toy word's.
The variants are never distractors.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_clip import EMBED_DIM, SEED, TOKEN, TextEncoder, concept_weights, tokenizer_json, variants_of  # noqa: E402

DISTRACTORS_PER_STEP = 1024
SCALE = 50.0  # logit scale of the softmaxes (the trained one is not exported)
ALIGN = 4.0  # weight of the pull of each variant towards its toy word
GROUPS = [("shapes", "shape", 4.0), ("colours", "colour", 1.5), ("sizes", "size", 0.5), ("positions", "position", 0.5), ("patterns", "pattern", 0.5), ("backgrounds", "background", 0.5)]


def load_text(clip_dir, words, old_size):
    model = onnx.load(os.path.join(clip_dir, "onnx", "text_model.onnx"))
    weights = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in model.graph.initializer}
    text = TextEncoder(len(words))
    state = text.state_dict()
    emb = weights["token_embedding.weight"]
    if emb.shape[0] != old_size:
        raise SystemExit(f"text_model.onnx has {emb.shape[0]} token rows, tokenizer.json {old_size} tokens")
    for name in state:
        if name == "token_embedding.weight":
            # New tokens start at the mean row: no head start towards their toy word.
            state[name] = torch.cat([emb, emb.mean(0, keepdim=True).repeat(len(words) - old_size, 1)])
        else:
            state[name] = weights[name]
    text.load_state_dict(state)
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dataset")
    ap.add_argument("clip")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--lr", type=float, default=0.1)
    args = ap.parse_args()
    torch.manual_seed(SEED)
    torch.set_num_threads(int(os.environ.get("TOY_THREADS", "1")))
    gen = torch.Generator().manual_seed(SEED)
    rng = np.random.default_rng(SEED)

    vocab = json.load(open(os.path.join(args.dataset, "vocab.json")))
    tok = json.load(open(os.path.join(args.clip, "tokenizer.json")))
    old = tok["model"]["vocab"]
    words = [w for w, _ in sorted(old.items(), key=lambda kv: kv[1])]
    if words[:2] != ["[PAD]", "[UNK]"] or any(old[w] != i for i, w in enumerate(words)):
        raise SystemExit("tokenizer.json: expected ids 0..N-1 starting with [PAD], [UNK]")
    variants = variants_of(vocab)
    added = [v for v in variants if v not in old and TOKEN.fullmatch(v)]
    words += added
    index = {w: i for i, w in enumerate(words)}
    toy_words = vocab["vocabulary"]
    toy_index = {w: i for i, w in enumerate(toy_words)}
    canon = {v: w for w in toy_words for v in vocab["synonyms"].get(w, [])}
    variants = [v for v in variants if v in index]
    text = load_text(args.clip, words, len(old))

    toy_ids = torch.tensor([index[w] for w in toy_words])
    var_ids = torch.tensor([index[v] for v in variants])
    var_of = torch.tensor([toy_index[canon[v]] for v in variants])
    # Per toy word, the ids it may be replaced by (itself included).
    choices = [[index[w]] + [index[v] for v in vocab["synonyms"].get(w, []) if v in index] for w in toy_words]
    special = set(toy_ids.tolist()) | set(var_ids.tolist())
    distractor_ids = torch.tensor([i for i in range(2, len(words)) if i not in special])

    def split(name):
        meta = json.load(open(os.path.join(args.dataset, f"{name}_meta.json")))
        emb = np.fromfile(os.path.join(args.dataset, f"{name}_image_embeds.f32"), dtype=np.float32)
        return F.normalize(torch.from_numpy(emb.reshape(meta["count"], -1)), dim=-1), meta["images"]

    img_all, metas = split("train")
    held_img, held_metas = split("heldout")
    if img_all.shape[1] != EMBED_DIM:
        raise SystemExit(f"image embeddings are {img_all.shape[1]}-d, the text side {EMBED_DIM}-d")
    n = len(metas)
    weights = torch.zeros(n, len(toy_words))
    for i, m in enumerate(metas):
        for k, x in concept_weights(m, vocab, toy_index).items():
            weights[i, k] = x
    presence = weights > 0
    concept_lists = [[toy_words[k] for k in torch.nonzero(presence[i]).flatten().tolist()] for i in range(n)]
    group_cols = {g: (torch.tensor([toy_index[w] for w in vocab[g]]), wt) for g, _, wt in GROUPS}
    group_labels = {g: torch.tensor([m[k] for m in metas]) for g, k, _ in GROUPS}

    before = evaluate(text, held_img, held_metas, vocab, index, toy_words, variants, canon, distractor_ids)
    print("  before:", json.dumps(before), flush=True)

    # Only the variants' token rows train: the projection and every other row stay as they were,
    # so the toy words' and distractors' embeddings (and the zero-shot accuracy) do not move.
    for p in text.parameters():
        p.requires_grad_(False)
    table0 = text.token_embedding.weight.detach().clone()
    var_rows = torch.nn.Parameter(table0[var_ids].clone())
    opt = torch.optim.Adam([var_rows], lr=args.lr)
    batch = 256
    steps = args.epochs * (n // batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.1)
    scale = SCALE
    with torch.no_grad():
        word_emb = F.normalize(text.words(toy_ids[var_of]), dim=-1)

    def caption(i):
        if rng.random() < 0.35:
            toks = TOKEN.findall(metas[i]["caption"])
        else:
            ws = concept_lists[i]
            toks = list(rng.choice(ws, size=int(rng.integers(1, min(4, len(ws)) + 1)), replace=False))
        need = [t for t in toks if t in toy_index]
        toks = [words[choices[toy_index[t]][int(rng.integers(len(choices[toy_index[t]])))]] if t in toy_index else t for t in toks]
        return [index.get(t, 1) for t in toks], need

    for epoch in range(args.epochs):
        order = torch.randperm(n, generator=gen)
        total = 0.0
        for s in range(n // batch):
            idx = order[s * batch : (s + 1) * batch]
            img = img_all[idx]
            table = table0.index_put((var_ids,), var_rows)
            words_of = lambda ids: text.projection(table[ids])
            sampled = distractor_ids[torch.randperm(len(distractor_ids), generator=gen)[:DISTRACTORS_PER_STEP]]
            # Every toy word replaced by one of its variants (or kept), drawn afresh each step.
            cols = torch.tensor([c[int(rng.integers(len(c)))] for c in choices])
            step_words = F.normalize(words_of(torch.cat([cols, sampled])), dim=-1)
            row_logits = scale * img @ step_words.T
            target = torch.zeros_like(row_logits)
            target[:, : len(toy_words)] = weights[idx]
            target = target / target.sum(1, keepdim=True)
            loss_row = -(target * F.log_softmax(row_logits, 1)).sum(1).mean()
            toy_emb = step_words[: len(toy_words)]
            col_target = presence[idx].T.float()
            has = col_target.sum(1) > 0
            col_target = col_target[has] / col_target[has].sum(1, keepdim=True)
            loss_col = -(col_target * F.log_softmax((scale * toy_emb @ img.T)[has], 1)).sum(1).mean()
            loss_group = sum(wt * F.cross_entropy(scale * img @ toy_emb[c].T, group_labels[g][idx]) for g, (c, wt) in group_cols.items())

            # Caption contrastive with variants in the captions; positives by concept containment.
            caps = [caption(i) for i in idx.tolist()]
            t_len = max(len(t) for t, _ in caps)
            ids = torch.zeros(batch, t_len, dtype=torch.long)
            mask = torch.zeros(batch, t_len, 1)
            need = torch.zeros(batch, len(toy_words), dtype=torch.bool)
            for r, (t, ws) in enumerate(caps):
                ids[r, : len(t)] = torch.tensor(t)
                mask[r, : len(t)] = 1
                for w in ws:
                    need[r, toy_index[w]] = True
            txt = F.normalize(text.projection((table[ids] * mask).sum(1) / mask.sum(1).clamp(min=1.0)), dim=-1)
            pos = ~(need.unsqueeze(1) & ~presence[idx].unsqueeze(0)).any(-1)
            diag = torch.arange(batch)
            pos[diag, diag] = True
            logits = scale * txt @ img.T
            pt = pos.float() / pos.float().sum(1, keepdim=True)
            pi = pos.T.float() / pos.T.float().sum(1, keepdim=True)
            loss_cap = 0.5 * (-(pt * F.log_softmax(logits, 1)).sum(1).mean() - (pi * F.log_softmax(logits.T, 1)).sum(1).mean())

            # Each variant's embedding towards its toy word's.
            loss_align = (1 - (F.normalize(words_of(var_ids), dim=-1) * word_emb).sum(1)).mean()

            loss = loss_row + loss_col + loss_group + 0.5 * loss_cap + ALIGN * loss_align
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item()
        print(f"  epoch {epoch + 1}/{args.epochs} loss {total / (n // batch):.4f} align {loss_align.item():.4f}", flush=True)

    with torch.no_grad():
        text.token_embedding.weight[var_ids] = var_rows
    after = evaluate(text, held_img, held_metas, vocab, index, toy_words, variants, canon, distractor_ids)
    print("  after:", json.dumps(after), flush=True)
    export(text, words, added, args.clip, after)


def evaluate(text, img, metas, vocab, index, toy_words, variants, canon, distractor_ids):
    """Held-out zero-shot per group with the toy words and with each variant in its word's place,
    the cosine of each variant to its word, and how often the true word or a variant of it beats
    every distractor."""
    text.eval()
    with torch.no_grad():
        emb = lambda ws: F.normalize(text.words(torch.tensor([index[w] for w in ws])), dim=-1)
        toy = emb(toy_words)
        var = emb(variants)
        dis = F.normalize(text.words(distractor_ids), dim=-1)
        best_dis = (img @ dis.T).max(1).values
        report = {"zeroShot": {}, "variantZeroShot": {}, "variantBeatsAllDistractors": {}, "cosine": {}}
        for g, key, _ in GROUPS:
            cols = [toy_words.index(w) for w in vocab[g]]
            truth = torch.tensor([m[key] for m in metas])
            sims = img @ toy[cols].T
            report["zeroShot"][g] = round((sims.argmax(1) == truth).float().mean().item(), 4)
            for j, w in enumerate(vocab[g]):
                for v in vocab["synonyms"].get(w, []):
                    if v not in index:
                        continue
                    s = sims.clone()
                    s[:, j] = img @ var[variants.index(v)]
                    here = truth == j
                    report["variantZeroShot"][v] = round((s.argmax(1)[here] == j).float().mean().item(), 4)
                    report["variantBeatsAllDistractors"][v] = round((s[here, j] > best_dis[here]).float().mean().item(), 4)
        for i, v in enumerate(variants):
            report["cosine"][f"{canon[v]}/{v}"] = round((var[i] @ toy[toy_words.index(canon[v])]).item(), 4)
    return report


def export(text, words, added, clip_dir, report):
    text.eval()
    ids = torch.ones(2, 5, dtype=torch.long)
    torch.onnx.export(
        text, (ids, torch.ones_like(ids)), os.path.join(clip_dir, "onnx", "text_model.onnx"),
        input_names=["input_ids", "attention_mask"], output_names=["text_embeds"],
        dynamic_axes={"input_ids": {0: "batch", 1: "sequence"}, "attention_mask": {0: "batch", 1: "sequence"}, "text_embeds": {0: "batch"}},
        opset_version=14,
    )
    with open(os.path.join(clip_dir, "tokenizer.json"), "w") as f:
        json.dump(tokenizer_json(words), f)
        f.write("\n")
    path = os.path.join(clip_dir, "config.json")
    config = json.load(open(path))
    config["text_config"]["vocab_size"] = len(words)
    config["toy"]["textFineTune"] = {
        "description": "text side fine-tuned with the image side frozen so plurals and synonyms of the toy words embed next to them (tools/toyworld/finetune_clip_text.py)",
        "addedTokens": added,
        "heldOutPython": report,
    }
    with open(path, "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    print(f"exported fine-tuned text side ({len(words)} tokens, {len(added)} added) -> {clip_dir}", flush=True)


if __name__ == "__main__":
    main()
