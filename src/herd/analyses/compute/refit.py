"""The refit of Chinchilla's parametric law L(N, D) = E + A/N^α + B/D^β from the 245 training
runs Epoch AI read off Chinchilla's Figure 4 (``data/chinchilla_figure4.csv``), and its bootstrap.

The fit is Hoffmann et al.'s (2022, Appendix D.2) as Besiroglu et al. (2024) redid it: the Huber
loss (δ = 10⁻³) between predicted and observed log loss, minimised with L-BFGS from every point
of a grid of 4,500 starting points, the best kept. Most starts do not reach the best fit: they
stop on plateaus where one term of the law vanishes (E → 0, or α or β large), whose loss is
several times the best. So a resample's best fit cannot be assumed to lie where the full data's
does; each bootstrap draw is refitted from every distinct end point the grid reaches
(:func:`bootstrap_refit`).

The many small fits run at once: :func:`bfgs` minimises a batch of independent objectives
together (one array operation per step for all of them), in coordinates centred on the runs'
mean log N and log D, where the problem is well conditioned.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import huber
from threadpoolctl import threadpool_limits

from herd.base import memo

from .laws import ParametricLoss, constants, standard_errors, tokens_for

HUBER_DELTA = 1e-3
"""Huber threshold on log-loss residuals: Hoffmann et al. 2022, Appendix D.2 (δ = 10⁻³)."""

CHINCHILLA_GRID = {
    "a": np.arange(0.0, 30.0, 5.0),
    "b": np.arange(0.0, 30.0, 5.0),
    "e": np.arange(-1.0, 1.5, 0.5),
    "alpha": np.arange(0.0, 2.5, 0.5),
    "beta": np.arange(0.0, 2.5, 0.5),
}
"""Starting points of Hoffmann et al. 2022, Appendix D.2: a, b ∈ {0, 5, …, 25}, e ∈ {−1, −0.5, …, 1},
α, β ∈ {0, 0.5, …, 2}, where A = eᵃ, B = eᵇ, E = eᵉ (4,500 starts)."""

OUTLIERS_EXCLUDED = 5
"""Epoch AI's fit leaves out the five runs with the highest loss (all near 10¹⁹ FLOPs);
:func:`figure4_points` marks them."""

AT_BEST = 1e-9
"""How close (in summed Huber loss, about 10⁻³ at the best fit) an end point must come to the best
to count as reaching it."""

DISTINCT = 1e-3
"""End points closer than this in every centred coordinate are the same local optimum."""

CANDIDATES = 3
"""How many of the grid's distinct end points each bootstrap draw is refitted from: the best few
for that draw's own loss."""

GTOL, FTOL, MAX_ITER = 1e-9, 1e-13, 3000
"""Convergence of :func:`bfgs`: the largest gradient component below ``GTOL``, or a step lowering the
loss by less than ``FTOL``·max(|f|, 1) (scipy's two tests); at most ``MAX_ITER`` steps. The summed
Huber loss is about 10⁻³ at its minimum, so scipy's default ftol (an absolute 2·10⁻⁹ here) would
stop a fit started near its optimum after a few steps and collapse the bootstrap's spread."""


def figure4_points(package, exclude_highest: int = OUTLIERS_EXCLUDED) -> pd.DataFrame:
    """Chinchilla's training runs as Epoch AI read them off Figure 4: parameters N, compute C,
    loss, tokens D = C / (6N) (as Epoch computed them), and whether the run is one of the
    ``exclude_highest`` highest-loss runs left out of the fit."""
    t = package.chinchilla_figure4
    t["tokens"] = tokens_for(t["training_flops"], t["parameters"])
    t["excluded"] = False
    if exclude_highest:
        cutoff = np.sort(t["loss"].to_numpy())[-exclude_highest]
        t["excluded"] = t["loss"] >= cutoff
    return t


def huber_objective(theta, log_params, log_tokens, log_loss, weights, delta: float = HUBER_DELTA):
    """Σ wᵢ·Huber_δ(LSE(a − α·log Nᵢ, b − β·log Dᵢ, e) − log Lᵢ) and its gradient in
    θ = (a, b, e, α, β): Hoffmann et al.'s objective, with bootstrap weights wᵢ."""
    a, b, e, alpha, beta = theta
    t1 = a - alpha * log_params
    t2 = b - beta * log_tokens
    top = np.maximum(np.maximum(t1, t2), e)
    x1, x2, x3 = np.exp(t1 - top), np.exp(t2 - top), np.exp(e - top)
    total = x1 + x2 + x3
    residual = top + np.log(total) - log_loss
    value = float((weights * huber(delta, residual)).sum())
    slope = weights * np.clip(residual, -delta, delta) / total
    g1, g2 = slope * x1, slope * x2
    grad = np.array([g1.sum(), g2.sum(), (slope * x3).sum(), -(g1 * log_params).sum(), -(g2 * log_tokens).sum()])
    return value, grad


# --------------------------------------------------------------------------- many fits at once


@dataclass(frozen=True)
class Runs:
    """The runs a fit reads, as logs centred on their means: log Nᵢ − x̄ and log Dᵢ − ȳ, and log Lᵢ."""

    x: np.ndarray
    y: np.ndarray
    log_loss: np.ndarray
    x_mean: float
    y_mean: float

    @classmethod
    def of(cls, params, tokens, loss) -> Runs:
        """The runs from their sizes, tokens and losses (checked: positive, finite, same length)."""
        n, d, l = _check_runs(params, tokens, loss)
        x, y = np.log(n), np.log(d)
        return cls(x - x.mean(), y - y.mean(), np.log(l), float(x.mean()), float(y.mean()))

    def key(self) -> list:
        """The runs as an input of a :mod:`herd.base.memo` key."""
        return [self.x, self.y, self.log_loss, self.x_mean, self.y_mean]

    def centre(self, theta) -> np.ndarray:
        """θ = (a, b, e, α, β) rows in centred coordinates (a − α·x̄, b − β·ȳ, e, α, β)."""
        u = np.array(theta, dtype=float, ndmin=2)
        u[:, 0] -= u[:, 3] * self.x_mean
        u[:, 1] -= u[:, 4] * self.y_mean
        return u

    def uncentre(self, u) -> np.ndarray:
        """The inverse of :meth:`centre`."""
        theta = np.array(u, dtype=float, ndmin=2)
        theta[:, 0] += theta[:, 3] * self.x_mean
        theta[:, 1] += theta[:, 4] * self.y_mean
        return theta

    def huber_each(self, u, delta: float = HUBER_DELTA) -> np.ndarray:
        """The Huber loss of every run (columns) at each row of ``u`` (centred θ), unweighted."""
        a, b, e, alpha, beta = (u[:, k : k + 1] for k in range(5))
        t1, t2 = a - alpha * self.x, b - beta * self.y
        top = np.maximum(np.maximum(t1, t2), e)
        residual = top + np.log(np.exp(t1 - top) + np.exp(t2 - top) + np.exp(e - top)) - self.log_loss
        return huber(delta, residual)

    def losses(self, u, weights, delta: float = HUBER_DELTA, gradient: bool = True):
        """The summed Huber loss of each row of ``u`` (centred θ) with its row of ``weights`` (or one
        row for all), and its gradient."""
        a, b, e, alpha, beta = (u[:, k : k + 1] for k in range(5))
        t1, t2 = a - alpha * self.x, b - beta * self.y
        top = np.maximum(np.maximum(t1, t2), e)
        x1, x2, x3 = np.exp(t1 - top), np.exp(t2 - top), np.exp(e - top)
        total = x1 + x2 + x3
        residual = top + np.log(total) - self.log_loss
        value = (weights * huber(delta, residual)).sum(axis=1)
        if not gradient:
            return value
        slope = weights * np.clip(residual, -delta, delta) / total
        g1, g2 = slope * x1, slope * x2
        grad = np.stack(
            [g1.sum(1), g2.sum(1), (slope * x3).sum(1), -(g1 * self.x).sum(1), -(g2 * self.y).sum(1)], axis=1
        )
        return value, grad


def bfgs(fun, u0, max_iter: int = MAX_ITER, gtol: float = GTOL, ftol: float = FTOL):
    """Minimise many independent smooth objectives at once with BFGS and a backtracking (Armijo) line
    search: ``fun(u, rows)`` returns the values and gradients of the objectives ``rows`` at the
    points ``u`` (one row each). Each objective stops on its own, by :data:`GTOL` or :data:`FTOL`
    (converged) or when its line search fails or ``max_iter`` steps are spent (not converged).

    Returns the end points, their values, whether each converged, and the steps each took."""
    u = np.array(u0, dtype=float)
    m, dim = u.shape
    f, g = fun(u, np.arange(m))
    inverse = np.tile(np.eye(dim), (m, 1, 1))
    state = np.zeros(m, dtype=int)  # 0 running, 1 converged, 2 stopped
    steps = np.zeros(m, dtype=int)
    for _ in range(max_iter):
        state[(state == 0) & (np.abs(g).max(axis=1) < gtol)] = 1
        rows = np.flatnonzero(state == 0)
        if not rows.size:
            break
        p = -np.einsum("mij,mj->mi", inverse[rows], g[rows])
        slope = (g[rows] * p).sum(axis=1)
        uphill = slope >= 0  # a stale curvature estimate: restart from steepest descent
        inverse[rows[uphill]] = np.eye(dim)
        p[uphill] = -g[rows[uphill]]
        slope[uphill] = -(g[rows[uphill]] ** 2).sum(axis=1)
        step, accepted = np.ones(rows.size), np.zeros(rows.size, dtype=bool)
        f_new, g_new = np.empty(rows.size), np.empty((rows.size, dim))
        for _ in range(60):
            todo = np.flatnonzero(~accepted)
            if not todo.size:
                break
            fv, gv = fun(u[rows[todo]] + step[todo, None] * p[todo], rows[todo])
            ok = np.isfinite(fv) & (fv <= f[rows[todo]] + 1e-4 * step[todo] * slope[todo])
            f_new[todo[ok]], g_new[todo[ok]], accepted[todo[ok]] = fv[ok], gv[ok], True
            step[todo[~ok]] *= 0.5
        state[rows[~accepted]] = 2
        done = np.flatnonzero(accepted)
        moved = rows[done]
        s = step[done, None] * p[done]
        change = g_new[done] - g[moved]
        decrease = f[moved] - f_new[done]
        u[moved] += s
        f[moved], g[moved] = f_new[done], g_new[done]
        steps[moved] += 1
        curvature = (s * change).sum(axis=1)
        good = curvature > 0
        if good.any():
            k, rho = np.flatnonzero(good), 1.0 / curvature[good]
            left = np.eye(dim) - rho[:, None, None] * s[k][:, :, None] * change[k][:, None, :]
            inverse[moved[k]] = left @ inverse[moved[k]] @ left.transpose(0, 2, 1) + (
                rho[:, None, None] * s[k][:, :, None] * s[k][:, None, :]
            )
        state[moved[decrease <= ftol * np.maximum(np.abs(f[moved]), 1.0)]] = 1
    return u, f, state == 1, steps


# --------------------------------------------------------------------------- the fit


GRID_ORDER = ("a", "b", "e", "alpha", "beta")


def _grid_key(grid: dict) -> dict:
    """A grid of starting points as an input of a :mod:`herd.base.memo` key."""
    return {k: np.asarray(grid[k], dtype=float) for k in GRID_ORDER}


def _grid_starts(grid: dict) -> np.ndarray:
    """Every starting point of ``grid`` (one row each, θ = (a, b, e, α, β))."""
    return np.array(list(itertools.product(*(grid[k] for k in GRID_ORDER))), dtype=float)


def _law_from_theta(theta) -> ParametricLoss:
    a, b, e, alpha, beta = (float(v) for v in theta)
    return ParametricLoss(E=math.exp(e), A=math.exp(a), B=math.exp(b), alpha=alpha, beta=beta)


@dataclass(frozen=True)
class Refit:
    """The best fit of L(N, D) = E + A/N^α + B/D^β to a set of training runs, and the grid's end
    points it was chosen from."""

    law: ParametricLoss
    theta: tuple[float, float, float, float, float]
    objective: float
    points: int
    starts: int
    at_best: int
    """starts whose L-BFGS run (scipy's default tolerances) ended within :data:`AT_BEST` of the best"""
    reach_best: int
    """starts whose end point, refined to convergence, reaches the best"""
    candidates: np.ndarray
    """the distinct end points (θ rows, best first): where each bootstrap draw is refitted from"""
    candidate_losses: np.ndarray


def _check_runs(params, tokens, loss) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    arrays = []
    for name, values in (("params", params), ("tokens", tokens), ("loss", loss)):
        v = np.asarray(values, dtype=float)
        if v.ndim != 1 or not len(v):
            raise ValueError(f"{name}: expected a non-empty 1-D array of numbers")
        if not np.all(np.isfinite(v) & (v > 0)):
            raise ValueError(f"{name}: every value must be a positive finite number")
        arrays.append(v)
    if len({len(v) for v in arrays}) != 1:
        raise ValueError(f"params, tokens and loss must have the same length, got {[len(v) for v in arrays]}")
    return arrays[0], arrays[1], arrays[2]


def distinct(points: np.ndarray, losses: np.ndarray, tolerance: float = DISTINCT) -> np.ndarray:
    """Indices of the distinct points, best loss first: a point is kept unless a kept point with a
    lower loss lies within ``tolerance`` of it in every coordinate."""
    kept: list[int] = []
    for i in np.argsort(losses, kind="stable"):
        if not kept or np.abs(points[kept] - points[i]).max(axis=1).min() > tolerance:
            kept.append(int(i))
    return np.array(kept, dtype=int)


def fit_parametric(
    params, tokens, loss, *, delta: float = HUBER_DELTA, grid: dict | None = None, weights=None
) -> Refit:
    """Fit L(N, D) the way Hoffmann et al. (2022) and Besiroglu et al. (2024) did: minimise the
    Huber loss (threshold ``delta``) between predicted and observed log loss with L-BFGS (scipy,
    default tolerances) from every starting point of ``grid`` (default :data:`CHINCHILLA_GRID`);
    then refine every end point to convergence (:func:`bfgs`) and keep the best. The distinct end
    points are kept for the bootstrap."""
    runs = Runs.of(params, tokens, loss)
    w = np.ones(len(runs.x)) if weights is None else np.asarray(weights, dtype=float)
    grid = CHINCHILLA_GRID if grid is None else grid
    inputs = {
        "runs": runs.key(),
        "weights": w,
        "delta": delta,
        "grid": _grid_key(grid),
    }
    # the grid's 4,500 fits take half a minute: kept on disk under a key of these inputs and this code
    return memo.remember(
        __name__, "fit_parametric", inputs, lambda: _fit_grid(runs, w, delta, grid), _refit_data, _refit_from
    )


def _fit_grid(runs: Runs, w: np.ndarray, delta: float, grid: dict) -> Refit:
    n, d = np.exp(runs.x + runs.x_mean), np.exp(runs.y + runs.y_mean)
    args = (np.log(n), np.log(d), runs.log_loss, w, delta)
    starts = _grid_starts(grid)
    with threadpool_limits(limits=1):  # L-BFGS-B's BLAS calls on 5-vectors: threads only cost time
        ends = [minimize(huber_objective, start, args=args, jac=True, method="L-BFGS-B") for start in starts]
        first = np.array([r.fun for r in ends])
        u, refined, _, _ = bfgs(lambda v, rows: runs.losses(v, w, delta), runs.centre(np.array([r.x for r in ends])))
    best = int(np.argmin(refined))
    keep = distinct(u, refined)
    a, b, e, alpha, beta = (float(v) for v in runs.uncentre(u[best])[0])
    return Refit(
        law=_law_from_theta((a, b, e, alpha, beta)),
        theta=(a, b, e, alpha, beta),
        objective=float(refined[best]),
        points=len(runs.x),
        starts=len(starts),
        at_best=int(np.sum(first <= first.min() + AT_BEST)),
        reach_best=int(np.sum(refined <= refined[best] + AT_BEST)),
        candidates=runs.uncentre(u[keep]),
        candidate_losses=refined[keep],
    )


def _refit_data(fit: Refit) -> dict:
    return {
        "theta": list(fit.theta),
        "objective": fit.objective,
        "points": fit.points,
        "starts": fit.starts,
        "at_best": fit.at_best,
        "reach_best": fit.reach_best,
        "candidates": fit.candidates.tolist(),
        "candidate_losses": fit.candidate_losses.tolist(),
    }


def _refit_from(data: dict) -> Refit:
    theta = tuple(float(v) for v in data["theta"])
    return Refit(
        law=_law_from_theta(theta),
        theta=theta,  # type: ignore[arg-type]
        objective=float(data["objective"]),
        points=int(data["points"]),
        starts=int(data["starts"]),
        at_best=int(data["at_best"]),
        reach_best=int(data["reach_best"]),
        candidates=np.array(data["candidates"], dtype=float).reshape(-1, 5),
        candidate_losses=np.array(data["candidate_losses"], dtype=float),
    )


def fit_figure4(package, exclude_highest: int = OUTLIERS_EXCLUDED, grid: dict | None = None) -> Refit:
    """:func:`fit_parametric` on Chinchilla's Figure 4 runs, without the excluded ones."""
    pts = figure4_points(package, exclude_highest)
    kept = pts[~pts["excluded"]]
    return fit_parametric(kept["parameters"], kept["tokens"], kept["loss"], grid=grid)


# --------------------------------------------------------------------------- the bootstrap

CONSTANTS = ("E", "A", "B", "alpha", "beta")


def percentile_interval(values, level: float = 0.95) -> tuple[float, float]:
    """The central ``level`` percentile interval of ``values``."""
    tail = 100 * (1 - level) / 2
    lo, hi = np.percentile(np.asarray(values, dtype=float), [tail, 100 - tail])
    return float(lo), float(hi)


def _kept(points: pd.DataFrame) -> Runs:
    kept = points[~points["excluded"]] if "excluded" in points else points
    return Runs.of(kept["parameters"], kept["tokens"], kept["loss"])


def resample_weights(runs: int, draws: int, seed: int) -> np.ndarray:
    """Bootstrap resamples of ``runs`` runs as multinomial counts (one row per draw), used as weights
    in the objective: the same sum as repeating each run that many times, without copying data."""
    if draws < 1:
        raise ValueError(f"draws: expected a positive count, got {draws}")
    rng = np.random.default_rng(seed)
    return rng.multinomial(runs, np.full(runs, 1.0 / runs), size=draws).astype(float)


def refit_draws(runs: Runs, refit: Refit, weights: np.ndarray, candidates: int = CANDIDATES, delta=HUBER_DELTA):
    """Refit each row of ``weights`` from the ``candidates`` end points of the grid
    (``refit.candidates``) whose loss on that draw is lowest, and keep each draw's best.

    Returns the best centred θ of each draw, its loss, whether that fit converged, and which
    candidate (its index in ``refit.candidates``; 0 is the full data's best fit) it came from."""
    starts = runs.centre(refit.candidates)
    at_starts = weights @ runs.huber_each(starts, delta).T  # each draw's loss at each candidate
    k = min(candidates, len(starts))
    chosen = np.argsort(at_starts, axis=1, kind="stable")[:, :k]
    draws = np.repeat(np.arange(len(weights)), k)
    u0 = starts[chosen.ravel()]
    with threadpool_limits(limits=1):
        u, f, converged, _ = bfgs(lambda v, rows: runs.losses(v, weights[draws[rows]], delta), u0)
    f = f.reshape(len(weights), k)
    pick = np.argmin(f, axis=1)
    index = np.arange(len(weights)) * k + pick
    return u[index], f[np.arange(len(weights)), pick], converged[index], chosen[np.arange(len(weights)), pick]


def bootstrap_refit(
    points: pd.DataFrame,
    refit: Refit,
    flops: float,
    draws: int,
    seed: int,
    candidates: int = CANDIDATES,
    delta: float = HUBER_DELTA,
) -> pd.DataFrame:
    """Resample the runs (with replacement, ``draws`` times, from ``seed``), refit each resample from
    the grid's end points (:func:`refit_draws`), and return each draw's constants, its
    compute-optimal N and D at ``flops``, whether its fit converged and the candidate it came from
    (``from_best``: the full data's best fit). Resampling runs, not constants, keeps the correlation
    between the constants."""
    runs = _kept(points)
    inputs = {
        "runs": runs.key(),
        "candidates": np.asarray(refit.candidates, dtype=float),
        "flops": float(flops),
        "draws": draws,
        "seed": seed,
        "best_of": candidates,
        "delta": delta,
    }
    # thousands of refits: kept on disk under these inputs and this code
    return memo.remember(
        __name__,
        "bootstrap_refit",
        inputs,
        lambda: _bootstrap(runs, refit, flops, draws, seed, candidates, delta),
        memo.frame_dump,
        memo.frame_load,
    )


def _bootstrap(
    runs: Runs, refit: Refit, flops: float, draws: int, seed: int, candidates: int, delta: float
) -> pd.DataFrame:
    weights = resample_weights(len(runs.x), draws, seed)
    u, _, converged, source = refit_draws(runs, refit, weights, candidates, delta)
    theta = runs.uncentre(u)
    rows = []
    for i, t in enumerate(theta):
        law = _law_from_theta(t)
        rows.append(
            {
                "draw": i,
                "E": law.E,
                "A": law.A,
                "B": law.B,
                "alpha": law.alpha,
                "beta": law.beta,
                "params": float(law.params(flops)),
                "tokens": float(law.tokens(flops)),
                "converged": bool(converged[i]),
                "candidate": int(source[i]),
                "from_best": bool(source[i] == 0),
            }
        )
    return pd.DataFrame(rows)


def grid_refit(
    runs: Runs, weights: np.ndarray, grid: dict | None = None, delta: float = HUBER_DELTA
) -> tuple[float, np.ndarray]:
    """The best fit a resample (one row of ``weights``) reaches from every starting point of the grid on
    its own data, each start run to convergence (:func:`bfgs`): the complete procedure that
    :func:`refit_draws` shortens, for checking it (slow: all 4,500 starts for one draw). Returns its loss
    and its θ = (a, b, e, α, β)."""
    grid = CHINCHILLA_GRID if grid is None else grid
    starts = _grid_starts(grid)
    w = np.asarray(weights, dtype=float)
    # a run the resample left out (weight 0, about a third of them) adds nothing to the loss or its gradient
    drawn = w > 0
    kept = Runs(runs.x[drawn], runs.y[drawn], runs.log_loss[drawn], runs.x_mean, runs.y_mean)
    with threadpool_limits(limits=1):
        u, f, _, _ = bfgs(lambda v, rows: kept.losses(v, w[None, drawn], delta), kept.centre(starts))
    best = int(np.argmin(f))
    return float(f[best]), kept.uncentre(u[best])[0]


def interval_end_draws(boot: pd.DataFrame, per_end: int, level: float = 0.95) -> pd.DataFrame:
    """The draws that set the ends of the ``level`` percentile interval of the compute-optimal N
    (:func:`percentile_interval`): for each end, the ``per_end`` draws whose ranks among
    the sorted N lie nearest the percentile's position, (n − 1)·q counted from 0, which numpy's linear rule
    interpolates between its two neighbours (with ``per_end`` = 2, exactly those two).

    Returns one row per draw: ``end`` (lower or upper), ``draw`` (its row of the resample weights),
    ``rank`` (1 for the smallest N) and ``params``."""
    if per_end < 1:
        raise ValueError(f"per_end: expected a positive count, got {per_end}")
    n = len(boot)
    if n < 2 * per_end:
        raise ValueError(f"per_end: {per_end} draws at each end need at least {2 * per_end} draws, got {n}")
    order = np.argsort(boot["params"].to_numpy(), kind="stable")
    tail = (1 - level) / 2
    rows = []
    for end, q in (("lower", tail), ("upper", 1 - tail)):
        position = (n - 1) * q
        nearest = np.argsort(np.abs(np.arange(n) - position), kind="stable")[:per_end]
        for rank in sorted(int(r) for r in nearest):
            i = order[rank]
            rows.append(
                {
                    "end": end,
                    "draw": int(boot["draw"].iloc[i]),
                    "rank": rank + 1,
                    "params": float(boot["params"].iloc[i]),
                }
            )
    return pd.DataFrame(rows)


def shortcut_check(
    points: pd.DataFrame, refit: Refit, boot: pd.DataFrame, flops: float, per_end: int, seed: int
) -> pd.DataFrame:
    """The check of the bootstrap's shortcut (:func:`refit_draws`) against the complete procedure, on the
    draws that set the ends of the interval of N (:func:`interval_end_draws` of ``boot``, the bootstrap
    :func:`bootstrap_refit` made with ``seed``): for each, the best loss of the shortcut and the best
    fit the whole grid reaches on the resample's own data (:func:`grid_refit`), by how much the grid's
    loss is lower (``better_by``; 0 or less: the shortcut missed no better fit) and the compute-optimal
    N at ``flops`` of the grid's fit (``grid_params``). About ten seconds a draw: kept in :mod:`herd.base.memo`."""
    runs = _kept(points)
    ends = interval_end_draws(boot, per_end)
    inputs = {
        "runs": runs.key(),
        "candidates": np.asarray(refit.candidates, dtype=float),
        "draws": len(boot),
        "picked": ends["draw"].tolist(),
        "seed": seed,
        "flops": float(flops),
        "grid": _grid_key(CHINCHILLA_GRID),
    }

    def compute() -> pd.DataFrame:
        weights = resample_weights(len(runs.x), len(boot), seed)[ends["draw"].to_numpy()]
        _, shortcut, _, _ = refit_draws(runs, refit, weights)
        whole = [grid_refit(runs, row) for row in weights]
        grid_loss = np.array([loss for loss, _ in whole])
        return ends.assign(
            shortcut_loss=shortcut,
            grid_loss=grid_loss,
            better_by=np.asarray(shortcut) - grid_loss,
            grid_params=[float(_law_from_theta(theta).params(flops)) for _, theta in whole],
        )

    return memo.remember(__name__, "shortcut_check", inputs, compute, memo.frame_dump, memo.frame_load)


def seeds(first: int, count: int) -> list[int]:
    """The seeds the chapter runs the bootstrap with: ``count`` consecutive ones from ``first`` (the
    first is the one whose draws it shows)."""
    return list(range(first, first + count))


def bootstrap_seeds(
    points: pd.DataFrame, refit: Refit, flops: float, draws: int, seeds: list[int], level: float = 0.95
) -> tuple[dict[int, pd.DataFrame], pd.DataFrame]:
    """:func:`bootstrap_refit` with each of ``seeds``, and a table of what each gives: the interval of
    the compute-optimal N and D and of tokens per parameter, and how many draws converged and came
    from the full data's best fit. Returns ({seed: draws}, table)."""
    boots = {seed: bootstrap_refit(points, refit, flops, draws=draws, seed=seed) for seed in seeds}
    rows = []
    for seed, boot in boots.items():
        n_lo, n_hi = percentile_interval(boot["params"], level)
        d_lo, d_hi = percentile_interval(boot["tokens"], level)
        r_lo, r_hi = percentile_interval(boot["tokens"] / boot["params"], level)
        rows.append(
            {
                "seed": seed,
                "params_low": n_lo,
                "params_high": n_hi,
                "tokens_low": d_lo,
                "tokens_high": d_hi,
                "ratio_low": r_lo,
                "ratio_high": r_hi,
                "converged": int(boot["converged"].sum()),
                "from_best": int(boot["from_best"].sum()),
                "draws": len(boot),
            }
        )
    return boots, pd.DataFrame(rows)


def compare_with_published(
    refit: Refit, boot: pd.DataFrame, table: pd.DataFrame, law: str = "besiroglu2024", level: float = 0.95
) -> pd.DataFrame:
    """The refit's constants, bootstrap standard errors and ``level`` percentile intervals beside a
    published fit's (value, standard error and interval from ``data/scaling_laws.csv``), with the
    difference in units of the published standard error."""
    published, ses = constants(table, law), standard_errors(table, law)
    bounds = table[table["law"] == law].set_index("parameter")
    rows = []
    for name in CONSTANTS:
        value = getattr(refit.law, name)
        se = ses.get(name, float("nan"))
        low, high = percentile_interval(boot[name], level)
        rows.append(
            {
                "constant": name,
                "refit": value,
                "bootstrap SE": float(boot[name].std(ddof=1)),
                "bootstrap low": low,
                "bootstrap high": high,
                "published": published[name],
                "published SE": se,
                "published low": float(bounds.loc[name, "ci_low"]),
                "published high": float(bounds.loc[name, "ci_high"]),
                "difference in published SEs": (value - published[name]) / se,
            }
        )
    return pd.DataFrame(rows)
