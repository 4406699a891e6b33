"""Files, devices and the cache directory: the one place mixverify writes files, picks a device and finds its cache.

Every file is written atomically: into a temporary file in the target's directory (``.<name>.<random><suffix>``,
created by :func:`tempfile.mkstemp`, so with mode 0600), then moved onto the target with ``os.replace``. A reader
sees the old file or the new one, never half of one, and an error leaves no temporary file behind.

The cache directory (trained weights, the empirical figures' runs) is ``$MIXVERIFY_CACHE`` if set, else
``~/.cache/mixverify``. The device ``"auto"`` is CUDA when available, else the CPU.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import torch

DEVICE_NAMES = "'auto', 'cpu', 'cuda' or 'cuda:N'"


@contextmanager
def atomic_path(path: str | os.PathLike, *, suffix: str = ".tmp") -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; moved onto ``path`` when the block ends without an error,
    removed when it raises. The parent directories of ``path`` are created."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` (UTF-8) atomically: a reader sees the old file or the new one, never half of one."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)


def save_torch(obj, path: str | os.PathLike) -> None:
    """``torch.save(obj)`` atomically: never a partial file."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        torch.save(obj, fh)


def save_figure(fig, path: str | os.PathLike) -> None:
    """A matplotlib figure as PNG (110 dpi, no "Software" metadata, so the bytes depend on the figure only), atomically."""
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=110, format="png", metadata={"Software": None})


def default_cache_dir() -> Path:
    """``$MIXVERIFY_CACHE`` if set, else ``~/.cache/mixverify``."""
    env = os.environ.get("MIXVERIFY_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "mixverify"


def resolve_device(device: str | torch.device = "auto", *, check: bool = False) -> torch.device:
    """``"auto"``: CUDA when available, else the CPU; any other name as ``torch.device`` reads it.

    ``check=True`` also insists that the device can be used here: a name that is not 'cpu', 'cuda' or 'cuda:N'
    (or that torch cannot parse), or a CUDA device where CUDA is not available, raises a one-line ``ValueError``.
    """
    if str(device) == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if not check:
        return torch.device(device)
    try:
        dev = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(f"device must be {DEVICE_NAMES}, got {device!r}") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device {device!r} was asked for but CUDA is not available; use device='cpu' or 'auto'")
    if dev.type not in ("cpu", "cuda"):
        raise ValueError(f"device must be {DEVICE_NAMES}, got {device!r}")
    return dev
