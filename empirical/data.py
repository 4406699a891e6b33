r"""The image data sets of the paper's experiments, as uint8 tensors, and their standard augmentation.

Fashion-MNIST is the embedded default: with no data root it is read from the IDX files Debian's
``dataset-fashion-mnist`` package installs under ``/usr/share/datasets/fashion-mnist`` (through
:mod:`mixverify.datasets`). Every other data set -- and Fashion-MNIST when a root is given -- comes through
torchvision's own dataset class from the user's ``data_root`` with ``download=False``: nothing is ever
downloaded. Where torchvision expects the files (torchvision 0.26-0.29)::

    fashion-mnist  ROOT/FashionMNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte
    kmnist         ROOT/KMNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte
    svhn           ROOT/train_32x32.mat, ROOT/test_32x32.mat            (md5-checked by torchvision)
    cifar10        ROOT/cifar-10-batches-py/{data_batch_1..5,test_batch,batches.meta}  (md5-checked)
    cifar100       ROOT/cifar-100-python/{train,test,meta}                               (md5-checked)

A missing or corrupt data set raises :class:`DataRootError` with one line naming those files.
Images are returned as uint8 (N, C, H, W) tensors read straight from the dataset's arrays (never through
PIL, one image at a time); the models normalise inside, so attacks work in [0, 1] pixel space.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from mixverify._validate import positive_int
from mixverify.datasets import FASHION_MNIST_ROOT, DatasetError, read_fashion_mnist

DATASETS = ("fashion-mnist", "kmnist", "svhn", "cifar10", "cifar100")

#: torchvision class, number of classes, and the files it expects under the root.
_TORCHVISION = {
    "fashion-mnist": ("FashionMNIST", 10, "FashionMNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte"),
    "kmnist": ("KMNIST", 10, "KMNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte"),
    "svhn": ("SVHN", 10, "train_32x32.mat and test_32x32.mat"),
    "cifar10": ("CIFAR10", 10, "cifar-10-batches-py/{data_batch_1..5,test_batch,batches.meta}"),
    "cifar100": ("CIFAR100", 100, "cifar-100-python/{train,test,meta}"),
}

#: Per-channel mean and standard deviation of each training set in [0, 1] (the constants in common use:
#: mixup-cifar10 / kuangliu for CIFAR, the training-set statistics for the others).
STATS = {
    "fashion-mnist": ((0.2860,), (0.3530,)),
    "kmnist": ((0.1918,), (0.3483,)),
    "svhn": ((0.4377, 0.4438, 0.4728), (0.1980, 0.2010, 0.1970)),
    "cifar10": ((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
    "cifar100": ((0.5071, 0.4865, 0.4409), (0.2673, 0.2564, 0.2762)),
}

#: Data sets whose standard augmentation includes a horizontal flip (digits and characters change under one).
FLIPPED = ("fashion-mnist", "cifar10", "cifar100")
PAD = 4  # RandomCrop(size, padding=4), as mixup-cifar10


class DataRootError(DatasetError):
    """A data set is missing, corrupt, or needs a ``--data-root`` (one-line message)."""


@dataclass(frozen=True)
class ImageData:
    name: str
    x_train: torch.Tensor  # uint8 (N, C, H, W)
    y_train: torch.Tensor  # int64 (N,)
    x_test: torch.Tensor
    y_test: torch.Tensor
    num_classes: int
    mean: tuple[float, ...]
    std: tuple[float, ...]
    source: str

    @property
    def channels(self) -> int:
        return int(self.x_train.shape[1])

    @property
    def shape(self) -> tuple[int, int, int]:
        return tuple(int(s) for s in self.x_train.shape[1:])


def describe_expected(name: str, data_root) -> str:
    cls, _, files = _TORCHVISION[name]
    return f"torchvision's {cls} expects {Path(data_root) if data_root else 'DIR'}/{files}"


def load(name: str, data_root=None, *, train_limit: int | None = None, test_limit: int | None = None,
         seed: int = 0) -> ImageData:
    """One data set as uint8 tensors; ``train_limit``/``test_limit`` keep a seeded, class-balanced subset."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    for what, limit in (("train_limit", train_limit), ("test_limit", test_limit)):
        _check_limit(limit, what)
    if data_root is None:
        if name != "fashion-mnist":
            raise DataRootError(f"{name} needs --data-root DIR ({describe_expected(name, None)}; "
                                "mixverify never downloads)")
        (x_tr, y_tr), (x_te, y_te) = (_debian_fashion_mnist(s) for s in ("train", "test"))
        source = FASHION_MNIST_ROOT
    else:
        (x_tr, y_tr), (x_te, y_te) = (_torchvision(name, data_root, train) for train in (True, False))
        source = str(Path(data_root))
    x_tr, y_tr = _subset(x_tr, y_tr, train_limit, seed, "train_limit")
    x_te, y_te = _subset(x_te, y_te, test_limit, seed + 1, "test_limit")
    mean, std = STATS[name]
    return ImageData(name, x_tr, y_tr, x_te, y_te, _TORCHVISION[name][1], mean, std, source)


def _debian_fashion_mnist(split: str):
    images, labels = read_fashion_mnist(split)  # read-only arrays shared with mixverify.datasets: copied here
    return torch.from_numpy(images.copy()).unsqueeze(1), torch.from_numpy(labels.astype(np.int64))


def _torchvision(name: str, data_root, train: bool):
    import torchvision.datasets as tvd

    cls = getattr(tvd, _TORCHVISION[name][0])
    root = os.fspath(data_root)
    try:
        ds = cls(root, split="train" if train else "test", download=False) if name == "svhn" else \
            cls(root, train=train, download=False)
    except (RuntimeError, OSError, ValueError, EOFError) as exc:
        why = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "download=True" in why:  # torchvision's advice does not apply: mixverify never downloads
            why = "files missing, or failing torchvision's checksum"
        raise DataRootError(f"{name}: not found or corrupt under {root!r} ({why}); {describe_expected(name, root)}; "
                            "mixverify never downloads") from None
    data = ds.data
    x = torch.as_tensor(np.asarray(data)) if not isinstance(data, torch.Tensor) else data
    if x.ndim == 3:  # MNIST family: (N, H, W)
        x = x.unsqueeze(1)
    elif name in ("cifar10", "cifar100"):  # (N, H, W, C)
        x = x.permute(0, 3, 1, 2)
    labels = ds.labels if name == "svhn" else ds.targets
    y = torch.as_tensor(np.asarray(labels), dtype=torch.int64)
    if x.dtype != torch.uint8 or x.shape[0] != y.shape[0]:
        raise DataRootError(f"{name}: unexpected data under {root!r}: {x.dtype} images, {x.shape[0]} images, "
                            f"{y.shape[0]} labels")
    return x.contiguous(), y


def _check_limit(limit, what):
    if limit is not None:
        positive_int(what, limit)


def _subset(x, y, limit, seed, what):
    if limit is None:
        return x, y
    if limit > len(y):
        raise ValueError(f"{what}={limit} exceeds the {len(y)} examples available")
    rng = np.random.default_rng(seed)
    labels = y.numpy()
    classes = np.unique(labels)
    # Class-balanced: every class gets floor(limit / K) examples (or all it has), the rest drawn at random.
    per = limit // len(classes)
    keep = [rng.permutation(np.flatnonzero(labels == c))[:per] for c in classes]
    chosen = np.concatenate(keep) if keep else np.empty(0, dtype=np.int64)
    rest = np.setdiff1d(np.arange(len(labels)), chosen)
    chosen = np.concatenate([chosen, rng.choice(rest, size=limit - len(chosen), replace=False)])
    idx = torch.as_tensor(np.sort(chosen))
    return x[idx], y[idx]


def augment(x: torch.Tensor, name: str, generator: torch.Generator) -> torch.Tensor:
    """Standard augmentation of a batch (N, C, H, W), on its own device, randomness from ``generator``:
    a random crop of the image zero-padded by 4 pixels on each side (``RandomCrop(H, padding=4)``), then,
    for Fashion-MNIST and CIFAR, a horizontal flip with probability 1/2 (none for SVHN digits and KMNIST
    characters). Same dtype and shape out."""
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; known: {', '.join(DATASETS)}")
    n, _, h, w = x.shape
    dy = torch.randint(0, 2 * PAD + 1, (n,), generator=generator).to(x.device)
    dx = torch.randint(0, 2 * PAD + 1, (n,), generator=generator).to(x.device)
    padded = torch.nn.functional.pad(x, (PAD, PAD, PAD, PAD))
    rows = (dy[:, None] + torch.arange(h, device=x.device)[None, :])  # (n, h)
    cols = (dx[:, None] + torch.arange(w, device=x.device)[None, :])  # (n, w)
    if name in FLIPPED:
        flip = (torch.rand(n, generator=generator) < 0.5).to(x.device)
        cols = torch.where(flip[:, None], cols.flip(1), cols)
    batch = torch.arange(n, device=x.device)[:, None, None, None]
    chan = torch.arange(x.shape[1], device=x.device)[None, :, None, None]
    return padded[batch, chan, rows[:, None, :, None], cols[:, None, None, :]]
