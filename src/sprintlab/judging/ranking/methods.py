"""Three ways to turn ratings (one total per judge × submission) into one score per submission.

* ``raw``: the mean of a submission's totals. Rewards drawing lenient judges.
* ``zscore``: each judge's totals standardised by that judge's own mean and standard deviation,
  then averaged: the usual baseline. With ~15 ratings a judge the standardisation is noisy, and a
  careless judge counts as much as a careful one.
* ``calibrated``: the model total_jp = a_j + b_j·q_p + ε, ε ~ N(0, σ_j²) — judge j's leniency a_j,
  spread b_j and noise σ_j, submission p's quality q_p ~ N(0, 1) — fitted by expectation–maximisation
  with priors (see :func:`calibrated`). Judges are weighed by b_j²/σ_j², what they prove to be worth.

Every method returns a :class:`Fit`: a score per submission (higher is better; NaN when nobody
rated it) and ``information`` per submission (the precision of its score: a count of reviews for
raw and z-scores, the model's posterior precision for calibrated), with ``typical_rating``, what one
more typical review adds to it; the next-review choice uses both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sprintlab.judging.ranking.scores import Ratings

METHODS = ("raw", "zscore", "calibrated")


@dataclass(frozen=True)
class Fit:
    score: np.ndarray  # per submission, ratings.submissions order; NaN when unrated
    information: np.ndarray  # per submission; one more typical rating adds `typical_rating`
    typical_rating: float = 1.0
    judge_weight: np.ndarray = field(default_factory=lambda: np.array([]))  # per judge, when the method has one


def per_index(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    return np.bincount(index, weights=values, minlength=size)


def _mean_by(index: np.ndarray, values: np.ndarray, weights: np.ndarray, size: int) -> np.ndarray:
    total = per_index(index, weights, size)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, per_index(index, values * weights, size) / np.where(total > 0, total, 1), np.nan)


def raw(ratings: Ratings) -> Fit:
    ones = np.ones(ratings.size)
    count = per_index(ratings.submission, ones, len(ratings.submissions))
    score = _mean_by(ratings.submission, ratings.value, ones, len(ratings.submissions))
    return Fit(score=score, information=count)


def judge_z_scores(ratings: Ratings) -> np.ndarray:
    """Each rating as its judge's z-score; 0 for a judge with one rating or all ratings equal."""
    J = len(ratings.judges)
    count = per_index(ratings.judge, np.ones(ratings.size), J)
    mean = per_index(ratings.judge, ratings.value, J) / np.maximum(count, 1)
    centred = ratings.value - mean[ratings.judge]
    sd = np.sqrt(per_index(ratings.judge, centred**2, J) / np.maximum(count - 1, 1))[ratings.judge]
    return np.divide(centred, sd, out=np.zeros(ratings.size), where=sd > 0)


def zscore(ratings: Ratings) -> Fit:
    """Per-judge z-scores, averaged per submission."""
    ones = np.ones(ratings.size)
    n_subs = len(ratings.submissions)
    score = _mean_by(ratings.submission, judge_z_scores(ratings), ones, n_subs)
    return Fit(score=score, information=per_index(ratings.submission, ones, n_subs))


@dataclass(frozen=True)
class Priors:
    """The calibrated model's priors (benchmarked in docs/judging.md; the defaults won there).

    ``spread_sd``: sd of the prior on b_j around the judges' typical spread (as a fraction of it).
    ``noise_strength``: the inverse-gamma prior on σ_j² weighs as this many pseudo-ratings at the
    pooled noise level, so a judge with few ratings is not trusted (or distrusted) on luck.
    ``student_nu``: degrees of freedom of the Student-t likelihood (a stray score counts less);
    ``None`` for a Gaussian one.
    """

    spread_sd: float = 0.35
    noise_strength: float = 4.0
    student_nu: float | None = None
    iterations: int = 60
    tolerance: float = 1e-5


@dataclass(frozen=True)
class Calibration:
    """The fitted calibrated model, all arrays in ratings order."""

    quality: np.ndarray  # posterior mean of q_p (NaN when unrated)
    quality_var: np.ndarray  # posterior variance of q_p (1 when unrated: the prior)
    leniency: np.ndarray  # a_j
    spread: np.ndarray  # b_j
    noise: np.ndarray  # σ_j
    iterations: int


def calibrate(ratings: Ratings, priors: Priors = Priors()) -> Calibration:
    """Fit total_jp = a_j + b_j·q_p + ε_jp by EM, q_p ~ N(0, 1) the latent quality.

    E-step: q_p's Gaussian posterior given every judge's (a_j, b_j, σ_j).
    M-step, per judge: (a_j, b_j) by ridge regression of the totals on E[q_p] that also counts
    Var[q_p] (so a judge's spread is not underestimated because the qualities are uncertain), with
    a_j's prior centred on the judges' mean leniency and b_j's on their mean spread (empirical Bayes:
    the centres are refitted every iteration); σ_j² is the posterior mode under an inverse-gamma
    prior centred on the pooled noise. A careless judge's totals do not follow q_p, so σ_j grows,
    b_j shrinks and the weight b_j²/σ_j² falls towards zero.
    """
    J, P = len(ratings.judges), len(ratings.submissions)
    j, p, x = ratings.judge, ratings.submission, ratings.value
    n_j = per_index(j, np.ones(ratings.size), J)
    overall_sd = float(np.std(x)) or 1.0
    a = np.full(J, float(np.mean(x)))
    b = np.full(J, overall_sd * 0.7)
    s2 = np.full(J, (overall_sd * 0.7) ** 2)
    w_obs = np.ones(ratings.size)
    lenient_var = float(np.var(x)) or 1.0
    m = np.zeros(P)
    v = np.ones(P)
    it = 0
    for it in range(1, priors.iterations + 1):  # noqa: B007 - the count is reported
        # E-step: q_p | totals, with q_p ~ N(0, 1).
        prec_term = w_obs * b[j] ** 2 / s2[j]
        precision = 1.0 + per_index(p, prec_term, P)
        v = 1.0 / precision
        m_new = per_index(p, w_obs * b[j] * (x - a[j]) / s2[j], P) * v
        # M-step for the priors' centres and each judge's (a, b, σ²).
        a_centre, b_centre = float(np.mean(a)), max(float(np.mean(b)), 1e-6)
        a_prior_prec = 1.0 / max(lenient_var, 1e-6)
        b_prior_prec = 1.0 / (priors.spread_sd * b_centre) ** 2
        mj, vj = m_new[p], v[p]
        S = w_obs / s2[j]
        A11 = per_index(j, S, J) + a_prior_prec
        A12 = per_index(j, S * mj, J)
        A22 = per_index(j, S * (mj**2 + vj), J) + b_prior_prec
        r1 = per_index(j, S * x, J) + a_prior_prec * a_centre
        r2 = per_index(j, S * x * mj, J) + b_prior_prec * b_centre
        det = A11 * A22 - A12**2
        a = (A22 * r1 - A12 * r2) / det
        b = np.maximum((A11 * r2 - A12 * r1) / det, 1e-3 * b_centre)
        resid2 = (x - a[j] - b[j] * mj) ** 2 + b[j] ** 2 * vj
        lenient_var = max(float(np.var(a)), 1e-4)
        pooled = float(np.sum(w_obs * resid2) / np.sum(w_obs))
        alpha0 = priors.noise_strength / 2
        beta0 = alpha0 * pooled
        s2 = np.maximum((beta0 + 0.5 * per_index(j, w_obs * resid2, J)) / (alpha0 + 1 + 0.5 * n_j), 1e-6)
        if priors.student_nu is not None:
            nu = priors.student_nu
            w_obs = (nu + 1) / (nu + resid2 / s2[j])
        converged = np.max(np.abs(m_new - m)) < priors.tolerance
        m = m_new
        if converged:
            break
    rated = per_index(p, np.ones(ratings.size), P) > 0
    return Calibration(
        quality=np.where(rated, m, np.nan),
        quality_var=v,
        leniency=a,
        spread=b,
        noise=np.sqrt(s2),
        iterations=it,
    )


def calibrated(ratings: Ratings, priors: Priors = Priors()) -> Fit:
    """The calibrated score, shown on the scale of a typical judge: mean(a) + mean(b)·q_p."""
    c = calibrate(ratings, priors)
    weight = c.spread**2 / c.noise**2
    return Fit(
        score=float(np.mean(c.leniency)) + float(np.mean(c.spread)) * c.quality,
        information=1.0 / c.quality_var,
        typical_rating=float(np.median(weight)),
        judge_weight=weight,
    )


def fit(ratings: Ratings, method: str, **options) -> Fit:
    if method == "raw":
        return raw(ratings)
    if method == "zscore":
        return zscore(ratings)
    if method == "calibrated":
        return calibrated(ratings, **options)
    raise ValueError(f"Unknown ranking method {method!r}; choose one of {', '.join(METHODS)}.")
