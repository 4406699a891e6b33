"""eq-6: Eq. (6) is the second-order form of the adversarial loss of bias-free ReLU / max-pooling nets: its remainder is
of order 3 inside the activation regions (decisive); planted wrong statements (a missing 1/2, d in the second term, the
radius eps for eps sqrt d) are rejected by the decisive evidence; the layer walk's radius and the exact disk maximum
against nets whose kinks are known."""

import math

import pytest
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import eq_6 as derivation
from torch import nn

from mixverify.claim import SEED_ROWS, Context, decide
from mixverify.claims import eq_6

CTX = Context(seed=0)
HEADLINE = Context(seed=0, sensitivity=False)
DECISIVE = [f"order-{name}{part}" for name in eq_6.NETS for part in ("", "-examples")]


def planted(half=0.5, d_power=1, sqrt_d=True):
    """Eq. (6) per example (eps for eps_min) with one planted error, written independently of the claim module."""
    def eq6(loss, g_minus_y, h2, grad_norm, eps, d):
        eta = eps * d**0.5 if sqrt_d else eps
        return loss + eta * abs(g_minus_y) * grad_norm + half * eta**2 * d ** (d_power - 1) * abs(h2) * grad_norm**2
    return eq_6.Statement(eq6, f"planted: half={half}, d_power={d_power}, sqrt_d={sqrt_d}")


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(eq_6.CLAIM, CTX)


def test_verified_with_two_minimal_errata(result):
    assert result.status == "verified-with-erratum", (result.error, failed(result.outcome))
    assert result.scope.setting == "general"
    out = result.outcome
    assert all(out.by_id(i).passed and out.by_id(i).role == "decisive" for i in DECISIVE)
    assert all(e.passed for e in out.evidence if e.id.startswith("sympy-") and e.role == "decisive")
    assert all(out.by_id(f"power-{k}").passed for k in eq_6.WRONG)
    assert [(x.kind, x.evidence) for x in out.errata] == [("typo", "cx-eps-min"), ("weakening", "cx-equality")]
    assert out.by_id("cx-eps-min").kind == "counterexample" and out.by_id("cx-eps-min").passed
    assert all(e.passed for e in out.evidence if e.role == "implementation"), failed(out)
    assert [(x.choice, x.status) for x in out.sensitivity] == [("seed", "verified-with-erratum")] * SEED_ROWS


def test_measured_orders(result):
    out = result.outcome
    for i in DECISIVE:
        assert out.by_id(i).value == pytest.approx(3, abs=0.05), i
    assert [out.by_id(f"power-{k}").value for k in eq_6.WRONG] == pytest.approx([2, 2, 1], abs=0.05)
    assert out.by_id("cx-eps-min").value == pytest.approx(0, abs=0.05)  # eps_min on the right: no order at all


def test_the_planted_helper_is_eq6_when_nothing_is_planted():
    assert not failed(eq_6.check(HEADLINE, planted()))


@pytest.mark.parametrize("wrong", [
    dict(half=1.0),        # a missing 1/2
    dict(d_power=2),       # the notation after Eq. (6): delta^2 d / 2 at delta = eps sqrt d
    dict(sqrt_d=False),    # the l2 radius eps instead of eps sqrt d
])
def test_the_decisive_evidence_rejects_a_planted_statement(wrong):
    out = eq_6.check(HEADLINE, planted(**wrong))
    assert all(out.by_id(i).passed is False for i in DECISIVE), wrong
    assert all(e.passed for e in out.evidence if e.role == "implementation")  # the code is not what is wrong
    assert decide(out.evidence, out.errata) == "refuted"


def test_a_radius_past_the_kinks_is_caught(monkeypatch):
    """A walk that overstates the distance to the kinks (x 3) is an implementation error, not a verdict."""
    distance = eq_6._distance
    monkeypatch.setattr(eq_6, "_distance", lambda v, G: 3 * distance(v, G))
    out = eq_6.check(HEADLINE)
    assert out.by_id("linear-region").passed is False
    assert decide(out.evidence, out.errata) == "error"


def test_derivation_rejects_planted_errors():
    assert not failed(derivation.derive())
    for wrong in (dict(coefficient=1), dict(notation_d=True), dict(sqrt_d=False)):
        d = derivation.derive(**wrong)
        assert len(failed(d)) == 2 and all("eps sqrt d equals Eq. (6)" in name for name in failed(d)), wrong
        assert decide(d.evidence(), []) == "refuted"


def _gate_net():
    """f(x) = relu(x_1) + relu(x_2): kinks on the axes, so the region radius of x is min(|x_1|, |x_2|)."""
    net = nn.Sequential(nn.Linear(2, 2, bias=False), nn.ReLU(), nn.Linear(2, 1, bias=False)).double()
    with torch.no_grad():
        net[0].weight.copy_(torch.eye(2))
        net[2].weight.fill_(1.0)
    return net


def test_activation_region_of_a_relu_net():
    X = torch.tensor([[1.0, -0.25], [0.5, 2.0], [-3.0, -1.0]], dtype=torch.float64)
    region = eq_6.activation_region(_gate_net(), X)
    assert region["radius"].tolist() == [0.25, 0.5, 1.0]
    assert region["grad"].tolist() == [[1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]
    assert region["f"].tolist() == [1.0, 2.5, 0.0]


def test_activation_region_of_a_max_pooling_net():
    """f(x) = max of relu over the 4 pixels of a 2x2 image: the selection changes where the largest pixel meets another,
    at distance (x_max - x_k) / sqrt 2, and the gate where x_max meets 0."""
    net = nn.Sequential(nn.Conv2d(1, 1, 1, bias=False), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                        nn.Linear(1, 1, bias=False)).double()
    with torch.no_grad():
        net[0].weight.fill_(1.0)
        net[4].weight.fill_(1.0)
    X = torch.tensor([[[[3.0, 1.0], [2.0, -1.0]]], [[[0.5, 0.25], [-2.0, -1.0]]]], dtype=torch.float64)
    region = eq_6.activation_region(net, X)
    assert region["radius"].tolist() == pytest.approx([1 / math.sqrt(2), 0.25 / math.sqrt(2)], rel=1e-15)
    assert region["grad"].tolist() == [[1.0, 0.0, 0.0, 0.0]] * 2


def test_activation_region_rejects_biases():
    with pytest.raises(ValueError, match="bias-free"):
        eq_6.activation_region(nn.Sequential(nn.Linear(2, 1)).double(), torch.ones(1, 2, dtype=torch.float64))


def test_cones_and_the_exact_disk_maximum():
    net = _gate_net()
    angles, grads = eq_6.cones(net)
    assert sorted(angles.tolist()) == pytest.approx([0.0, math.pi / 2, math.pi, 3 * math.pi / 2], abs=1e-12)
    x = torch.tensor([1.0, 1.0], dtype=torch.float64)
    # the disk of radius 2 around (1, 1) holds the origin: min f = 0; max f = 2 + 2 sqrt 2 at x + 2 (1, 1)/sqrt 2
    assert eq_6.disk_extremes(net, x, 2.0, angles, grads) == pytest.approx((2 + 2 * math.sqrt(2), 0.0), abs=1e-12)
    # radius 0.5 < 1: inside the region, f is linear there: u +/- eta |grad f|
    assert eq_6.disk_extremes(net, x, 0.5, angles, grads) == pytest.approx((2 + 0.5 * math.sqrt(2), 2 - 0.5 * math.sqrt(2)))
