"""The reference's labelling step as one command, the counterpart of `atlas score` for whole-process
timings: loads P and A from .npy (np.load, as the reference's scripts do), runs the PyTorch
per-neuron loop (reference_similarity.py), takes each neuron's best concept and writes
unit,label,score CSV.

usage: /usr/bin/python3 bench/python/score_reference.py P.npy A.npy OUT.csv
       [--fn soft_wpmi] [--params JSON] [--threads 2] [--timings]
--timings prints one JSON line on stderr with the same fields as `atlas score --timings`.
"""
import time

T0 = time.perf_counter()  # before the imports below

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402


def seconds_since_process_start():
    """Seconds since this process started (Linux; 0 where /proc does not say)."""
    try:
        with open('/proc/self/stat') as f:
            start_ticks = int(f.read().rsplit(')', 1)[1].split()[19])
        with open('/proc/uptime') as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - start_ticks / os.sysconf('SC_CLK_TCK'))
    except (OSError, ValueError, IndexError):
        return 0.0


def main():
    # interpreter start-up: from the process's start to this script's first line
    startup = max(0.0, seconds_since_process_start() - (time.perf_counter() - T0))
    steps = {'startup': startup}
    cpu_steps = {'startup': time.process_time()}
    last = [time.perf_counter(), time.process_time()]

    def mark(step):
        now, cpu = time.perf_counter(), time.process_time()
        steps[step] = steps.get(step, 0.0) + now - last[0]
        cpu_steps[step] = cpu_steps.get(step, 0.0) + cpu - last[1]
        last[0], last[1] = now, cpu

    ap = argparse.ArgumentParser()
    ap.add_argument('clip_feats')
    ap.add_argument('target_feats')
    ap.add_argument('out')
    ap.add_argument('--fn', default='soft_wpmi')
    ap.add_argument('--params', default='{}')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--timings', action='store_true')
    args = ap.parse_args()

    import numpy as np
    import torch
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import reference_similarity
    torch.set_num_threads(args.threads)
    mark('imports')

    clip_feats = torch.from_numpy(np.load(args.clip_feats).astype(np.float32, copy=False))
    target_feats = torch.from_numpy(np.load(args.target_feats).astype(np.float32, copy=False))
    mark('read')
    scores = reference_similarity.run(args.fn, clip_feats, target_feats, json.loads(args.params))
    mark('scores')
    best, label = torch.max(scores, dim=1)
    mark('labels')
    with open(args.out, 'w') as f:
        f.write('unit,label,score\n')
        for unit, (c, s) in enumerate(zip(label.tolist(), best.tolist())):
            f.write(f'{unit},{c},{s}\n')
    mark('write')

    if args.timings:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({
            'timings': {k: round(v, 3) for k, v in steps.items()},
            'cpu_timings': {k: round(v, 3) for k, v in cpu_steps.items()},
            'total': round(startup + time.perf_counter() - T0, 3),
            'cpu': round(usage.ru_utime + usage.ru_stime, 3),
            'cpu_system': round(usage.ru_stime, 3),
            'peak_rss_mb': round(usage.ru_maxrss / 1024),
            'minor_page_faults': usage.ru_minflt,
        }), file=sys.stderr)


if __name__ == '__main__':
    main()
