"""mixverify.training: seeded training, the callback history, and the cache of trained weights."""

import os

import numpy as np
import pytest
import torch

from mixverify import training
from mixverify.io import default_cache_dir, resolve_device
from mixverify.models import ReLUMLP
from mixverify.training import CacheWarning, logistic_loss, train


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("MIXVERIFY_CACHE", str(path))
    return path


@pytest.fixture
def separable():
    rng = np.random.default_rng(5)
    X = torch.as_tensor(rng.normal(size=(40, 4)))
    y = (X @ torch.as_tensor(rng.normal(size=4)) > 0).to(torch.float64)
    return X, y


def mlp():
    return ReLUMLP(4, (16,))


class Counter:
    """A callback that records accuracy and counts its calls."""

    def __init__(self, X, y):
        self.X, self.y, self.calls = X, y, 0

    def __call__(self, epoch, model):
        self.calls += 1
        with torch.no_grad():
            acc = ((model(self.X) > 0).to(self.y.dtype) == self.y).double().mean()
        return {"epoch": epoch, "acc": float(acc), "out": model(self.X).detach()}


KW = dict(lr=0.1, momentum=0.9, epochs=30, seed=0, device="cpu")


def weights(result):
    return {k: v.clone() for k, v in result.model.state_dict().items()}


def same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_seeded_and_deterministic_on_cpu(separable):
    X, y = separable
    a, b = train(mlp, X, y, **KW), train(mlp, X, y, **KW)
    c = train(mlp, X, y, **(KW | dict(seed=1)))
    assert same(weights(a), weights(b)) and not same(weights(a), weights(c))
    assert not a.from_cache and a.cache_path is None  # key=None: no cache


def test_global_rng_is_left_alone(separable):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    train(mlp, *separable, **KW)
    assert torch.equal(torch.rand(3), expected)


def test_training_fits_and_callback_sees_every_epoch(separable):
    X, y = separable
    cb = Counter(X, y)
    r = train(mlp, X, y, **(KW | dict(epochs=150)), callback=cb)
    assert cb.calls == 151 and [h["epoch"] for h in r.history] == list(range(151))
    assert r.history[-1]["acc"] == 1.0 and r.history[0]["acc"] < 1.0
    assert not r.model.training


def test_minibatch_and_adam_and_losses(separable):
    X, y = separable
    for kw in (dict(batch_size=7), dict(optimizer="adam", lr=0.01), dict(loss="squared")):
        r = train(mlp, X, y, **(KW | kw))
        assert all(torch.isfinite(p).all() for p in r.model.parameters())
    a = train(mlp, X, y, **(KW | dict(batch_size=7)))
    b = train(mlp, X, y, **(KW | dict(batch_size=7)))
    assert same(weights(a), weights(b))


def test_ascent_loss_is_accepted_as_a_callable(separable):
    X, y = separable
    cb = Counter(X, y)
    r = train(mlp, X, y, **(KW | dict(epochs=100)), loss=lambda out, t: -logistic_loss(out, t), callback=cb)
    assert cb.calls == 101 and r.history[-1]["acc"] < 0.5  # ascent on the logistic loss: worse than chance


def test_batch_loss_sees_the_model_and_the_batch(separable):
    X, y = separable
    plain = train(mlp, X, y, **(KW | dict(batch_size=7)))
    seen = []

    def same_loss(model, Xb, yb):  # the logistic loss, computed from the model: the same steps, bit for bit
        seen.append(len(Xb))
        return logistic_loss(model(Xb), yb)

    hooked = train(mlp, X, y, **(KW | dict(batch_size=7)), batch_loss=same_loss)
    assert same(weights(plain), weights(hooked)) and seen[:6] == [7, 7, 7, 7, 7, 5]
    shifted = train(mlp, X, y, **KW, batch_loss=lambda m, Xb, yb: logistic_loss(m(Xb + 1.0), yb))
    assert not same(weights(train(mlp, X, y, **KW)), weights(shifted))  # the hook, not `loss`, drives training


def test_batch_loss_is_part_of_the_cache_key(separable, cache):
    X, y = separable
    a = train(mlp, X, y, **KW, key="k", batch_loss=lambda m, Xb, yb: logistic_loss(m(Xb), yb))
    b = train(mlp, X, y, **KW, key="k")
    assert a.digest != b.digest and not b.from_cache


@pytest.mark.parametrize("bad", [dict(optimizer="rmsprop"), dict(loss="hinge"), dict(epochs=-1), dict(batch_size=0),
                                 dict(batch_loss="mixup")])
def test_bad_arguments(separable, bad):
    with pytest.raises(ValueError):
        train(mlp, *separable, **(KW | bad))


def test_shape_mismatch(separable):
    X, y = separable
    with pytest.raises(ValueError, match="shapes"):
        train(mlp, X, y[:-1], **KW)


def test_model_fn_must_return_a_module(separable):
    with pytest.raises(ValueError, match="nn.Module"):
        train(lambda: (lambda x: x), *separable, **KW)


def test_device_resolution():
    assert resolve_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    assert resolve_device("cpu") == torch.device("cpu")


# --- cache -------------------------------------------------------------------------------------

def test_cache_hit_returns_identical_weights_and_history_without_training(separable, cache):
    X, y = separable
    first_cb = Counter(X, y)
    first = train(mlp, X, y, **KW, callback=first_cb, key="t")
    assert not first.from_cache and first.cache_path.parent == cache and first.cache_path.exists()
    assert first_cb.calls == KW["epochs"] + 1
    second_cb = Counter(X, y)
    second = train(mlp, X, y, **KW, callback=second_cb, key="t")
    assert second.from_cache and second_cb.calls == 0
    assert same(weights(first), weights(second)) and second.digest == first.digest
    assert len(second.history) == len(first.history)
    assert all(h1["acc"] == h2["acc"] and torch.equal(h1["out"], h2["out"])
               for h1, h2 in zip(first.history, second.history))
    assert [p.name for p in cache.iterdir()] == [first.cache_path.name]  # no temporary files left


def test_default_cache_dir_from_environment(cache, monkeypatch):
    assert default_cache_dir() == cache
    monkeypatch.delenv("MIXVERIFY_CACHE")
    assert default_cache_dir() == training.Path.home() / ".cache" / "mixverify"


def test_explicit_cache_dir(separable, tmp_path):
    r = train(mlp, *separable, **KW, key="t", cache_dir=tmp_path / "elsewhere")
    assert r.cache_path.parent == tmp_path / "elsewhere" and r.cache_path.exists()


@pytest.mark.parametrize("change", [dict(lr=0.05), dict(seed=1), dict(epochs=31), dict(momentum=0.0),
                                    dict(batch_size=10), dict(key="other"), dict(loss="squared")])
def test_any_change_of_configuration_misses(separable, change):
    X, y = separable
    base = train(mlp, X, y, **KW, key="t")
    kw = KW | dict(key="t") | change
    other = train(mlp, X, y, **kw)
    assert not other.from_cache and other.cache_path != base.cache_path


def test_changed_data_or_model_misses(separable):
    X, y = separable
    base = train(mlp, X, y, **KW, key="t")
    X2 = X.clone()
    X2[0, 0] += 1e-12
    assert train(mlp, X2, y, **KW, key="t").cache_path != base.cache_path
    y2 = y.clone()
    y2[0] = 1 - y2[0]
    assert train(mlp, X, y2, **KW, key="t").cache_path != base.cache_path
    wider = train(lambda: ReLUMLP(4, (17,)), X, y, **KW, key="t")
    assert wider.cache_path != base.cache_path

    def reinitialised():  # same architecture and repr, different initial weights
        m = ReLUMLP(4, (16,))
        with torch.no_grad():
            m[0].weight.mul_(2)
        return m

    assert train(reinitialised, X, y, **KW, key="t").cache_path != base.cache_path


def test_corrupt_cache_file_is_refused_and_retrained(separable):
    X, y = separable
    fresh = train(mlp, X, y, **KW, key="t")
    path = fresh.cache_path
    good = path.read_bytes()
    for damage in (b"garbage, not a torch file", good[: len(good) // 2]):
        path.write_bytes(damage)
        cb = Counter(X, y)
        with pytest.warns(CacheWarning, match="ignoring training cache file .*unreadable"):
            again = train(mlp, X, y, **KW, callback=cb, key="t")
        assert not again.from_cache and cb.calls == KW["epochs"] + 1
        assert same(weights(fresh), weights(again))
        assert train(mlp, X, y, **KW, key="t").from_cache  # the file was replaced by a good one


def test_cache_file_of_another_configuration_is_refused(separable):
    X, y = separable
    a = train(mlp, X, y, **KW, key="a")
    b = train(mlp, X, y, **(KW | dict(lr=0.05)), key="a")
    os.replace(b.cache_path, a.cache_path)  # right name, wrong content
    with pytest.warns(CacheWarning, match="configuration differs"):
        again = train(mlp, X, y, **KW, key="a")
    assert not again.from_cache and same(weights(a), weights(again))


def test_cache_entry_with_wrong_parameters_is_refused(separable):
    X, y = separable
    a = train(mlp, X, y, **KW, key="a")
    entry = torch.load(a.cache_path, weights_only=True)
    entry["state_dict"] = {"0.weight": torch.zeros(3, 3)}
    torch.save(entry, a.cache_path)
    with pytest.warns(CacheWarning, match="names or shapes"):
        again = train(mlp, X, y, **KW, key="a")
    assert same(weights(a), weights(again))


def test_no_partial_file_when_training_raises(separable, cache):
    X, y = separable

    def boom(epoch, model):
        if epoch == 5:
            raise RuntimeError("planted failure")

    with pytest.raises(RuntimeError, match="planted failure"):
        train(mlp, X, y, **KW, callback=boom, key="t")
    assert not cache.exists() or list(cache.iterdir()) == []


def test_no_partial_file_when_writing_fails(separable, cache, monkeypatch):
    X, y = separable

    def half_save(obj, fh):
        fh.write(b"PK\x03\x04 partial")
        raise OSError("disk full (planted)")

    with monkeypatch.context() as m:
        m.setattr(training.torch, "save", half_save)
        with pytest.raises(OSError, match="disk full"):
            train(mlp, X, y, **KW, key="t")
    assert list(cache.iterdir()) == []
    assert not train(mlp, X, y, **KW, key="t").from_cache
    assert train(mlp, X, y, **KW, key="t").from_cache
