"""beyond-attack-eps-zero: hypothesis property tests of fgsm/pgd at eps = 0 and of ||delta|| <= eps, and the claim."""

import torch
import torch.nn.functional as F
from conftest import failed, run_claim_cached
from hypothesis import given, settings
from hypothesis import strategies as st

from mixverify.attacks import fgsm, pgd
from mixverify.claim import Context
from mixverify.claims import beyond_attack_eps_zero as claim
from mixverify.mixup_practice import ball_rounding_slack, perturbation_norms

CTX = Context(seed=0)


def _setup(seed, classes, dtype=torch.float64):
    g = torch.Generator().manual_seed(seed)
    net = torch.nn.Sequential(torch.nn.Linear(5, 16), torch.nn.BatchNorm1d(16), torch.nn.ReLU(),
                              torch.nn.Dropout(0.3), torch.nn.Linear(16, classes)).to(dtype)
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g, dtype=dtype))
    X = torch.rand(7, 5, generator=g, dtype=dtype)
    y = torch.randint(0, classes, (7,), generator=g)
    return net.eval(), X, y, g


def _ce(out, y):
    return F.cross_entropy(out, y, reduction="none")


ATTACK = st.fixed_dictionaries({
    "norm": st.sampled_from([2, "inf"]), "random_start": st.booleans(), "keep_best": st.booleans(),
    "step_size": st.one_of(st.none(), st.floats(1e-3, 1.0)), "bounds": st.sampled_from([None, (0.0, 1.0)]),
    "steps": st.integers(1, 6)})


@given(st.integers(0, 10_000), ATTACK, st.sampled_from([torch.float64, torch.float32]))
@settings(max_examples=30, deadline=None)
def test_eps_zero_returns_the_inputs(seed, opts, dtype):
    net, X, y, g = _setup(seed, 4, dtype)
    clean = net(X).argmax(1)
    Xp = pgd(net, X, y, 0.0, loss=_ce, generator=g, **opts)
    Xf = fgsm(net, X, y, 0.0, norm=opts["norm"], loss=_ce, bounds=opts["bounds"])
    assert torch.equal(Xp, X) and torch.equal(Xf, X)
    assert not net.training
    assert torch.equal(net(Xp).argmax(1), clean)


@given(st.integers(0, 10_000), ATTACK, st.floats(1e-6, 3.0), st.sampled_from([torch.float64, torch.float32]))
@settings(max_examples=40, deadline=None)
def test_perturbation_never_leaves_the_ball(seed, opts, eps, dtype):
    net, X, y, g = _setup(seed, 3, dtype)
    slack = ball_rounding_slack(X, eps, opts["norm"])
    for Xa in (pgd(net, X, y, eps, loss=_ce, generator=g, **opts),
               fgsm(net, X, y, eps, norm=opts["norm"], loss=_ce, bounds=opts["bounds"])):
        assert (perturbation_norms(X, Xa, opts["norm"]) <= eps + slack).all()


def test_claim_verified():
    r = run_claim_cached(claim.CLAIM, CTX)
    assert r.status == "verified", (r.error, failed(r.outcome))
    assert r.claim.section == "beyond"
    for id_ in ("eps0-identity", "within-ball", "cx-train-mode"):
        assert r.outcome.by_id(id_).role == "decisive" and r.outcome.by_id(id_).passed
    assert r.outcome.by_id("power-no-projection").passed


def test_missing_projection_is_refuted():
    out = claim.check(CTX, projection=lambda d, eps, norm: d)
    assert out.by_id("within-ball").passed is False
    assert out.by_id("eps0-identity").passed is False  # an explicit step size moves x when nothing projects
    assert out.status() == "refuted"
