"""theorem-3.3 on random and trained bias-free ReLU nets; the notation after Eq. (6) is rejected."""

import pytest
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import theorem_3_3 as derivation

from mixverify.claim import Context, decide
from mixverify.claims import theorem_3_3


@pytest.fixture(scope="module")
def outcome():
    # the result test_claims.py reads, computed once (trained weights go to the session's private cache, conftest)
    return run_claim_cached(theorem_3_3.CLAIM, Context(seed=0)).outcome


@pytest.mark.parametrize("kwargs", [dict(notation_factor=784), dict(radius_factor=2.0)], ids=["printed-d", "radius-x2"])
def test_wrong_statements_fail_the_decisive_evidence(kwargs):
    # the notation printed after Eq. (6) (delta^2 d / 2, d = 784 for Fashion-MNIST), and the radii doubled
    out = theorem_3_3.check(Context(seed=0), **kwargs)
    assert [e.id for e in out.decisive() if not e.passed]
    assert decide(out.evidence, out.errata) == "refuted"


def test_holds_with_eq6_on_centred_data_and_records_the_errata(outcome):
    assert {e.id for e in outcome.decisive()} == {"bound-random", "radius-order-random", "bound-moons", "bound-fmnist",
                                                  "bound-hardest", "bound-min-hardest"}
    assert not failed(outcome)
    assert {x.kind: x.evidence for x in outcome.errata} == {"typo": "cx-notation-d", "hypothesis": "cx-uncentred"}
    assert all(outcome.by_id(x.evidence).passed for x in outcome.errata)
    assert any("after Eq. (6)" in x.location for x in outcome.errata)
    assert outcome.by_id("power-2").passed
    assert all(outcome.by_id(i).tightness["bound_over_measured"] >= 1 for i in ("bound-moons", "bound-fmnist"))
    assert decide(outcome.evidence, outcome.errata) == "verified-with-erratum"
    assert theorem_3_3.CLAIM.scope.setting == "instances" and "ERM-trained" in theorem_3_3.CLAIM.scope.detail


def test_the_search_finds_the_tight_instance_and_the_doubled_radii_fail_there(outcome):
    for i in ("bound-hardest", "bound-min-hardest"):
        e = outcome.by_id(i)
        # equal norms (A.2.4's c_x step is an equality) and the weakest signal: tight to 1e-3
        assert e.passed and e.tightness["instance"].startswith("equal norms"), i
        assert "mean |f(x_i)| = 0.001" in e.tightness["instance"] and 1 <= e.tightness["bound_over_measured"] < 1.001, i
        assert "at twice the radii it is -1 there" in e.detail, i
    assert outcome.by_id("search-closed-form").passed


def test_closed_form_matches_the_library():
    import numpy as np
    net, X, y = theorem_3_3._hardest_instance(np.random.default_rng(4), "Gaussian", 24, 5, 1.0)
    lhs, mid, low, _ = theorem_3_3.sides(net, X, y, 0.5, 2.0)
    closed = theorem_3_3.closed_form(theorem_3_3.net_values(net, X), X, y, 0.5, 2.0)
    assert closed[:3] == pytest.approx((lhs, mid, low), abs=1e-12)


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
    from mixverify.models import ReLUMLP

    X = torch.randn(4, 2, dtype=torch.float64)
    net = ReLUMLP(2, (3,), bias=True).double()
    with pytest.raises(ValueError, match="hypothesis not met"):
        theorem_3_3.sides(net, X, torch.tensor([0.0, 1.0, 0.0, 1.0], dtype=torch.float64), 1.0, 1.0)
