"""theorem-3.3 on random and trained bias-free ReLU nets; the notation after Eq. (6) is rejected."""

import pytest
import torch

from derivations import theorem_3_3 as derivation
from mixverify.claim import Context
from mixverify.claims import theorem_3_3


@pytest.fixture(autouse=True)
def cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("MIXVERIFY_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))


def test_printed_notation_is_rejected():
    out = theorem_3_3.check(Context(seed=0), notation_factor=784)
    assert any("L~_mix >= mean" in n for n in out.failed())


def test_holds_with_eq6_and_records_the_erratum():
    out = theorem_3_3.check(Context(seed=0))
    assert not out.failed()
    assert any("after Eq. (6)" in e.location for e in out.errata)


def test_angular_label_changes():
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0], [0.0, -1.0]], dtype=torch.float64)
    assert theorem_3_3.angular_label_changes(X, torch.tensor([0.0, 1.0, 0.0, 1.0])) == 4
    assert theorem_3_3.angular_label_changes(X, torch.tensor([0.0, 0.0, 1.0, 1.0])) == 2


def test_non_binary_labels_are_refused():
    X = torch.randn(4, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match="0 or 1"):
        theorem_3_3.sides(lambda Z: Z.sum(1), X, torch.full((4,), 0.3, dtype=torch.float64), 1.0, 1.0)


def test_derivation_rejects_the_printed_notation():
    assert not [n for n, ok, _ in derivation.derive().facts if not ok]
    assert [n for n, ok, _ in derivation.derive(notation_factor=torch.tensor(3).item()).facts if not ok]


def test_a_network_with_biases_is_refused_as_hypothesis_not_met():
    from mixverify.networks import ReLUMLP

    X = torch.randn(4, 2, dtype=torch.float64)
    net = ReLUMLP(2, (3,), bias=True).double()
    with pytest.raises(ValueError, match="hypothesis not met"):
        theorem_3_3.sides(net, X, torch.tensor([0.0, 1.0, 0.0, 1.0], dtype=torch.float64), 1.0, 1.0)
