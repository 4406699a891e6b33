"""empirical/data.py: torchvision layouts read from a --data-root (tiny fake directories), one-line errors,
class-balanced subsets, and the standard augmentation.

torchvision md5-checks the CIFAR and SVHN files it knows; a fake file cannot pass that, so the tests of
those two layouts replace ``check_integrity`` in torchvision's cifar and svhn modules with a check that the
file exists (monkeypatched for the test alone). The MNIST-family classes check existence only, as used here."""

import gzip
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest
import torch
from mixverify.empirical import data
from mixverify.empirical.data import DataRootError, augment, load

from mixverify.datasets import read_fashion_mnist

HAVE_FMNIST = Path("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz").exists()


def write_idx(path: Path, array: np.ndarray, magic: int, compress: bool = False):
    path.parent.mkdir(parents=True, exist_ok=True)
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", s) for s in array.shape)
    payload = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(payload) if compress else payload)


def fake_mnist_family(root: Path, folder: str, n_train=30, n_test=20):
    rng = np.random.default_rng(0)
    for split, n in (("train", n_train), ("t10k", n_test)):
        write_idx(root / folder / "raw" / f"{split}-images-idx3-ubyte", rng.integers(0, 256, (n, 28, 28)), 2051)
        write_idx(root / folder / "raw" / f"{split}-labels-idx1-ubyte", np.arange(n) % 10, 2049)


def fake_cifar(root: Path, hundred: bool, n=20):
    rng = np.random.default_rng(1)
    key = "fine_labels" if hundred else "labels"
    folder = root / ("cifar-100-python" if hundred else "cifar-10-batches-py")
    folder.mkdir(parents=True)
    names = ["train", "test"] if hundred else [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]
    for name in names:
        batch = {"data": rng.integers(0, 256, (n, 3072)).astype(np.uint8), key: list(np.arange(n) % (100 if hundred else 10))}
        (folder / name).write_bytes(pickle.dumps(batch))
    meta = {"fine_label_names": [f"c{i}" for i in range(100)]} if hundred else {"label_names": [f"c{i}" for i in range(10)]}
    (folder / ("meta" if hundred else "batches.meta")).write_bytes(pickle.dumps(meta))


def fake_svhn(root: Path, n=20):
    from scipy.io import savemat

    rng = np.random.default_rng(2)
    root.mkdir(parents=True, exist_ok=True)
    for split in ("train", "test"):
        labels = (np.arange(n) % 10) + 1  # SVHN stores digit 0 as label 10
        savemat(root / f"{split}_32x32.mat", {"X": rng.integers(0, 256, (32, 32, 3, n)).astype(np.uint8),
                                             "y": labels.reshape(-1, 1)})


def files_exist_only(monkeypatch, module):
    """torchvision's md5 check in ``torchvision.datasets.<module>`` replaced by an existence check (test only)."""
    import importlib
    import os

    monkeypatch.setattr(importlib.import_module(f"torchvision.datasets.{module}"), "check_integrity",
                        lambda fpath, md5=None: os.path.isfile(fpath))


@pytest.mark.parametrize("name,folder", [("fashion-mnist", "FashionMNIST"), ("kmnist", "KMNIST")])
def test_mnist_family_from_data_root(tmp_path, name, folder):
    fake_mnist_family(tmp_path, folder)
    d = load(name, tmp_path)
    assert d.x_train.shape == (30, 1, 28, 28) and d.x_test.shape == (20, 1, 28, 28)
    assert d.x_train.dtype == torch.uint8 and d.y_train.dtype == torch.int64
    assert d.num_classes == 10 and d.channels == 1 and d.shape == (1, 28, 28)
    assert d.y_train.tolist() == [i % 10 for i in range(30)]


@pytest.mark.parametrize("name,hundred", [("cifar10", False), ("cifar100", True)])
def test_cifar_from_data_root(tmp_path, monkeypatch, name, hundred):
    fake_cifar(tmp_path, hundred)
    files_exist_only(monkeypatch, "cifar")
    d = load(name, tmp_path)
    assert d.x_train.shape == (100 if not hundred else 20, 3, 32, 32) and d.x_test.shape == (20, 3, 32, 32)
    assert d.num_classes == (100 if hundred else 10) and d.x_train.dtype == torch.uint8
    # NHWC in the pickles -> NCHW here: channel 0 of image 0 is every third byte of the row-major HWC data.
    raw = pickle.loads((tmp_path / ("cifar-100-python/test" if hundred else "cifar-10-batches-py/test_batch"))
                       .read_bytes())["data"][0]
    assert torch.equal(d.x_test[0, 0].flatten(), torch.as_tensor(raw[:1024]))


def test_svhn_from_data_root(tmp_path, monkeypatch):
    fake_svhn(tmp_path)
    files_exist_only(monkeypatch, "svhn")
    d = load("svhn", tmp_path)
    assert d.x_train.shape == (20, 3, 32, 32) and d.num_classes == 10
    assert d.y_train.min() == 0 and d.y_train.max() == 9  # label 10 means digit 0


@pytest.mark.parametrize("name", data.DATASETS)
def test_missing_data_root_is_one_line(tmp_path, name):
    with pytest.raises(DataRootError) as info:
        load(name, tmp_path / "empty")
    msg = str(info.value)
    assert "\n" not in msg and "never downloads" in msg
    assert data._TORCHVISION[name][2].split("/")[0].split(" ")[0] in msg


@pytest.mark.parametrize("name", ["kmnist", "svhn", "cifar10", "cifar100"])
def test_non_default_data_set_needs_a_root(name):
    with pytest.raises(DataRootError, match="needs --data-root"):
        load(name)


def test_unknown_data_set_and_bad_limits(tmp_path):
    with pytest.raises(ValueError, match="unknown data set 'mnist'"):
        load("mnist", tmp_path)
    fake_mnist_family(tmp_path, "KMNIST")
    for bad in (0, -3, True, 1.5):
        with pytest.raises(ValueError, match="train_limit must be a positive integer"):
            load("kmnist", tmp_path, train_limit=bad)
    with pytest.raises(ValueError, match="exceeds the 30"):
        load("kmnist", tmp_path, train_limit=31)


def test_subsets_are_seeded_and_class_balanced(tmp_path):
    fake_mnist_family(tmp_path, "KMNIST", n_train=60)
    a, b = load("kmnist", tmp_path, train_limit=20, seed=4), load("kmnist", tmp_path, train_limit=20, seed=4)
    assert torch.equal(a.x_train, b.x_train) and torch.equal(a.y_train, b.y_train)
    assert torch.bincount(a.y_train, minlength=10).tolist() == [2] * 10
    assert not torch.equal(a.x_train, load("kmnist", tmp_path, train_limit=20, seed=5).x_train)


@pytest.mark.skipif(not HAVE_FMNIST, reason="needs Debian's dataset-fashion-mnist")
def test_debian_fashion_mnist_is_the_default():
    d = load("fashion-mnist")
    assert d.x_train.shape == (60000, 1, 28, 28) and d.x_test.shape == (10000, 1, 28, 28)
    assert d.source == "/usr/share/datasets/fashion-mnist"
    images, labels = read_fashion_mnist("test")  # the one reader, shared with mixverify.datasets
    assert d.x_test.dtype == torch.uint8 and torch.equal(d.x_test[:, 0], torch.from_numpy(images.copy()))
    assert d.y_test.dtype == torch.int64 and d.y_test.tolist() == labels.tolist()


# --- augmentation -------------------------------------------------------------------------------

def asymmetric(n=6, c=1, h=8, w=8):
    """Images whose every column differs: any flip or shift is visible."""
    x = torch.arange(1, w + 1, dtype=torch.uint8).repeat(n, c, h, 1) * 10
    return x + torch.arange(h, dtype=torch.uint8).view(1, 1, h, 1)


@pytest.mark.parametrize("name", data.DATASETS)
def test_augment_keeps_shape_and_dtype_and_is_seeded(name):
    x = asymmetric(c=3)
    a = augment(x, name, torch.Generator().manual_seed(0))
    b = augment(x, name, torch.Generator().manual_seed(0))
    assert a.shape == x.shape and a.dtype == x.dtype and torch.equal(a, b)
    values = set(x.unique().tolist()) | {0}
    assert set(a.unique().tolist()) <= values  # every pixel comes from the image or the zero padding
    f = augment(x.float() / 255, name, torch.Generator().manual_seed(0))
    assert f.dtype == torch.float32 and torch.allclose(f * 255, a.float())


def row_is_reversed(row: torch.Tensor) -> bool:
    nz = row[row > 0]
    return len(nz) > 1 and bool((nz[1:] < nz[:-1]).all())


@pytest.mark.parametrize("name,flips", [("kmnist", False), ("svhn", False), ("cifar10", True),
                                        ("fashion-mnist", True)])
def test_flips_only_where_allowed(name, flips):
    x = asymmetric(n=64)
    a = augment(x, name, torch.Generator().manual_seed(1))
    reversed_rows = sum(row_is_reversed(a[i, 0, 4]) for i in range(64))
    if flips:
        assert 10 < reversed_rows < 54  # about half (binomial(64, 1/2): 5 standard deviations either side)
    else:
        assert reversed_rows == 0


def test_crop_is_a_shift_of_at_most_four_pixels():
    x = asymmetric(n=64)
    a = augment(x, "kmnist", torch.Generator().manual_seed(2))
    for i in range(64):
        # Find the shift: the crop equals the zero-padded image shifted by (dy, dx) in [-4, 4]^2.
        padded = torch.nn.functional.pad(x[i], (4, 4, 4, 4))
        assert any(torch.equal(a[i], padded[:, dy:dy + 8, dx:dx + 8]) for dy in range(9) for dx in range(9))
