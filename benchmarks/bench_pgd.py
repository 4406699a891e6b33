"""Time of mixverify's PGD against torchattacks' PGD on the same model, data, steps and device.

Same work on both sides: l-infinity PGD with a uniform random start, ``--steps`` steps of size
``--alpha`` in a ball of radius ``--eps``, cross-entropy of a 10-class CNN, inputs kept in [0, 1].
mixverify is timed twice: with ``keep_best=False`` it runs the same algorithm (returns the last iterate);
by default it also keeps each example's best point, which costs two extra forward passes (the clean and
the last point). The ratio is torchattacks' time over ours (> 1: ours faster),
best of ``--repeat`` runs, in one process. torchattacks is installed by the bench env only.

Usage: python benchmarks/bench_pgd.py [--batch 256] [--steps 10] [--device cpu|cuda] [--threads N] [--repeat 5]
       [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import torch
import torch.nn.functional as F
from torch import nn

from mixverify import pgd


def cnn(classes=10):
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Linear(128, classes),
    )


def timed(fn, device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize()
    t = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter() - t


def best_times(a, b, repeat, device) -> tuple[float, float]:
    """Best of ``repeat`` runs of each, interleaved (a, b, a, b, ...) so that drifting machine load hits both."""
    a(), b()
    ta, tb = [], []
    for _ in range(repeat):
        ta.append(timed(a, device))
        tb.append(timed(b, device))
    return min(ta), min(tb)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--eps", type=float, default=8 / 255)
    p.add_argument("--alpha", type=float, default=2 / 255)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    p.add_argument("--json")
    args = p.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        import torchattacks
    except ImportError:
        raise SystemExit("bench_pgd needs torchattacks (tox -e bench installs it)") from None

    device = torch.device(args.device)
    torch.manual_seed(0)
    model = cnn().to(device).eval()
    X = torch.rand(args.batch, 1, 28, 28, device=device)
    y = torch.randint(0, 10, (args.batch,), device=device)
    gen = torch.Generator().manual_seed(0)

    def ours(keep_best=True):
        return pgd(model, X, y, args.eps, norm="inf", steps=args.steps, step_size=args.alpha, generator=gen,
                   loss=lambda out, yy: F.cross_entropy(out, yy, reduction="none"), bounds=(0.0, 1.0),
                   keep_best=keep_best)

    def ours_plain():
        return ours(keep_best=False)

    attack = torchattacks.PGD(model, eps=args.eps, alpha=args.alpha, steps=args.steps, random_start=True)

    def theirs():
        return attack(X, y)

    t_plain, t_theirs = best_times(ours_plain, theirs, args.repeat, device)
    t_ours, _ = best_times(ours, theirs, args.repeat, device)
    adv_ours, adv_theirs = ours(), theirs()
    with torch.no_grad():
        loss_ours = F.cross_entropy(model(adv_ours), y).item()
        loss_theirs = F.cross_entropy(model(adv_theirs), y).item()
    res = {"device": str(device), "machine": platform.processor() or platform.machine(), "torch": torch.__version__,
           "threads": torch.get_num_threads(), "batch": args.batch, "steps": args.steps,
           "mixverify_plain_s": t_plain, "mixverify_keep_best_s": t_ours,
           "torchattacks_s": t_theirs, "speed_ratio_plain": t_theirs / t_plain, "speed_ratio_keep_best": t_theirs / t_ours,
           "mean_ce_mixverify": loss_ours, "mean_ce_torchattacks": loss_theirs}
    where = f"{device} ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else f"{device} ({res['machine']})"
    res["device_name"] = where
    print(f"PGD l-inf, {args.steps} steps, batch {args.batch} of 1x28x28, 10-class CNN, {where}, "
          f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"torchattacks {t_theirs * 1e3:8.1f} ms")
    print(f"mixverify, same algorithm (keep_best=False) {t_plain * 1e3:8.1f} ms   ratio {t_theirs / t_plain:.2f}x "
          "(>1: mixverify faster)")
    print(f"mixverify, default (keep_best=True: + clean and last forward) {t_ours * 1e3:8.1f} ms   "
          f"ratio {t_theirs / t_ours:.2f}x")
    print(f"mean adversarial cross-entropy: mixverify {loss_ours:.4f}, torchattacks {loss_theirs:.4f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(res, fh, indent=2)
    return res


if __name__ == "__main__":
    main()
