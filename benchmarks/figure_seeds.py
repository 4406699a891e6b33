"""How many training seeds the smoke figures must average: the spread of one seed's answer.

For training seeds 0 .. N-1 this trains (or reuses, from the figures' run cache) the smoke preset's runs of
one training seed (Figure 1a's ERM and Mixup(5, 0.5) WRN-16-1 pair; the ERM and Mixup(1, 1) ResNet-18 runs
without and with augmentation that Figures 1b and 5-8 share), each on its seed's data subset, and
computes each decision statistic on that seed alone (positive = the paper's ordering):

- ``fgsm``: Mixup's FGSM accuracy minus ERM's, averaged over eps > 0 (Figure 1a);
- ``gap``, ``gap+aug``: ERM's generalization gap minus Mixup's, mean of the last quarter of the epochs,
  without and with augmentation (Figures 1b and 5-8; 1b uses ``gap`` only).

A figure that decides on the mean of K seeds reverses an ordering when that mean is <= 0; with a statistic
approximately normal over seeds (mean mu, standard deviation sigma) that happens with probability

    p_K = Phi(-mu sqrt(K) / sigma),

and a sweep over S seeds changes the status at least once with probability 1 - (1 - p_K)^S (summed over the
statistics a figure needs, a union bound). The script prints mu, sigma (sample estimates, with mu's
standard error), the seeds with a reversed ordering, and these probabilities for K = 1 .. 6 and S = 20, the
false-alarm target of benchmarks/false_alarms.py.

Results are appended per seed to a JSON-lines file (resumable: ``--out`` is read back first).

Usage: python benchmarks/figure_seeds.py [--seeds 30] [--fgsm-seeds 60] [--out figure_seeds.jsonl] [--runs DIR] [--sweep 20]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy.stats import norm

STATISTICS = ("fgsm", "gap", "gap+aug")


def one_seed(t: int, fig_id: str, runs_dir: Path) -> dict:
    """The statistics of training seed ``t`` for figure ``fig_id`` ("1a": fgsm; "7": gap, gap+aug) and the
    clean test accuracies."""
    from mixverify.empirical import data as data_mod
    from mixverify.empirical import figures
    from mixverify.empirical.train import run

    preset = figures.PRESETS["smoke"]
    images = data_mod.load(preset.dataset, None, train_limit=preset.train_limit, test_limit=preset.test_limit,
                           seed=t)
    row = {"seed": t, "figure": fig_id}
    fig = figures.FIGURES[fig_id]
    group = {label: run(config, images, runs_dir / config.key(), progress=False)
             for label, config in figures.run_configs(fig, preset, preset.dataset, seed=t).items()}
    if fig.kind == "robustness":
        row["fgsm"] = figures._robustness([(t, images, group)], preset)["mean_over_eps"]["difference"]
    else:
        for c in figures._generalization([(t, images, group)])["comparison"]:
            row["gap+aug" if c["augment"] else "gap"] = c["gap_erm"] - c["gap_mixup"]
    row["test_acc"] = {label: r.metrics[-1]["test_acc"] for label, r in group.items()}
    return row


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--seeds", type=int, default=30, help="training seeds 0 .. N-1 (default 30)")
    p.add_argument("--fgsm-seeds", type=int, default=None, help="Figure 1a's training seeds (default: --seeds)")
    p.add_argument("--out", type=Path, default=Path("figure_seeds.jsonl"))
    p.add_argument("--runs", type=Path, default=None, help="run cache (default $MIXVERIFY_CACHE/empirical)")
    p.add_argument("--sweep", type=int, default=20, help="seeds of the false-alarm sweep (default 20)")
    args = p.parse_args(argv)
    from mixverify.empirical import figures

    runs_dir = args.runs or figures.default_runs_dir()
    done = {}
    if args.out.exists():
        for line in args.out.read_text().splitlines():
            row = json.loads(line)
            for s in STATISTICS:
                if s in row:
                    done[(row["seed"], s)] = row[s]
    seeds = {"fgsm": args.fgsm_seeds or args.seeds, "gap": args.seeds, "gap+aug": args.seeds}
    with args.out.open("a") as fh:
        for t in range(max(seeds.values())):
            for fig_id, stat in (("1a", "fgsm"), ("7", "gap")):
                if t < seeds[stat] and (t, stat) not in done:
                    row = one_seed(t, fig_id, runs_dir)
                    done.update({(t, s): row[s] for s in STATISTICS if s in row})
                    fh.write(json.dumps(row) + "\n")
                    fh.flush()
            print(f"seed {t:3d}  " + "  ".join(f"{s} {done[(t, s)]:+.4f}" for s in STATISTICS if (t, s) in done),
                  flush=True)
    k_used = figures.PRESETS["smoke"].seeds
    p_flip = {}
    for s in STATISTICS:
        d = np.array([done[(t, s)] for t in range(seeds[s])])
        mu, sigma = float(d.mean()), float(d.std(ddof=1))
        reversed_ = [t for t in range(seeds[s]) if done[(t, s)] <= 0]
        print(f"{s}: {len(d)} seeds, mean {mu:+.4f} (standard error {sigma / math.sqrt(len(d)):.4f}), "
              f"sd {sigma:.4f}, min {d.min():+.4f}; ordering reversed on seeds {reversed_ or 'none'}")
        p_flip[s] = {k: float(norm.cdf(-mu * math.sqrt(k) / sigma)) for k in range(1, 7)}
    print(f"P(a status change in a {args.sweep}-seed sweep), figure by figure, K training seeds averaged:")
    for name, stats in (("figure-1a", ("fgsm",)), ("figure-1b", ("gap",)), ("figures 5-8", ("gap", "gap+aug"))):
        cells = []
        for k in range(1, 7):
            p_k = min(1.0, sum(p_flip[s][k] for s in stats))
            cells.append(f"K={k}: {1 - (1 - p_k) ** args.sweep:.3f}")
        print(f"  {name:<12} " + "  ".join(cells))
    print(f"the smoke preset averages K = {k_used}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
