"""mixverify.io: the atomic writers, the device choice and the cache directory."""

import os

import matplotlib.pyplot as plt
import pytest
import torch

from mixverify import io


def test_write_text_replaces_the_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "new" / "dir" / "report.json"  # parents are created
    io.write_text(path, "first\n")
    io.write_text(path, "second: λ ✅\n")
    assert path.read_text(encoding="utf-8") == "second: λ ✅\n"
    assert os.listdir(path.parent) == ["report.json"]


class Boom(Exception):
    pass


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path):
    path = tmp_path / "x.txt"
    io.write_text(path, "old")

    class Exploding:
        def __reduce__(self):
            raise Boom("cannot pickle")

    with pytest.raises(Boom):
        io.save_torch({"a": Exploding()}, path)
    with pytest.raises(Boom), io.atomic_path(path) as tmp:
        tmp.write_text("half")
        raise Boom("interrupted")
    assert path.read_text() == "old" and os.listdir(tmp_path) == ["x.txt"]


def test_save_torch_round_trip(tmp_path):
    obj = {"w": torch.arange(6.0).reshape(2, 3), "history": [1, "a", (2.5,)]}
    io.save_torch(obj, tmp_path / "c" / "entry.pt")
    back = torch.load(tmp_path / "c" / "entry.pt", weights_only=True)
    assert torch.equal(back["w"], obj["w"]) and back["history"] == [1, "a", (2.5,)]
    assert os.listdir(tmp_path / "c") == ["entry.pt"]


def test_save_figure_is_a_png_whose_bytes_depend_on_the_figure_only(tmp_path):
    fig, ax = plt.subplots(figsize=(2, 2))
    ax.plot([0, 1], [1, 0])
    io.save_figure(fig, tmp_path / "a.png")
    io.save_figure(fig, tmp_path / "b.png")
    plt.close(fig)
    a = (tmp_path / "a.png").read_bytes()
    assert a[:8] == b"\x89PNG\r\n\x1a\n" and a == (tmp_path / "b.png").read_bytes()
    assert b"Software" not in a and sorted(os.listdir(tmp_path)) == ["a.png", "b.png"]


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("MIXVERIFY_CACHE", str(tmp_path / "c"))
    assert io.default_cache_dir() == tmp_path / "c"
    monkeypatch.delenv("MIXVERIFY_CACHE")
    assert io.default_cache_dir() == io.Path.home() / ".cache" / "mixverify"


def test_resolve_device():
    assert io.resolve_device() == torch.device("cuda" if torch.cuda.is_available() else "cpu")
    assert io.resolve_device("cpu") == io.resolve_device("cpu", check=True) == torch.device("cpu")
    assert io.resolve_device(torch.device("cpu"), check=True) == torch.device("cpu")
    assert io.resolve_device("meta") == torch.device("meta")  # unchecked: whatever torch.device reads


@pytest.mark.parametrize("bad,pattern", [
    ("gpu", r"^device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got 'gpu'$"),
    ("meta", r"^device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got 'meta'$"),
    (3.5, r"^device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got 3.5$"),
])
def test_checked_device_names(bad, pattern):
    with pytest.raises(ValueError, match=pattern):
        io.resolve_device(bad, check=True)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_checked_cuda_without_cuda():
    with pytest.raises(ValueError, match=r"^device 'cuda:1' was asked for but CUDA is not available; use device='cpu' "
                                         r"or 'auto'$"):
        io.resolve_device("cuda:1", check=True)
