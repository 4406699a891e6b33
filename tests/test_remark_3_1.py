from derivations import remark_3_1 as derivation
from mixverify.claim import Context
from mixverify.claims import remark_3_1


def test_forgetting_sqrt_d_is_rejected():
    bad = remark_3_1.check(Context(seed=0), radius=lambda eps, d: eps).failed()
    assert any(n.startswith("linear models") for n in bad)
    assert any("lies in the l2 ball" in n for n in bad)


def test_derivation_and_planted_constant():
    assert not [n for n, ok, _ in derivation.derive().facts if not ok]
    assert [n for n, ok, _ in derivation.derive(constant=1).facts if not ok]
