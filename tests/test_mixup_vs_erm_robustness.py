"""mixup-vs-erm-robustness: the criterion follows the rule on whatever the training gives, on the headline design and
on every row of the sensitivity grid, and exchanging the Mixup and ERM models (the planted error) flips the decisive
evidence.

Nothing here asserts a training outcome (which model is more robust); what is asserted holds for any numbers."""

import numpy as np
import pytest
import torch
from conftest import run_claim_cached
from mixverify.derivations import mixup_vs_erm_robustness as derivation

from mixverify.claim import SEED_ROWS, STATUSES, Context, decide
from mixverify.claims import mixup_vs_erm_robustness as claim

MODELS = tuple(claim.MODELS)


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(claim.CLAIM, Context(seed=0))


@pytest.fixture(scope="module")
def swapped(result):
    # the headline design only (what the seed rows re-run); the models come from the training cache of `result`
    return claim.check(Context(seed=0, sensitivity=False), swap=True)


def test_runs_with_decisive_and_power_evidence_per_model(result):
    assert result.status != "error", result.error
    out = result.outcome
    for mid in MODELS:
        assert out.by_id(f"adv-{mid}").role == "decisive"
        assert out.by_id(f"adv-{mid}-power").role == "power"
    assert result.scope.setting == "instances"
    assert result.status == decide(out.evidence, out.errata, out.sensitivity)


def test_implementation_checks_pass(result):
    for id_ in ("impl-batched", "impl-closed-form", "impl-eq1", "impl-eq3", "impl-converged", "sympy-y-0-log-1-e"):
        assert result.outcome.by_id(id_).passed, result.outcome.by_id(id_)


@pytest.mark.parametrize("mid", MODELS)
def test_decisive_and_power_follow_the_paired_criterion(result, mid):
    dec, pw = result.outcome.by_id(f"adv-{mid}"), result.outcome.by_id(f"adv-{mid}-power")
    threshold = dec.tolerance  # t_(K-1, 0.995) * paired SE
    assert threshold > 0
    assert dec.passed == (dec.value > -threshold)
    assert pw.passed == (pw.value >= threshold)
    assert not (pw.passed and not dec.passed)


@pytest.mark.parametrize("mid", MODELS)
def test_planted_swap_negates_every_difference(result, swapped, mid):
    a, b = result.outcome.by_id(f"adv-{mid}"), swapped.by_id(f"adv-{mid}")
    assert b.value == pytest.approx(-a.value, rel=1e-12, abs=1e-15)
    assert b.tolerance == pytest.approx(a.tolerance, rel=1e-12)


def test_planted_swap_flips_the_significant_decisive_evidence(result, swapped):
    flipped = []
    for mid in MODELS:
        a = result.outcome.by_id(f"adv-{mid}")
        significant = abs(a.value) >= a.tolerance
        if significant:
            assert swapped.by_id(f"adv-{mid}").passed != a.passed, mid
            flipped.append(mid)
        else:
            assert swapped.by_id(f"adv-{mid}").passed and not swapped.by_id(f"adv-{mid}-power").passed
    # at the default size logistic regression is resolved (expected |z| ~ 8 against t = 2.81; module docstring)
    assert "logistic" in flipped


def test_paired_criterion_on_planted_differences():
    up = claim.paired([0.1, 0.12, 0.09, 0.11])
    assert up["not_contradicted"] and up["opposite_rejected"]
    down = claim.paired([-0.1, -0.12, -0.09, -0.11])
    assert not down["not_contradicted"] and not down["opposite_rejected"]
    flat = claim.paired([0.1, -0.1, 0.05, -0.04])
    assert flat["not_contradicted"] and not flat["opposite_rejected"]
    with pytest.raises(ValueError, match="at least 2"):
        claim.paired([0.1])


def test_closed_form_matches_both_end_points():
    from mixverify.losses import eq2_loss

    rng = np.random.default_rng(3)
    theta = torch.as_tensor(rng.normal(size=4))
    X = torch.as_tensor(rng.normal(size=(16, 4)))
    y = torch.as_tensor(rng.integers(0, 2, size=16), dtype=X.dtype)
    eta = 0.7
    t = eta * float(theta.norm())
    u = X @ theta
    ends = torch.maximum(eq2_loss(u + t, y), eq2_loss(u - t, y))
    assert torch.allclose(claim.closed_form_adv_loss(theta, X, y, eta), ends, rtol=0, atol=1e3 * 2.2e-16)


def test_derivation_rejects_the_wrong_attack_direction():
    assert all(ok for _, ok, _ in derivation.derive().facts)
    wrong = [name for name, ok, _ in derivation.derive(sign=-1).facts if not ok]
    assert len(wrong) == 2 and all("end point" in n for n in wrong)


def test_fit_rejects_an_unknown_method():
    with pytest.raises(ValueError, match="method"):
        claim.fit("sgd", (), *claim.data("moons", 0)[:2], steps=1, seed=0)


# --- the sensitivity grid ---------------------------------------------------------------------------------------

def test_sensitivity_rows_cover_the_grid(result):
    rows = [r for r in result.outcome.sensitivity if r.choice != "seed"]
    assert len(rows) == 2 * 2 * 4 - 1  # logistic regression: objective x length x radius (the nets' x4: --thorough)
    assert all(r.admissible and r.status in STATUSES for r in rows)
    settings = " | ".join(r.setting for r in rows)
    for words in ("1000 steps", "3000 steps", "to convergence", "Eq. (3) L~mix", "mean eps_i sqrt d"):
        assert words in settings, words
    assert {"training length", "objective", "attack radius"} <= {r.choice for r in rows}
    assert [r.setting for r in result.outcome.sensitivity if r.choice == "seed"] == [str(s) for s in range(1, SEED_ROWS + 1)]
    headline = result.outcome.headline_status()
    differs = any(r.status != headline for r in result.outcome.sensitivity if r.admissible)
    assert (result.status == "design-dependent") == differs


def test_each_row_is_the_paired_criterion_on_its_design(result):
    """Every row's value is the varied model's mean Delta and its status what decide() gives that design's evidence."""
    rows = [r for r in result.outcome.sensitivity if r.choice != "seed"]
    length = next(r for r in rows if r.choice == "training length" and r.setting.endswith("3000 steps"))
    assert isinstance(length.value, float) and "Mixup ahead on" in length.detail and "clean-loss Delta" in length.detail
    k = claim.PAIRS_LOGISTIC
    delta = [0.01 + 0.001 * (j % 3) for j in range(k)]  # Mixup significantly ahead on every pair

    def pairs(deltas, seed0=0):
        return [{"seed": seed0 + j, "test_erm": d, "test_mix": 0.0, "wide_erm": d, "wide_mix": 0.0, "clean_erm": d,
                 "clean_mix": 0.0, "eta": 0.1, "eta_mean": 0.2} for j, d in enumerate(deltas)]
    ahead = {"logistic": pairs(delta), "relu": pairs(delta[:4]), "fmnist": pairs(delta[:4])}
    assert claim._design_row("c", "s", ahead, "test", ("logistic",)).status == "verified"
    behind = ahead | {"logistic": pairs([-d for d in delta])}
    r = claim._design_row("c", "s", behind, "test", ("logistic",))
    assert r.status == "refuted" and r.value == pytest.approx(-np.mean(delta), abs=1e-6)
    noisy = ahead | {"fmnist": pairs([0.1, -0.1, 0.05, -0.04])}
    assert claim._design_row("c", "s", noisy, "wide", ("relu", "fmnist")).status == "uninformative"


def test_headline_is_unchanged_by_the_grid(result, swapped):
    """The headline evidence of the full check (grid trained, checkpoints of longer runs) equals the headline-only
    check's, which is what the seed rows re-run: the swap negates exactly the same numbers."""
    for mid in MODELS:
        assert swapped.by_id(f"adv-{mid}").value == pytest.approx(-result.outcome.by_id(f"adv-{mid}").value,
                                                                rel=1e-12, abs=1e-15)


def test_checkpoints_equal_runs_of_that_length(tmp_path, monkeypatch):
    monkeypatch.setenv("MIXVERIFY_CACHE", str(tmp_path))
    Xtr, ytr = claim.data("moons", 3)[:2]
    short, long = claim.fit_lengths("mixup", (4,), Xtr, ytr, lengths=(5, 12), seed=3)
    alone = claim.fit("mixup", (4,), Xtr, ytr, steps=5, seed=3)
    for a, b in zip(short.parameters(), alone.parameters()):
        assert torch.equal(a, b)
    assert not torch.equal(next(long.parameters()), next(alone.parameters()))
    sets = [claim.data("moons", s) for s in (3, 4)]
    both = claim.fit_logistic("mixup", sets, [3, 4], lengths=(5, 12))
    assert torch.equal(both[5], claim.fit_logistic("mixup", sets, [3, 4], lengths=(5,))[5])
    with pytest.raises(ValueError, match="method"):
        claim.fit_logistic("sgd", sets, [3, 4])


def test_closed_forms_of_eq1_and_eq3_against_the_library():
    from torch.func import grad, hessian

    from mixverify.losses import approx_mixup_loss, mixup_loss
    from mixverify.models import linear_model

    rng = np.random.default_rng(5)
    X = torch.as_tensor(rng.normal(size=(3, 12, 4)))
    X = X - X.mean(1, keepdim=True)
    y = torch.as_tensor(rng.integers(0, 2, size=(3, 12)), dtype=X.dtype)
    theta = torch.as_tensor(rng.normal(size=(3, 4)))
    batched = claim.approx_mixup_logistic(theta, X, y)
    for k in range(3):
        lib = approx_mixup_loss(linear_model(theta[k]), X[k], y[k], 1.0, 1.0)
        assert float(batched[k]) == pytest.approx(float(lib), rel=1e-13)
        v, g, H = claim.exact_mixup_logistic(theta[k], X[k], y[k], order=2)
        assert float(v) == pytest.approx(float(mixup_loss(linear_model(theta[k]), X[k], y[k], 1.0, 1.0,
                                                          method="exact", nodes=claim.NODES)), rel=1e-13)

        def f(t, k=k):
            return claim.exact_mixup_logistic(t, X[k], y[k])
        assert torch.allclose(g, grad(f)(theta[k]), rtol=1e-12, atol=1e-15)
        assert torch.allclose(H, hessian(f)(theta[k]), rtol=1e-12, atol=1e-15)


def test_newton_reaches_the_minimiser_or_a_separable_set_runs_away():
    """Eq. (1) and the standard loss on overlapping classes: the gradient criterion is met at a finite theta; on
    separable data the standard loss has no minimiser and Newton's theta grows until the gradient is below GTOL."""
    rng = np.random.default_rng(7)
    X = torch.as_tensor(rng.normal(size=(2, 30, 3)))
    y = torch.stack([(X[0, :, 0] + torch.as_tensor(rng.normal(size=30)) > 0).double(),  # overlapping
                     (X[1, :, 0] > 0).double()])  # separable
    assert not claim.separable(X[0], y[0]) and claim.separable(X[1], y[1])
    start = torch.zeros(2, 3, dtype=X.dtype)
    for method in ("eq1", "erm", "eq3"):
        theta, iters, gnorm = claim.newton(claim._objective(method), start, X, y)
        assert (gnorm <= claim.GTOL).all() and (iters < claim.NEWTON_CAP).all(), (method, gnorm, iters)
        if method == "erm":
            assert float(theta[1].norm()) > 5 * float(theta[0].norm())


def test_the_nets_longer_runs_are_rows_under_thorough_only():
    """The grid's rows from the pairs at hand: with the nets' x NET_FACTOR runs (what --thorough trains) two more
    rows, one per radius, decided on the nets alone; without them, none (the default)."""
    def pairs(delta):
        return [{"seed": k, "eta": 0.1, "eta_mean": 0.2, "clean_erm": 0.5, "clean_mix": 0.5,
                 **{f"{key}_{m}": 0.5 + (delta if m == "erm" else 0.0) + 0.01 * k for key in claim.RADII
                    for m in ("erm", "mix")}} for k in range(4)]
    lengths = claim.LOGISTIC_LENGTHS + (claim.CONVERGED,)
    log_rows = {(obj, n): pairs(0.0) for obj in claim.OBJECTIVES for n in lengths}
    default = claim._sensitivity(log_rows, {mid: {1: pairs(0.0)} for mid in ("relu", "fmnist")})
    thorough = claim._sensitivity(log_rows, {mid: {1: pairs(0.0), claim.NET_FACTOR: pairs(-1.0)}
                                             for mid in ("relu", "fmnist")})
    assert len(default) == 2 * 2 * 4 - 1 and len(thorough) == len(default) + 2
    nets = [r for r in thorough if r.choice.startswith("training length (nets)")]
    assert len(nets) == 2 and all(r.status == "refuted" for r in nets)  # ERM planted ahead by 1 on every pair
    assert all(r.value == [-1.0, -1.0] for r in nets)  # each net's mean Delta
