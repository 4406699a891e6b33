"""mixverify.datasets: two moons, and the Fashion-MNIST IDX reader on tiny fake files (and the real ones)."""

import gzip
from pathlib import Path

import numpy as np
import pytest
import torch

from mixverify.datasets import (
    FASHION_MNIST_FILES,
    FASHION_MNIST_ROOT,
    IDX_IMAGES,
    IDX_LABELS,
    DatasetError,
    DatasetMissing,
    fashion_mnist,
    read_fashion_mnist,
    read_idx,
    two_moons,
)


def write_idx(path: Path, magic: int, array: np.ndarray, *, cut: int = 0, dims=None) -> None:
    dims = array.shape if dims is None else dims
    raw = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in dims)
    raw += np.ascontiguousarray(array, dtype=np.uint8).tobytes()
    with gzip.open(path, "wb") as fh:
        fh.write(raw[:len(raw) - cut])


@pytest.fixture
def fake_root(tmp_path):
    """A fake Fashion-MNIST directory: 12 train and 6 test images of 28 x 28, labels 0..9 cycling."""
    rng = np.random.default_rng(0)
    for split, n in (("train", 12), ("test", 6)):
        images_name, labels_name = FASHION_MNIST_FILES[split]
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        images[0, 0, 0], images[0, 0, 1] = 0, 255
        write_idx(tmp_path / images_name, IDX_IMAGES, images)
        write_idx(tmp_path / labels_name, IDX_LABELS, np.arange(n, dtype=np.uint8) % 10)
    return tmp_path


# --- two moons ----------------------------------------------------------------------------------

def test_two_moons_shapes_labels_and_centring():
    pytest.importorskip("sklearn")
    X, y = two_moons(200, seed=3)
    assert X.shape == (200, 2) and X.dtype == torch.float64
    assert y.shape == (200,) and y.dtype == torch.int64 and set(y.tolist()) == {0, 1}
    assert torch.allclose(X.mean(0), torch.zeros(2, dtype=torch.float64), atol=1e-14)
    Xu, yu = two_moons(200, seed=3, centre=False)
    assert torch.equal(yu, y) and torch.allclose(Xu - Xu.mean(0), X, atol=1e-14)
    assert not torch.allclose(Xu.mean(0), torch.zeros(2, dtype=torch.float64), atol=0.1)  # make_moons is off-centre


def test_two_moons_is_seeded():
    pytest.importorskip("sklearn")
    a, b, c = two_moons(50, seed=1), two_moons(50, seed=1), two_moons(50, seed=2)
    assert torch.equal(a[0], b[0]) and not torch.equal(a[0], c[0])
    assert two_moons(10, seed=0, dtype=torch.float32)[0].dtype == torch.float32


@pytest.mark.parametrize("bad", [dict(n=1), dict(n=2.5), dict(noise=-0.1)])
def test_two_moons_rejects_bad_arguments(bad):
    kw = dict(n=10, seed=0) | bad
    with pytest.raises(ValueError):
        two_moons(kw.pop("n"), **kw)


# --- Fashion-MNIST reader on fake files ----------------------------------------------------------

def test_fake_files_are_read(fake_root):
    X, y = fashion_mnist("train", root=fake_root)
    assert X.shape == (12, 1, 28, 28) and X.dtype == torch.float32
    assert y.dtype == torch.int64 and y.tolist() == [k % 10 for k in range(12)]
    assert float(X.min()) == 0.0 and float(X.max()) == 1.0
    raw = read_idx(fake_root / FASHION_MNIST_FILES["train"][0], IDX_IMAGES)
    assert torch.equal(X[:, 0], torch.as_tensor(raw, dtype=torch.float32) / 255)
    Xt, yt = fashion_mnist("test", root=fake_root, dtype=torch.float64)
    assert Xt.shape == (6, 1, 28, 28) and Xt.dtype == torch.float64 and yt.tolist() == list(range(6))


def test_public_reader_gives_the_raw_uint8_arrays(fake_root):
    images, labels = read_fashion_mnist("train", fake_root)
    assert images.shape == (12, 28, 28) and images.dtype == np.uint8 and labels.dtype == np.uint8
    assert labels.tolist() == [k % 10 for k in range(12)]
    assert np.array_equal(images, read_idx(fake_root / FASHION_MNIST_FILES["train"][0], IDX_IMAGES))
    X, _ = fashion_mnist("train", root=fake_root)
    assert torch.equal(X[:, 0], torch.as_tensor(images.copy(), dtype=torch.float32) / 255)
    assert not images.flags.writeable and not labels.flags.writeable  # the shared, cached arrays
    assert read_fashion_mnist("test", fake_root)[0].shape == (6, 28, 28)
    with pytest.raises(ValueError, match=r"^split must be 'train' or 'test', got 'valid'$"):
        read_fashion_mnist("valid", fake_root)


def test_two_classes_are_relabelled(fake_root):
    X, y = fashion_mnist("train", root=fake_root, classes=(7, 1))
    assert y.tolist() == [1, 0, 1]  # file order: labels 1, 7, 1 (indices 1, 7, 11); 7 -> 0, 1 -> 1
    full, labels = fashion_mnist("train", root=fake_root)
    assert torch.equal(X, full[[1, 7, 11]])


def test_limit_is_a_seeded_subset(fake_root):
    a = fashion_mnist("train", root=fake_root, limit=5, seed=1)
    b = fashion_mnist("train", root=fake_root, limit=5, seed=1)
    c = fashion_mnist("train", root=fake_root, limit=5, seed=2)
    assert a[0].shape == (5, 1, 28, 28) and torch.equal(a[0], b[0]) and torch.equal(a[1], b[1])
    assert not torch.equal(a[1], c[1])
    with pytest.raises(ValueError, match="needs a seed"):
        fashion_mnist("train", root=fake_root, limit=5)
    with pytest.raises(ValueError, match="exceeds"):
        fashion_mnist("train", root=fake_root, classes=(0, 1), limit=5, seed=0)


@pytest.mark.parametrize("bad", [dict(split="valid"), dict(classes=(1, 1)), dict(classes=(0, 10)), dict(classes=3),
                                 dict(limit=0, seed=0)])
def test_bad_arguments(fake_root, bad):
    with pytest.raises(ValueError):
        fashion_mnist(**({"root": fake_root} | bad))


def test_missing_file_is_one_line_naming_path_and_package(tmp_path):
    with pytest.raises(DatasetMissing) as info:
        fashion_mnist("test", root=tmp_path)
    msg = str(info.value)
    assert "\n" not in msg and str(tmp_path / "t10k-images-idx3-ubyte.gz") in msg
    assert "apt-get install dataset-fashion-mnist" in msg
    assert isinstance(info.value, FileNotFoundError) and info.value.__cause__ is None


def _corrupt(root: Path, how: str) -> None:
    images_name = FASHION_MNIST_FILES["train"][0]
    images = np.zeros((12, 28, 28), dtype=np.uint8)
    path = root / images_name
    if how == "truncated gzip":
        data = path.read_bytes()
        path.write_bytes(data[:len(data) // 2])
    elif how == "not gzip":
        path.write_bytes(b"this is not a gzip file at all")
    elif how == "truncated data":
        write_idx(path, IDX_IMAGES, images, cut=100)
    elif how == "trailing bytes":
        write_idx(path, IDX_IMAGES, np.zeros((12 * 28 * 28 + 5,), dtype=np.uint8), dims=(12, 28, 28))
    elif how == "wrong magic":
        write_idx(path, IDX_LABELS, images)
    elif how == "short header":
        write_idx(path, IDX_IMAGES, np.zeros(0, dtype=np.uint8), dims=(12,))
    elif how == "wrong size":
        write_idx(path, IDX_IMAGES, np.zeros((12, 14, 14), dtype=np.uint8))
    elif how == "count mismatch":
        write_idx(path, IDX_IMAGES, np.zeros((11, 28, 28), dtype=np.uint8))


@pytest.mark.parametrize("how", ["truncated gzip", "not gzip", "truncated data", "trailing bytes", "wrong magic",
                                 "short header", "wrong size", "count mismatch"])
@pytest.mark.parametrize("read", [lambda root: fashion_mnist("train", root=root), lambda root: read_fashion_mnist("train", root)])
def test_corrupt_file_is_a_one_line_error(fake_root, how, read):
    _corrupt(fake_root, how)
    with pytest.raises(DatasetError) as info:
        read(fake_root)
    msg = str(info.value)
    assert "\n" not in msg and str(fake_root) in msg, msg
    assert info.value.__cause__ is None and (info.value.__context__ is None or info.value.__suppress_context__)


def test_a_replaced_file_is_reread(fake_root):
    fashion_mnist("train", root=fake_root)
    _corrupt(fake_root, "not gzip")
    with pytest.raises(DatasetError):
        fashion_mnist("train", root=fake_root)


# --- the real files, when Debian's dataset-fashion-mnist is installed ------------------------------

@pytest.mark.skipif(not Path(FASHION_MNIST_ROOT, FASHION_MNIST_FILES["test"][0]).exists(),
                    reason="dataset-fashion-mnist is not installed")
def test_real_fashion_mnist_100_images():
    X, y = fashion_mnist("test", limit=100, seed=0)
    assert X.shape == (100, 1, 28, 28) and y.shape == (100,)
    assert 0.0 <= float(X.min()) and float(X.max()) <= 1.0 and float(X.max()) > 0.5
    assert set(y.tolist()) <= set(range(10)) and len(set(y.tolist())) > 5
    images, labels = read_fashion_mnist("test")  # root=None: the Debian directory
    assert images.shape == (10000, 28, 28) and images.dtype == np.uint8 and set(np.unique(labels)) == set(range(10))
    Xb, yb = fashion_mnist("test", classes=(0, 9), limit=100, seed=0)
    assert set(yb.tolist()) == {0, 1}
