"""Throughput of the exact Mixup loss (Eq. 1): mixverify vs a plain loop vs a numpy baseline.

All three do the same work: for every pair (i, j) and every Gauss--Jacobi node lambda_k, evaluate
f(lambda_k x_i + (1 - lambda_k) x_j) and the loss with mixed labels, and sum with the node weights.
Throughput is (pairs x nodes) per second, best of ``--repeat`` runs; ratios are taken within one run,
on one machine, in float64 on the CPU (or ``--device cuda``).

- ``plain loop``: Python loops over pairs, one torch call per pair (all nodes of that pair at once);
  run on a subset of rows because it is slow, and compared by throughput.
- ``numpy``: the same broadcasting in numpy (matmul-bound), one chunk of rows at a time.
- ``forward``: only the model's forward pass on as many inputs (n^2 x nodes rows, chunk by chunk), no mixing and no
  loss: the floor. ``vs forward`` (forward time / mixverify time) is the share of the loss's time spent in f; the
  K-class row (a tanh MLP with K = 10 class scores and integer labels, softmax cross-entropy) is compared with the
  binary tanh MLP by that share.

The plain loop runs on ``--device`` too (its per-pair ``float`` is a host synchronisation there, as in any
such loop); numpy always runs on the CPU. Prints the device, the torch version and the ratios.

Usage: python benchmarks/bench_mixup_loss.py [--n 256] [--d 32] [--nodes 32] [--device cpu|cuda] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import platform
import time

import numpy as np
import torch

from mixverify import mixup_lambda_law, mixup_loss


def device_name(dev: torch.device) -> str:
    if dev.type == "cuda":
        return f"{dev} ({torch.cuda.get_device_name(dev)})"
    return f"{dev} ({platform.processor() or platform.machine()})"


def best_time(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        if torch.cuda.is_available():
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    return min(times)


def plain_loop(f, X, y, lam, w):
    n = X.shape[0]
    total = 0.0
    lam_t = torch.as_tensor(lam, dtype=X.dtype, device=X.device)  # on X's device: the loop runs where X is
    w_t = torch.as_tensor(w, dtype=X.dtype, device=X.device)
    for i in range(n):
        for j in range(n):
            xm = lam_t[:, None] * X[i] + (1 - lam_t[:, None]) * X[j]
            out = f(xm)
            ym = lam_t * y[i] + (1 - lam_t) * y[j]
            total += float((w_t * (torch.nn.functional.softplus(out) - ym * out)).sum())
    return total / n**2


def forward_seconds(f, rows: int, d: int, dev, repeat: int) -> float:
    """Seconds of f alone on ``rows`` inputs, timed on one chunk of the size mixverify evaluates at once."""
    from mixverify.losses import CHUNK_ELEMENTS

    chunk = max(1, CHUNK_ELEMENTS // d)
    Z = torch.randn(chunk, d, dtype=torch.float64, device=dev)
    with torch.no_grad():
        return best_time(lambda: f(Z), repeat) * rows / chunk


def numpy_baseline(params, X, y, lam, w, rows=16):
    n, d = X.shape
    total = 0.0
    for s in range(0, n, rows):
        Xi, yi = X[s:s + rows], y[s:s + rows]
        mixed = lam[:, None, None, None] * Xi[None, :, None, :] + (1 - lam[:, None, None, None]) * X[None, None, :, :]
        flat = mixed.reshape(-1, d)
        if "theta" in params:
            out = flat @ params["theta"]
        else:
            out = np.tanh(flat @ params["W"].T + params["b"]) @ params["v"]
        out = out.reshape(len(lam), Xi.shape[0], n)
        label = lam[:, None, None] * yi[None, :, None] + (1 - lam[:, None, None]) * y[None, None, :]
        total += float((w[:, None, None] * (np.logaddexp(0.0, out) - label * out)).sum())
    return total / n**2


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n", type=int, default=256)
    p.add_argument("--d", type=int, default=32)
    p.add_argument("--nodes", type=int, default=32)
    p.add_argument("--width", type=int, default=64)
    p.add_argument("--loop-rows", type=int, default=16, help="rows used by the (slow) plain loop")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--device", default="cpu")
    p.add_argument("--json", help="write the results to this path")
    args = p.parse_args(argv)

    rng = np.random.default_rng(0)
    Xn = rng.normal(size=(args.n, args.d))
    yn = (rng.uniform(size=args.n) > 0.5).astype(float)
    lam, w = mixup_lambda_law(1.0, 1.0).quadrature(args.nodes)
    lam, w = np.array(lam), np.array(w)
    params = {
        "logistic regression": {"theta": rng.normal(size=args.d)},
        f"tanh MLP (width {args.width})": {"W": rng.normal(size=(args.width, args.d)) / np.sqrt(args.d),
                                          "b": rng.normal(size=args.width),
                                          "v": rng.normal(size=args.width) / np.sqrt(args.width)},
    }
    dev = torch.device(args.device)
    X = torch.as_tensor(Xn, device=dev)
    y = torch.as_tensor(yn, device=dev)
    results = {"machine": platform.processor() or platform.machine(), "torch": torch.__version__,
               "threads": torch.get_num_threads(), "device": str(dev), "device_name": device_name(dev), "n": args.n,
               "d": args.d,
               "nodes": args.nodes, "models": {}}
    print(f"exact Mixup loss, n={args.n} ({args.n ** 2} pairs), d={args.d}, {args.nodes} nodes, float64, "
          f"{device_name(dev)}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'model':<24} {'mixverify':>14} {'numpy':>14} {'plain loop':>14} {'vs numpy':>9} {'vs loop':>9} "
          f"{'vs forward':>10}")
    Xm, ym = X[:args.loop_rows], y[:args.loop_rows]
    for name, prm in params.items():
        t = {k: torch.as_tensor(v, device=dev) for k, v in prm.items()}
        if "theta" in t:
            def f(Z, t=t):
                return Z @ t["theta"]
        else:
            def f(Z, t=t):
                return torch.tanh(Z @ t["W"].T + t["b"]) @ t["v"]
        work = args.n**2 * args.nodes
        ours = work / best_time(lambda f=f: mixup_loss(f, X, y, 1.0, 1.0, nodes=args.nodes), args.repeat)
        base = work / best_time(lambda prm=prm: numpy_baseline(prm, Xn, yn, lam, w), args.repeat)
        loop_work = args.loop_rows**2 * args.nodes
        loop = loop_work / best_time(lambda f=f: plain_loop(f, Xm, ym, lam, w), 1)
        # same number from all three (on the loop's subset for the loop)
        check = abs(float(mixup_loss(f, X, y, 1.0, 1.0, nodes=args.nodes)) - numpy_baseline(prm, Xn, yn, lam, w))
        share = forward_seconds(f, work, args.d, dev, args.repeat) * ours / work
        results["models"][name] = {"mixverify_per_s": ours, "numpy_per_s": base, "plain_loop_per_s": loop,
                                   "ratio_vs_numpy": ours / base, "ratio_vs_loop": ours / loop,
                                   "forward_share": share, "abs_diff_vs_numpy": check}
        print(f"{name:<24} {ours:>14.3e} {base:>14.3e} {loop:>14.3e} {ours / base:>8.2f}x {ours / loop:>8.1f}x "
              f"{share:>9.2f}")
    k = 10
    Wk = torch.as_tensor(params[f"tanh MLP (width {args.width})"]["W"], device=dev)
    bk = torch.as_tensor(params[f"tanh MLP (width {args.width})"]["b"], device=dev)
    Vk = torch.as_tensor(rng.normal(size=(args.width, k)) / np.sqrt(args.width), device=dev)
    yk = torch.as_tensor(rng.integers(0, k, size=args.n), device=dev)

    def fk(Z):
        return torch.tanh(Z @ Wk.T + bk) @ Vk

    work = args.n**2 * args.nodes
    ours = work / best_time(lambda: mixup_loss(fk, X, yk, 1.0, 1.0, nodes=args.nodes), args.repeat)
    share = forward_seconds(fk, work, args.d, dev, args.repeat) * ours / work
    name = f"tanh MLP, {k} classes"
    results["models"][name] = {"mixverify_per_s": ours, "forward_share": share}
    print(f"{name:<24} {ours:>14.3e} {'-':>14} {'-':>14} {'-':>9} {'-':>9} {share:>9.2f}")
    print("(pairs x nodes per second; ratios are mixverify's throughput over the baseline's; vs forward: the share of "
          "mixverify's time that the model's own forward pass takes, 1 = no overhead)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
    return results


if __name__ == "__main__":
    main()
