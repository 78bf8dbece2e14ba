"""CLIP-Dissect similarity functions written as the reference does them (PyTorch, float32,
one neuron at a time). Used as the speed and agreement baseline by bench/similarity.ts.

Semantics: docs of the project (clip-dissect spec): soft_wpmi, wpmi, cos_similarity,
cos_similarity_cubed, rank_reorder with the reference's parameter names and defaults.
"""
import torch


def cos_similarity(clip_feats, target_feats):
    clip_feats = clip_feats / torch.norm(clip_feats, p=2, dim=0, keepdim=True)
    target_feats = target_feats / torch.norm(target_feats, p=2, dim=0, keepdim=True)
    return target_feats.T @ clip_feats


def cos_similarity_cubed(clip_feats, target_feats, min_norm=1e-3):
    clip_feats = clip_feats - torch.mean(clip_feats, dim=0, keepdim=True)
    target_feats = target_feats - torch.mean(target_feats, dim=0, keepdim=True)
    clip_feats = clip_feats ** 3
    target_feats = target_feats ** 3
    clip_feats = clip_feats / torch.clip(torch.norm(clip_feats, p=2, dim=0, keepdim=True), min_norm)
    target_feats = target_feats / torch.clip(torch.norm(target_feats, p=2, dim=0, keepdim=True), min_norm)
    return target_feats.T @ clip_feats


def soft_wpmi(clip_feats, target_feats, top_k=100, a=10, lam=1, min_prob=1e-7, p_start=0.998, p_end=0.97):
    with torch.no_grad():
        clip_feats = torch.nn.functional.softmax(a * clip_feats, dim=1)
        inds = torch.topk(target_feats, dim=0, k=top_k)[1]
        prob_d_given_e = []
        p_in_examples = p_start - (torch.arange(start=0, end=top_k) / top_k * (p_start - p_end)).unsqueeze(1)
        for orig_id in range(target_feats.shape[1]):
            curr_clip_feats = clip_feats.gather(0, inds[:, orig_id:orig_id + 1].expand(-1, clip_feats.shape[1]))
            curr_p_d_given_e = 1 + p_in_examples * (curr_clip_feats - 1)
            curr_p_d_given_e = torch.sum(torch.log(curr_p_d_given_e + min_prob), dim=0, keepdim=True)
            prob_d_given_e.append(curr_p_d_given_e)
        prob_d_given_e = torch.cat(prob_d_given_e, dim=0)
        # logsumexp over neurons: the prior of each concept
        prob_d = torch.logsumexp(prob_d_given_e, dim=0, keepdim=True) - torch.log(
            prob_d_given_e.shape[0] * torch.ones([1]))
        return prob_d_given_e - lam * prob_d


def wpmi(clip_feats, target_feats, top_k=28, a=2, lam=0.6, min_prob=1e-7):
    with torch.no_grad():
        clip_feats = torch.nn.functional.softmax(a * clip_feats, dim=1)
        inds = torch.topk(target_feats, dim=0, k=top_k)[1]
        prob_d_given_e = []
        for orig_id in range(target_feats.shape[1]):
            curr_clip_feats = clip_feats.gather(0, inds[:, orig_id:orig_id + 1].expand(-1, clip_feats.shape[1]))
            curr_p_d_given_e = torch.sum(torch.log(curr_clip_feats + min_prob), dim=0, keepdim=True)
            prob_d_given_e.append(curr_p_d_given_e)
        prob_d_given_e = torch.cat(prob_d_given_e, dim=0)
        prob_d = torch.logsumexp(prob_d_given_e, dim=0, keepdim=True) - torch.log(
            prob_d_given_e.shape[0] * torch.ones([1]))
        return prob_d_given_e - lam * prob_d


def rank_reorder(clip_feats, target_feats, p=3, top_fraction=0.05, scale_p=0.5):
    with torch.no_grad():
        errors = []
        top_n = int(target_feats.shape[0] * top_fraction)
        target_feats, inds = torch.topk(target_feats, dim=0, k=top_n)
        for orig_id in range(target_feats.shape[1]):
            clip_indices = clip_feats[inds[:, orig_id]]
            avg_clip = torch.mean(clip_indices, dim=0, keepdim=True)
            ranks = torch.argsort(torch.argsort(clip_indices, dim=0), dim=0)
            target = target_feats[:, orig_id:orig_id + 1]
            sorted_target = torch.flip(target, dims=[0])
            baseline = []
            for _ in range(5):
                baseline.append(torch.mean(torch.abs(sorted_target - sorted_target[torch.randperm(len(sorted_target))]) ** p))
            baseline = torch.mean(torch.stack(baseline))
            reorg = sorted_target.expand(-1, clip_indices.shape[1]).gather(dim=0, index=ranks)
            error = torch.mean(torch.abs(target - reorg) ** p, dim=0, keepdim=True) / baseline
            errors.append(error / avg_clip ** scale_p)
        return -torch.cat(errors, dim=0)


FUNCTIONS = {
    'soft_wpmi': soft_wpmi,
    'wpmi': wpmi,
    'cos_similarity': cos_similarity,
    'cos_similarity_cubed': cos_similarity_cubed,
    'rank_reorder': rank_reorder,
}


def run(name, clip_feats, target_feats, params):
    params = dict(params)
    if 'lambda' in params:
        params['lam'] = params.pop('lambda')
    return FUNCTIONS[name](clip_feats, target_feats, **params)

