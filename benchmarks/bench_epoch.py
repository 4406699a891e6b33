"""Time of one Mixup training epoch of empirical.train against a plain reference loop, as a ratio in one run.

Ours: ``empirical.train.Trainer.train_epoch``, the loop ``empirical.train.run`` uses (uint8 images on the
device, batches gathered there, the epoch's random numbers drawn up front, no host synchronisation per
batch; on CUDA bfloat16/float16 autocast and channels_last). Reference: the style of
facebookresearch/mixup-cifar10's ``train.py`` -- a ``DataLoader`` over a ``TensorDataset`` of float
images in [0, 1] (shuffled, ``--workers`` worker processes), per batch ``np.random.beta`` and
``torch.randperm``, ``.cuda()`` per batch, ``loss.item()`` and the accuracy count per batch, float32,
default memory layout. Same network (identical initial weights), batch 64, SGD (lr 0.1, momentum 0.9,
weight decay 1e-4), data (random uint8 images, random labels), device and number of images; cuDNN
autotuning on for both (as mixup-cifar10). Each side runs one warm-up epoch, then ``--repeats`` timed
epochs interleaved (ours, reference, ours, ...); the best of each is reported as images/second, and the
ratio ours/reference (> 1: ours faster). On CUDA ours replays a CUDA graph of the whole training step
(``empirical.train.StepGraph``), and the JSON also holds, after the timed epochs, the time of one graph
replay against one eager step of the same mini-batch (CUDA events, the mean over ``--step-repeats`` steps)
and the step's own GPU time (the sum of its kernels' durations, from torch.profiler): how close the replay
comes to the card's limit. The issue's targets on a GPU: >= 3x for PreAct ResNet-18, >= 2x for WRN-16-8.

Usage: python benchmarks/bench_epoch.py [--device auto|cpu|cuda] [--images 2048] [--width 16] [--repeats 3]
       [--model preact-resnet18|wrn-16-8] [--threads N] [--workers 0] [--step-repeats 20] [--json PATH]
"""

from __future__ import annotations

import argparse
import copy
import json
import platform
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
from mixverify.empirical.models import MODELS, build_model
from mixverify.empirical.train import RunConfig, Trainer, resolve_device
from torch import nn

from mixverify.io import write_text

CIFAR_MEAN, CIFAR_STD = (0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)  # mixup-cifar10's constants


def synthetic(images: int, seed: int = 0) -> SimpleNamespace:
    """CIFAR-10-shaped random data with the attributes ``Trainer`` reads from an ``ImageData``."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randint(0, 256, (images, 3, 32, 32), generator=g, dtype=torch.uint8)
    y = torch.randint(0, 10, (images,), generator=g)
    return SimpleNamespace(name="cifar10", x_train=x, y_train=y, x_test=x[:1], y_test=y[:1], num_classes=10,
                           mean=CIFAR_MEAN, std=CIFAR_STD, channels=3, source="synthetic")


def reference_epoch(model: nn.Module, loader, optimizer, device: torch.device, alpha: float) -> float:
    """One epoch as mixup-cifar10's ``train()``: returns the mean training objective over batches."""
    criterion = nn.CrossEntropyLoss()
    use_cuda = device.type == "cuda"
    model.train()
    train_loss, correct, total, batches = 0.0, 0.0, 0, 0
    for inputs, targets in loader:
        if use_cuda:
            inputs, targets = inputs.cuda(device), targets.cuda(device)
        lam = np.random.beta(alpha, alpha)
        index = torch.randperm(inputs.size(0))
        index = index.cuda(device) if use_cuda else index
        mixed = lam * inputs + (1 - lam) * inputs[index, :]
        targets_a, targets_b = targets, targets[index]
        outputs = model(mixed)
        loss = lam * criterion(outputs, targets_a) + (1 - lam) * criterion(outputs, targets_b)
        train_loss += loss.item()
        _, predicted = torch.max(outputs.data, 1)
        total += targets.size(0)
        correct += float(lam * predicted.eq(targets_a.data).cpu().sum() + (1 - lam) * predicted.eq(targets_b.data).cpu().sum())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        batches += 1
    return train_loss / batches


def timed(fn, device: torch.device) -> float:
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    t = time.perf_counter()
    fn()
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    return time.perf_counter() - t


def step_times(trainer: Trainer, repeats: int) -> dict:
    """CUDA, after the timed epochs: one replay of the trainer's captured step against one eager step of the same
    full mini-batches (ms, CUDA events around ``repeats`` back-to-back steps), and the eager step's GPU kernel time
    (ms, the sum of kernel durations from torch.profiler; None with the reason if the profiler fails). These are
    extra training steps of the benchmark's model, taken after the epochs were timed."""
    g = trainer.step_graph
    if g is None or not g.captured:
        return {"graph_replay_ms": None, "graph_off": trainer.graph_off or "no graph was captured"}
    b = g.batch_size
    reps = min(repeats, g.x.shape[0] // b)
    trainer.model.train()

    def eager(k):
        i = k * b
        lam, p = (None, None) if g.lams is None else (g.lams[k], g.perms[i:i + b])
        trainer._step(g.x[i:i + b], g.y[i:i + b], lam, p)

    def replays():
        g.step.zero_()  # the graph gathers batch `step` of the loaded epoch: stay within it
        for _ in range(reps):
            g.replay()

    def eagers():
        for k in range(reps):
            eager(k)

    def per_step_ms(fn):
        fn()  # warm
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        torch.cuda.synchronize()
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        return start.elapsed_time(end) / reps

    out = {"steps": reps, "batch_size": b, "graph_replay_ms": per_step_ms(replays), "eager_step_ms": per_step_ms(eagers)}
    out["eager_over_replay"] = out["eager_step_ms"] / out["graph_replay_ms"]
    try:
        from torch.profiler import ProfilerActivity, profile

        with profile(activities=[ProfilerActivity.CUDA]) as prof:
            eagers()
            torch.cuda.synchronize()
        total_us = sum(getattr(e, "self_device_time_total", getattr(e, "self_cuda_time_total", 0))
                       for e in prof.key_averages())
        if not total_us > 0:
            raise RuntimeError("the profiler recorded no GPU kernel time")
        out["step_kernel_ms"] = total_us / 1e3 / reps
        out["replay_over_kernels"] = out["graph_replay_ms"] / out["step_kernel_ms"]
    except Exception as exc:  # CUPTI unavailable, etc.: say so, keep the rest
        out["step_kernel_ms"] = None
        out["profiler_error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    return out


def device_name(device: torch.device) -> str:
    if device.type == "cuda":
        return f"{torch.cuda.get_device_name(device)} (CUDA {torch.version.cuda})"
    return f"CPU {platform.processor() or platform.machine()}, {torch.get_num_threads()} thread(s)"


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="auto")
    p.add_argument("--images", type=int, default=2048, help="training images per epoch (default 2048)")
    p.add_argument("--width", type=int, default=None,
                   help="preact-resnet18 base width / WRN widen factor (default: the paper's, 64 / 8)")
    p.add_argument("--model", default="preact-resnet18", choices=MODELS)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--alpha", type=float, default=1.0, help="Mixup's Beta(alpha, alpha) (mixup-cifar10's default 1)")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's)")
    p.add_argument("--workers", type=int, default=0, help="the reference DataLoader's worker processes")
    p.add_argument("--step-repeats", type=int, default=20, help="CUDA: steps timed for the graph replay vs eager")
    p.add_argument("--json", default=None, help="also write the result to this JSON file")
    args = p.parse_args(argv)
    for name in ("images", "repeats", "step_repeats"):
        if getattr(args, name) <= 0:
            p.error(f"--{name} must be a positive integer, got {getattr(args, name)}")
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    if device.type == "cuda":
        torch.backends.cudnn.benchmark = True

    data = synthetic(args.images)
    config = RunConfig(dataset="cifar10", model=args.model, width=args.width, method="mixup", alpha=args.alpha,
                       beta=args.alpha, epochs=args.repeats + 1, batch_size=64, eval_train_limit=None).validate()
    ours = Trainer(config, data, device)

    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(config.seed)
        ref_model = build_model(args.model, 3, 10, width=args.width, mean=CIFAR_MEAN, std=CIFAR_STD)
    ref_model.load_state_dict(copy.deepcopy({k: v.cpu() for k, v in ours.model.state_dict().items()}))
    ref_model = ref_model.to(device)
    ref_opt = torch.optim.SGD(ref_model.parameters(), lr=config.lr, momentum=config.momentum,
                              weight_decay=config.weight_decay)
    dataset = torch.utils.data.TensorDataset(data.x_train.float().div(255), data.y_train)
    loader = torch.utils.data.DataLoader(dataset, batch_size=64, shuffle=True, num_workers=args.workers)
    np.random.seed(0)
    torch.manual_seed(0)

    def run_ours():
        ours.train_epoch()

    def run_reference():
        reference_epoch(ref_model, loader, ref_opt, device, args.alpha)

    run_ours(), run_reference()  # warm-up: allocator, cuDNN autotuning, worker start
    t_ours, t_ref = [], []
    for _ in range(args.repeats):
        t_ours.append(timed(run_ours, device))
        t_ref.append(timed(run_reference, device))
    result = {
        "device": device_name(device), "torch": str(torch.__version__), "model": args.model,
        "width": args.width, "images": args.images, "batch_size": 64, "repeats": args.repeats,
        "amp": str(ours.amp_dtype).removeprefix("torch.") if ours.amp_dtype is not None else "float32",
        "ours_images_per_s": args.images / min(t_ours), "reference_images_per_s": args.images / min(t_ref),
        "ours_seconds": t_ours, "reference_seconds": t_ref,
    }
    result["ratio"] = result["ours_images_per_s"] / result["reference_images_per_s"]
    if device.type == "cuda":
        result["step"] = step_times(ours, args.step_repeats)
    width = args.width if args.width is not None else "paper"
    print(f"one Mixup epoch, {args.model} (width {width}), {args.images} images, batch 64 on {result['device']}, "
          f"torch {torch.__version__}")
    print(f"  ours      ({result['amp']}{', channels_last' if device.type == 'cuda' else ''}): "
          f"{result['ours_images_per_s']:9.1f} images/s (best of {args.repeats})")
    print(f"  reference (float32, DataLoader): {result['reference_images_per_s']:9.1f} images/s")
    print(f"  ratio ours/reference: {result['ratio']:.2f}")
    if "step" in result:
        st = result["step"]
        if st.get("graph_replay_ms") is None:
            print(f"  training step: no CUDA graph ({st.get('graph_off')})")
        else:
            kernels = st.get("step_kernel_ms")
            print(f"  training step: graph replay {st['graph_replay_ms']:.3f} ms, eager {st['eager_step_ms']:.3f} ms "
                  f"(eager/replay {st['eager_over_replay']:.2f}x), GPU kernels "
                  + (f"{kernels:.3f} ms (replay/kernels {st['replay_over_kernels']:.2f}x)" if kernels is not None
                     else f"not measured ({st.get('profiler_error')})"))
    if args.json:
        write_text(Path(args.json), json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main()
