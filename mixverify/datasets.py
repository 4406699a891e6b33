r"""Data sets shared by the claims and the empirical figures: two moons and Fashion-MNIST.

Labels are int64 class indices everywhere in this module; cast them with ``y.to(X.dtype)`` for the
GLM loss of Eq. (2), which takes real labels in [0, 1].

Fashion-MNIST is read from the gzip-compressed IDX files that Debian's ``dataset-fashion-mnist``
package installs under ``/usr/share/datasets/fashion-mnist`` (nothing is downloaded). The IDX format
(LeCun et al.): a big-endian header -- magic number ``0x0000 08 0D`` where ``08`` = unsigned byte data
and ``D`` = number of dimensions (2051 for the 3-d image files, 2049 for the 1-d label files) -- then
D big-endian uint32 sizes, then the data, row-major. A missing, truncated or corrupt file raises a
one-line :class:`DatasetError` (a ``ValueError``; :class:`DatasetMissing`, also a
``FileNotFoundError``, when a file is absent) naming the file. :func:`read_fashion_mnist` is the one
reader of these files (raw uint8 arrays); :func:`fashion_mnist` here and ``empirical.data`` build on it.
"""

from __future__ import annotations

import gzip
import os
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

from . import _validate

FASHION_MNIST_ROOT = "/usr/share/datasets/fashion-mnist"
FASHION_MNIST_FILES = {
    "train": ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"),
    "test": ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"),
}
FASHION_MNIST_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                         "Bag", "Ankle boot")
IDX_IMAGES, IDX_LABELS = 2051, 2049  # 0x00000803: ubyte, 3 dims; 0x00000801: ubyte, 1 dim


class DatasetError(ValueError):
    """A data file is unreadable, truncated or not in the expected format (one-line message)."""


class DatasetMissing(DatasetError, FileNotFoundError):
    """A data file is absent (one-line message naming the path and the package that provides it)."""


def two_moons(n: int, *, noise: float = 0.1, seed: int, centre: bool = True,
              dtype: torch.dtype = torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    r"""``n`` points of scikit-learn's ``make_moons(n, noise=noise, random_state=seed)``: X (n, 2), y (n,) in {0, 1}.

    ``centre=True`` subtracts the sample mean of X. Theorems 3.1 and 3.3 are stated for centred data:
    their proofs drop the first-order regularizer R1 of Lemma 3.1 using
    :math:`\mathbb E_{r_x}[r_x] = \frac1n\sum_j x_j = 0`, so only on centred inputs does the Mixup loss
    compare with the adversarial loss as the theorems say (``make_moons`` is centred at (0.5, 0.25)).
    """
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
        raise ValueError(f"n must be an integer >= 2, got {n!r}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    try:
        from sklearn.datasets import make_moons
    except ImportError:
        raise ImportError("two_moons needs scikit-learn (pip install scikit-learn)") from None
    X, y = make_moons(n_samples=int(n), noise=float(noise), random_state=seed)
    if centre:
        X = X - X.mean(axis=0)
    return torch.as_tensor(X, dtype=dtype), torch.as_tensor(y, dtype=torch.int64)


def fashion_mnist(split: str = "train", *, root: str | os.PathLike = FASHION_MNIST_ROOT, classes=None,
                  limit: int | None = None, seed: int | None = None,
                  dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Fashion-MNIST images (n, 1, 28, 28) in [0, 1] and int64 labels (n,), in file order.

    ``classes=(a, b)`` keeps two classes and relabels a -> 0, b -> 1 (a binary task for the logistic
    claims). ``limit`` keeps a random subset of that many examples, drawn with ``seed`` (required then)
    and returned in file order.
    """
    images, labels = read_fashion_mnist(split, root)
    keep = np.arange(len(labels))
    if classes is not None:
        a, b = _two_classes(classes)
        keep = np.flatnonzero((labels == a) | (labels == b))
    if limit is not None:
        limit = _validate.positive_int("limit", limit)
        if seed is None:
            raise ValueError("limit needs a seed (the subset is drawn at random)")
        if limit > len(keep):
            raise ValueError(f"limit={limit} exceeds the {len(keep)} examples available")
        keep = np.sort(np.random.default_rng(seed).choice(keep, size=int(limit), replace=False))

    X = torch.as_tensor(images[keep], dtype=dtype).div_(255).unsqueeze(1)
    y = labels[keep].astype(np.int64)
    if classes is not None:
        y = (y == b).astype(np.int64)
    return X, torch.as_tensor(y)


def read_fashion_mnist(split: str = "train", root: str | os.PathLike | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The raw Fashion-MNIST ``split`` ("train" or "test") under ``root`` (default :data:`FASHION_MNIST_ROOT`):
    uint8 images (n, 28, 28) and uint8 labels (n,) in 0..9, in file order.

    The arrays are read-only and shared: each file is parsed once per version (path, modification time, size)
    and cached, so copy them before writing. A missing file raises :class:`DatasetMissing`, a corrupt one or
    a mismatch between the two files :class:`DatasetError`, each with one line naming the file.
    """
    if split not in FASHION_MNIST_FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    images_name, labels_name = FASHION_MNIST_FILES[split]
    root = Path(FASHION_MNIST_ROOT if root is None else root)
    images = _read_idx_cached(*_stat(root / images_name), IDX_IMAGES)
    labels = _read_idx_cached(*_stat(root / labels_name), IDX_LABELS)
    if images.shape[1:] != (28, 28):
        raise DatasetError(f"{root / images_name}: expected 28 x 28 images, got {images.shape[1]} x {images.shape[2]}")
    if len(images) != len(labels):
        raise DatasetError(f"{root}: {len(images)} images in {images_name} but {len(labels)} labels in {labels_name}")
    if labels.size and labels.max() > 9:
        raise DatasetError(f"{root / labels_name}: labels must be 0..9, found {int(labels.max())}")
    return images, labels


def read_idx(path: str | os.PathLike, magic: int) -> np.ndarray:
    """Parse a gzip-compressed IDX file of unsigned bytes with the given magic number (2051 or 2049)."""
    return _read_idx_cached(*_stat(Path(path)), magic).copy()


def _two_classes(classes) -> tuple[int, int]:
    try:
        a, b = (int(c) for c in classes)
    except (TypeError, ValueError):
        raise ValueError(f"classes must be a pair of class indices (a, b), got {classes!r}") from None
    if not (0 <= a <= 9 and 0 <= b <= 9) or a == b:
        raise ValueError(f"classes must be two different indices in 0..9, got {classes!r}")
    return a, b


def _stat(path: Path) -> tuple[str, int, int]:
    """(path, mtime_ns, size): the cache key of a parsed file, so that a replaced file is re-read."""
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DatasetMissing(f"{path} not found: install it with 'apt-get install dataset-fashion-mnist' "
                             "or pass root= the directory holding the IDX files") from None
    return str(path), st.st_mtime_ns, st.st_size


@lru_cache(maxsize=4)
def _read_idx_cached(path: str, mtime_ns: int, size: int, magic: int) -> np.ndarray:
    del mtime_ns, size  # part of the cache key only
    try:
        with gzip.open(path, "rb") as fh:
            raw = fh.read()
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatasetError(f"{path}: not a readable gzip file ({reason})") from None
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(raw) < 4 or int.from_bytes(raw[:4], "big") != magic:
        found = int.from_bytes(raw[:4], "big") if len(raw) >= 4 else None
        raise DatasetError(f"{path}: bad IDX magic number {found}, expected {magic}")
    if len(raw) < header:
        raise DatasetError(f"{path}: truncated IDX header ({len(raw)} bytes, need {header})")
    dims = tuple(int.from_bytes(raw[4 + 4 * k:8 + 4 * k], "big") for k in range(ndim))
    expected = header + int(np.prod(dims, dtype=np.int64))
    if len(raw) != expected:
        what = "truncated" if len(raw) < expected else "has trailing bytes"
        raise DatasetError(f"{path}: {what}: {len(raw)} bytes for dims {dims}, expected {expected}")
    data = np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)
    data.flags.writeable = False
    return data


def gaussian_data(n: int, d: int, rng: np.random.Generator, *, shift: float = 0.5, dtype=torch.float64,
                  device="cpu") -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""x_i ~ N(shift * 1, I_d), y_i = 1{x_i^T theta* > 0} with theta* ~ N(0, I_d); returns (X, y, theta*).

    The default shift makes the data *uncentred*, so that R1 of Lemma 3.1 is not trivially 0.
    """
    theta = rng.normal(size=d)
    X = rng.normal(size=(n, d)) + shift
    y = (X @ theta > 0).astype(float)
    def t(a):
        return torch.as_tensor(a, dtype=dtype, device=device)
    return t(X), t(y), t(theta)
