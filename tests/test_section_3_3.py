"""section-3.3: Mixup as a data-adaptive regulariser. Least squares on centred data: Mixup's minimiser is least squares
(refuted); logistic regression: Mixup lowers gamma and the gap. The library's GLM minimisers (mixverify.glm) against
references; planted statements (the opposite direction, a true regulariser) decided by the decisive evidence."""

import math

import numpy as np
import pytest
import torch
from conftest import failed, run_claim_cached
from mixverify.derivations import section_3_3 as derivation

from mixverify.claim import Context, decide
from mixverify.claims import section_3_3
from mixverify.glm import glm_descent, glm_minimiser, glm_objective, logistic_minimiser_exists
from mixverify.laws import mixup_lambda_law
from mixverify.losses import mixup_loss, standard_loss
from mixverify.models import linear_model

CTX = Context(seed=0)
HEADLINE = Context(seed=0, sensitivity=False)
DECISIVE = {"gamma-squared", "gap-squared", "gamma-logistic", "gap-logistic"}


@pytest.fixture(scope="module")
def result():
    return run_claim_cached(section_3_3.CLAIM, CTX)


def test_refuted_by_least_squares_on_every_admissible_row(result):
    out = result.outcome
    assert result.status == "refuted", (result.error, failed(out))
    assert {e.id for e in out.decisive()} == DECISIVE
    assert {e.id for e in out.decisive() if not e.passed} == {"gamma-squared", "gap-squared"}
    assert out.by_id("power-gamma-logistic").passed and out.by_id("power-gap-logistic").passed
    assert not {e.id for e in out.evidence if e.role == "implementation" and not e.passed}
    assert out.by_id("distance-squared").value < 1e-13  # Mixup's minimiser is least squares
    rows = [r for r in out.sensitivity if r.admissible]
    assert {r.choice for r in rows} == {"alpha, beta", "n", "training length", "seed"}
    assert all(r.status == "refuted" for r in rows), [(r.choice, r.setting, r.status) for r in rows]
    findings = {r.setting: r.status for r in out.sensitivity if not r.admissible}
    assert findings["logistic regression alone"] == "verified"
    assert findings["20 steps of gradient descent from 0 (lr 1)"] == "verified"  # early stopping: a learning rate
    assert result.scope.setting == "instances"


def test_derivation_holds_and_rejects_an_unmixed_label():
    assert not failed(derivation.derive())
    assert failed(derivation.derive(mixed_label=False)) == [
        "L_mix = ubar^2/2 - ybar ubar + c (V_uu/2 - C_yu) for every data set, c = E[lam^2 + (1-lam)^2]",
        "centred inputs (ubar = 0 for every theta): L_mix = c L_std, the same minimiser for every alpha, beta",
        "L_std + R1 + R2 = L_mix on centred inputs (Eq. (3) exact for the squared loss)"]


def test_the_opposite_direction_is_refuted_by_the_logistic_evidence():
    """Planted 'Mixup raises gamma and the gap': the logistic decisive evidence rejects it."""
    out = section_3_3.check(HEADLINE, section_3_3.Statement(direction=-1))
    assert out.by_id("gamma-logistic").passed is False and out.by_id("gap-logistic").passed is False
    assert decide(out.evidence, out.errata) == "refuted"


def test_a_true_regulariser_passes_the_same_criterion():
    """Planted objective ERM + E[(1-lambda)^2] theta^T Sigma_hat theta (what Eq. (7) attributes to Mixup for A'' = 1):
    a real data-adaptive ridge lowers gamma and the gap, and the decisive evidence accepts it."""
    out = section_3_3.check(HEADLINE, section_3_3.Statement(objective=section_3_3.penalised_objective))
    assert all(e.passed for e in out.decisive())
    assert decide(out.evidence, out.errata) == "verified"


# --- the library: mixverify.glm's objectives and minimisers ------------------------------------------------------

@pytest.mark.parametrize("family,alpha,beta", [("logistic", 1.0, 1.0), ("logistic", 0.2, 3.0), ("squared", 5.0, 0.5)])
def test_glm_objective_matches_the_library_loss_and_its_derivatives(family, alpha, beta):
    rng = np.random.default_rng(7)
    X, theta = rng.normal(size=(9, 3)), rng.normal(size=3)
    y = (rng.random(9) < 0.5).astype(float) if family == "logistic" else rng.normal(size=9)
    law = mixup_lambda_law(alpha, beta)
    h = torch.nn.functional.softplus if family == "logistic" else (lambda u: u * u / 2)
    f = linear_model(torch.as_tensor(theta))
    ref = float(mixup_loss(f, torch.as_tensor(X), torch.as_tensor(y), alpha, beta, h=h, nodes=16))
    assert glm_objective(theta, X, y, family=family, law=law, order=0) == pytest.approx(ref, rel=1e-14, abs=1e-15)
    std = float(standard_loss(f, torch.as_tensor(X), torch.as_tensor(y), h=h))
    assert glm_objective(theta, X, y, family=family, order=0) == pytest.approx(std, rel=1e-14, abs=1e-15)
    for lw in (None, law):
        _, g, H = glm_objective(theta, X, y, family=family, law=lw)
        e = 1e-5  # central differences: error O(e^2 |third derivative|) ~ 1e-10
        fd = [(glm_objective(theta + e * v, X, y, family=family, law=lw, order=1)[1]
               - glm_objective(theta - e * v, X, y, family=family, law=lw, order=1)[1]) / (2 * e) for v in np.eye(3)]
        gd = [(glm_objective(theta + e * v, X, y, family=family, law=lw, order=0)
               - glm_objective(theta - e * v, X, y, family=family, law=lw, order=0)) / (2 * e) for v in np.eye(3)]
        assert np.allclose(H, np.array(fd), atol=1e-8) and np.allclose(g, gd, atol=1e-8)


def test_minimisers_least_squares_and_separability():
    rng = np.random.default_rng(8)
    X = rng.normal(size=(25, 4))
    X -= X.mean(0)
    y = X @ np.array([1.0, 0.0, -2.0, 0.5]) + rng.normal(size=25)
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    for alpha, beta in ((1.0, 1.0), (0.2, 0.2), (4.0, 4.0)):
        fit = glm_minimiser(X, y, family="squared", law=mixup_lambda_law(alpha, beta))
        assert np.linalg.norm(fit.theta - ols) <= 1e3 * np.finfo(float).eps * np.linalg.norm(ols)  # L_mix = c L_std
    # uncentred data: Mixup's minimiser is not least squares
    Xu = X + 2.0
    assert np.linalg.norm(glm_minimiser(Xu, y, family="squared", law=mixup_lambda_law(1, 1)).theta
                          - np.linalg.lstsq(Xu, y, rcond=None)[0]) > 1e-3
    lab = (rng.random(25) < 0.5).astype(float)
    fit = glm_minimiser(X, lab)
    assert fit.gradient_norm < 1e-14 and fit.error_bound < 1e-12
    sep = (X[:, 0] > 0).astype(float)
    assert logistic_minimiser_exists(X, lab) and not logistic_minimiser_exists(X, sep)
    with pytest.raises(ValueError, match="^no minimiser: the logistic standard loss has none on linearly separable"):
        glm_minimiser(X, sep)
    assert glm_minimiser(X, sep, law=mixup_lambda_law(1, 1)).gradient_norm < 1e-12  # mixed labels: Mixup's exists


def test_descent_is_learning_rate_scaled_erm_for_least_squares():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(20, 3))
    X -= X.mean(0)
    y = rng.normal(size=20)
    c = 1 - 2 * 1 * 1 / (2 * 3)  # E[lambda^2 + (1-lambda)^2] at alpha = beta = 1
    mix = glm_descent(X, y, steps=15, lr=0.5, family="squared", law=mixup_lambda_law(1, 1))
    assert np.allclose(mix, glm_descent(X, y, steps=15, lr=0.5 * c, family="squared"), rtol=0, atol=1e-14)
    assert math.isclose(c, 2 / 3)


@pytest.mark.parametrize("call,match", [
    (lambda: glm_objective(np.zeros(2), np.ones((3, 2)), np.zeros(3), family="poisson"), r"^family must be one of"),
    (lambda: glm_minimiser(np.ones((3, 2)), np.zeros(4)), r"^X must be \(n, d\) and y \(n,\)"),
    (lambda: glm_minimiser(np.ones((3, 2)), np.zeros(3), tol=0.0), r"^tol must be a finite number > 0"),
    (lambda: glm_minimiser(np.ones((3, 2)), np.zeros(3), polish=-1), r"^polish must be"),
    (lambda: glm_descent(np.ones((3, 2)), np.zeros(3), steps=0, lr=1.0), r"^steps must be a positive integer"),
    (lambda: glm_descent(np.ones((3, 2)), np.zeros(3), steps=2, lr=-1.0), r"^lr must be a finite number > 0"),
])
def test_bad_input_is_a_one_line_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_the_lambda_quadrature_check_rejects_too_few_nodes(monkeypatch):
    """The implementation check compares NODES with 2 NODES against the minimiser's round-off floor: with 4 nodes
    the logistic minimiser at alpha = beta = 0.2 is far from converged, and the check must fail."""
    ok = section_3_3._lambda_quadrature(Context(seed=10))
    assert ok.passed and ok.value < 1
    monkeypatch.setattr(section_3_3, "NODES", 4)
    bad = section_3_3._lambda_quadrature(Context(seed=10))
    assert bad.passed is False and bad.value > 1
