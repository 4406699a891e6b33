import pytest

from derivations import figure_4 as derivation
from mixverify.adversarial import taylor_adversarial_loss
from mixverify.claim import Context
from mixverify.claims import figure_4


@pytest.fixture(autouse=True)
def cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MIXVERIFY_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


def test_holds():
    assert not figure_4.check(Context(seed=0)).failed()


def test_missing_half_breaks_the_remainder_bound():
    def doubled(f, X, y, eps):  # Eq. (5) without the 1/2 on the second-order term
        t1 = taylor_adversarial_loss(f, X, y, eps)
        t0 = taylor_adversarial_loss(f, X, y, 0.0)
        half = taylor_adversarial_loss(f, X, y, eps / 2)
        # t(eps) = l + a eps + b eps^2; recover b from three values and add b eps^2 again
        b = 2 * (t1 - 2 * half + t0) / eps**2
        return t1 + b * eps**2
    bad = figure_4.check(Context(seed=0), taylor=doubled).failed()
    assert any("Lagrange remainder bound" in n for n in bad)


def test_derivation():
    assert not [n for n, ok, _ in derivation.derive().facts if not ok]
