"""Times the reference similarity function (PyTorch, per-neuron loop) on .npy inputs.

usage: /usr/bin/python3 bench/python/time_similarity.py P.npy A.npy OUT.json
       [--fn soft_wpmi] [--params JSON] [--threads 2] [--repeat 1]
Writes {"seconds" (fastest), "first_seconds" (first call), "cpu_seconds" (all threads), "labels", "neurons"}
to OUT.json.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import reference_similarity  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('clip_feats')
    ap.add_argument('target_feats')
    ap.add_argument('out')
    ap.add_argument('--fn', default='soft_wpmi')
    ap.add_argument('--params', default='{}')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--repeat', type=int, default=1, help='runs; the fastest wall and CPU times are reported')
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    clip_feats = torch.from_numpy(np.load(args.clip_feats, mmap_mode='r').astype(np.float32))
    target_feats = torch.from_numpy(np.load(args.target_feats).astype(np.float32))
    seconds, cpu_seconds, first = float('inf'), float('inf'), None
    for _ in range(max(1, args.repeat)):
        start, cpu_start = time.perf_counter(), time.process_time()
        scores = reference_similarity.run(args.fn, clip_feats, target_feats, json.loads(args.params))
        elapsed = time.perf_counter() - start
        # the first call of a fresh process, as when the reference script is run once
        first = elapsed if first is None else first
        seconds = min(seconds, elapsed)
        cpu_seconds = min(cpu_seconds, time.process_time() - cpu_start)
    labels = torch.argmax(scores, dim=1).tolist()
    with open(args.out, 'w') as f:
        json.dump({'seconds': seconds, 'first_seconds': first, 'cpu_seconds': cpu_seconds, 'labels': labels,
                   'neurons': scores.shape[0]}, f)


if __name__ == '__main__':
    main()
