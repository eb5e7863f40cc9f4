"""Forecast models of launches per period. Each is fitted to one class's complete periods and
draws sample paths of the periods ahead, so that any sum over them carries its own uncertainty.

- `naive`: the last period's daily rate repeated; its uncertainty a random walk of the rate
  whose step is the spread of the record's period-to-period changes.
- `moving-average`: the mean daily rate of the last few periods (3 months, 4 weeks, 7 days),
  with a random walk whose step is the spread of its one-period-ahead errors.
- `nb-trend`: a negative-binomial regression of the counts on time over the last year (and the
  weekday for daily data), with the days of the period as exposure: growth, and overdispersion
  the Poisson model lacks. Paths draw the coefficients from their estimated sampling
  distribution, then each period's count.
- `ets`: exponential smoothing of the log daily rate (statsmodels' ETS; simple, or with a damped
  trend, whichever has the lower AICc; weekly seasonality for daily data).
- `combined`: an equal mixture of the four: each path comes from one of them, in turn. A mixture
  never scores worse than the average of its members (the CRPS is convex), and combinations of
  simple forecasts are hard to beat; its intervals are wider than each member's.

The random walks work on the count scale, ETS on log((count + 0.5) / days) (zeros allowed).
Random-walk and ETS paths draw their error spread from its sampling distribution (a scaled inverse chi-square), so
that a spread estimated from a short record widens the intervals as a t distribution would.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analysis.stats.forecast.series import ForecastError, History

MODEL_NAMES = ("naive", "moving-average", "nb-trend", "ets", "combined")
MEMBERS = MODEL_NAMES[:-1]  # what `combined` mixes
BASELINE = "naive"
MOVING_AVERAGE_PERIODS = {"month": 3, "week": 4, "day": 7}
TREND_WINDOW = {"month": 12, "week": 52, "day": 364}  # one year of periods
MAX_LOG_RATE = 20.0  # e^20 a day: far beyond any record, keeps draws finite
WEEKDAYS = ("Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # effects against Monday


def log_rate(counts: np.ndarray, days: np.ndarray) -> np.ndarray:
    return np.log((np.asarray(counts, dtype=float) + 0.5) / days)


def from_log_rate(z: np.ndarray, days: np.ndarray) -> np.ndarray:
    return np.maximum(days * np.exp(np.minimum(z, MAX_LOG_RATE)) - 0.5, 0.0)


def _spread_draws(sigma: float, dof: int, paths: int, rng: np.random.Generator) -> np.ndarray:
    """(paths, 1) error spreads drawn from sigma's sampling distribution (dof degrees of freedom)."""
    dof = max(int(dof), 1)
    return sigma * np.sqrt(dof / rng.chisquare(dof, size=(paths, 1)))


@dataclass
class Fitted:
    """A model fitted to one class: its parameters and how it draws paths."""

    name: str
    by: str
    params: dict[str, Any] = field(default_factory=dict)

    def simulate(self, starts: pd.DatetimeIndex, days: np.ndarray, paths: int,
                 rng: np.random.Generator) -> np.ndarray:
        """(paths, periods) launches of the periods starting at `starts` (whole periods)."""
        raise NotImplementedError


@dataclass
class RandomWalkFit(Fitted):
    level: float = 0.0  # launches a day the forecast starts from
    sigma: float = 0.0  # spread of one step of the daily rate
    dof: int = 1

    def simulate(self, starts, days, paths, rng):
        spread = _spread_draws(self.sigma, self.dof, paths, rng)
        steps = rng.standard_normal((paths, len(days))) * spread
        return np.maximum(np.asarray(days) * (self.level + np.cumsum(steps, axis=1)), 0.0)


def fit_random_walk(history: History, periods: int, name: str) -> RandomWalkFit:
    """The mean daily rate of the last `periods` periods, and a random walk around it.

    On the count scale, as the textbook naive and average methods are (a log scale would turn the
    bursts of a class launched in a few big strikes into absurd multiplicative swings); the step
    is the root mean square of the method's one-period-ahead errors over the record, and paths
    are cut at zero.
    """
    rates = history.counts / history.days
    if len(rates) < periods + 2:
        raise ForecastError(f"{name}: needs at least {periods + 2} periods, got {len(rates)}")
    # the forecast made after period i: the mean rate of periods i-k+1..i
    levels = np.convolve(rates, np.ones(periods) / periods, mode="valid")  # levels[j] ends at j+k-1
    errors = rates[periods:] - levels[:-1]
    sigma = float(np.sqrt(np.mean(errors**2)))
    level = float(levels[-1])
    return RandomWalkFit(
        name=name, by=history.by, level=level, sigma=sigma, dof=len(errors),
        params={"periods_averaged": periods, "rate_per_day": level, "step_sd_per_day": sigma,
                "errors": len(errors)},
    )


# --- negative-binomial regression with trend -----------------------------------------------------


def _years(starts: pd.DatetimeIndex, days: np.ndarray, origin: pd.Timestamp) -> np.ndarray:
    """Each period's midpoint in years from `origin`."""
    offset = (pd.DatetimeIndex(starts) - origin) / pd.Timedelta(days=1)
    return (np.asarray(offset, dtype=float) + np.asarray(days) / 2.0) / 365.25


def _design(starts: pd.DatetimeIndex, days: np.ndarray, origin: pd.Timestamp, by: str) -> np.ndarray:
    columns = [np.ones(len(days)), _years(starts, days, origin)]
    if by == "day":
        weekday = pd.DatetimeIndex(starts).day_of_week
        columns += [(weekday == d).astype(float) for d in range(1, 7)]
    return np.column_stack(columns)


def _sqrt_cov(cov: np.ndarray) -> np.ndarray:
    """A square root of a covariance matrix, clipping any small negative eigenvalue to zero."""
    cov = (cov + cov.T) / 2.0
    values, vectors = np.linalg.eigh(cov)
    return vectors * np.sqrt(np.clip(values, 0.0, None))


@dataclass
class NBTrendFit(Fitted):
    origin: pd.Timestamp = pd.Timestamp(0)
    beta: np.ndarray = field(default_factory=lambda: np.zeros(0))
    root: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))  # sqrt of beta's covariance
    alpha: float = 0.0  # overdispersion: variance = mu + alpha mu^2
    dof: int = 1  # residual degrees of freedom: the draws' t and chi-square
    zero: bool = False  # nothing launched in the window: every path is zero

    def simulate(self, starts, days, paths, rng):
        days = np.asarray(days, dtype=float)
        if self.zero:
            return np.zeros((paths, len(days)))
        # coefficients from a multivariate t, dispersion from its scaled inverse chi-square:
        # the small-sample uncertainty of both, as the simulation study requires
        scale = np.sqrt(self.dof / rng.chisquare(self.dof, size=(paths, 1)))
        beta = self.beta + scale * (rng.standard_normal((paths, len(self.beta))) @ self.root.T)
        alpha = self.alpha * self.dof / rng.chisquare(self.dof, size=(paths, 1))
        design = _design(starts, days, self.origin, self.by)
        mu = days * np.exp(np.minimum(beta @ design.T, MAX_LOG_RATE))  # (paths, periods)
        poisson = alpha <= 0
        shape = 1.0 / np.where(poisson, 1.0, alpha)
        rate = np.where(poisson, mu, rng.gamma(shape, mu / shape))
        return rng.poisson(rate).astype(float)


def _pearson_alpha(counts: np.ndarray, mu: np.ndarray, dof: int) -> float:
    """The alpha at which Pearson's statistic equals its degrees of freedom (0: not overdispersed)."""
    from scipy.optimize import brentq

    def excess(alpha: float) -> float:
        return float(np.sum((counts - mu) ** 2 / (mu + alpha * mu**2))) - dof

    if excess(0.0) <= 0:
        return 0.0
    upper = 1.0
    while excess(upper) > 0 and upper < 1e6:
        upper *= 10.0
    return float(brentq(excess, 0.0, upper)) if excess(upper) <= 0 else upper


def fit_nb_trend(history: History, window: int | None = None) -> NBTrendFit:
    """NB2 regression log mu = a + b years (+ weekday) + log(days) over the last `window` periods.

    The dispersion alpha is the moment estimate (Pearson's statistic equal to its degrees of
    freedom, alternating with the fit of the coefficients): maximum likelihood underestimates it
    on a year of months, and the simulation study showed intervals short of their level.
    """
    import statsmodels.api as sm
    from scipy import stats

    window = window or TREND_WINDOW[history.by]
    starts, counts, days = history.starts[-window:], history.counts[-window:], history.days[-window:]
    origin = pd.Timestamp(starts[-1])
    base = {"window_periods": len(counts), "window_start": str(starts[0].date())}
    if counts.sum() == 0:
        return NBTrendFit(name="nb-trend", by=history.by, origin=origin, zero=True,
                          params={**base, "note": "nothing launched in the window"})
    design = _design(starts, days, origin, history.by)
    dof = len(counts) - design.shape[1]
    if dof < 3:
        raise ForecastError(f"nb-trend: needs at least {design.shape[1] + 3} periods, got {len(counts)}")
    alpha, result = 0.0, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # separation and boundary warnings: the fit is checked below
        for _ in range(4):
            family = (sm.families.Poisson() if alpha == 0 else
                      sm.families.NegativeBinomial(alpha=alpha))
            try:
                result = sm.GLM(counts, design, family=family, exposure=days).fit()
            except (np.linalg.LinAlgError, ValueError) as error:
                raise ForecastError(f"nb-trend: the regression could not be fitted ({error})") from None
            updated = _pearson_alpha(counts, np.asarray(result.mu), dof)
            if abs(updated - alpha) <= 1e-3 * max(alpha, 1e-6):
                break
            alpha = updated
    beta = np.asarray(result.params)
    cov = np.asarray(result.cov_params())
    if not (np.all(np.isfinite(beta)) and np.all(np.isfinite(cov))):
        raise ForecastError("nb-trend: the regression did not converge")
    slope, slope_se = float(beta[1]), float(math.sqrt(max(cov[1, 1], 0.0)))
    t = float(stats.t.ppf(0.975, dof))
    params = {**base, "rate_per_day_at_last_period": float(math.exp(
        beta[0] + beta[1] * _years(starts[-1:], days[-1:], origin)[0])),
        "trend_log_per_year": slope, "trend_ci95": [slope - t * slope_se, slope + t * slope_se],
        "growth_per_year": float(math.expm1(slope)), "alpha": alpha,
        "family": "negative binomial (NB2), alpha by moments" if alpha > 0 else
                  "Poisson (no overdispersion found)"}
    if history.by == "day":
        params["weekday_log_effects_vs_monday"] = dict(zip(WEEKDAYS, map(float, beta[2:]), strict=True))
    return NBTrendFit(name="nb-trend", by=history.by, origin=origin, beta=beta,
                      root=_sqrt_cov(cov), alpha=alpha, dof=dof, params=params)


# --- exponential smoothing on the log rate --------------------------------------------------------


@dataclass
class ETSFit(Fitted):
    result: Any = None
    sigma: float = 0.0
    dof: int = 1

    def simulate(self, starts, days, paths, rng):
        spread = _spread_draws(self.sigma, self.dof, paths, rng)  # (paths, 1)
        errors = (rng.standard_normal((paths, len(days))) * spread).T
        z = self.result.simulate(len(days), anchor="end", repetitions=paths, random_errors=errors)
        z = np.asarray(z, dtype=float).reshape(len(days), paths).T
        return from_log_rate(z, np.asarray(days, dtype=float))


def fit_ets(history: History) -> ETSFit:
    """ETS with additive errors on the log daily rate: the form with the lower AICc."""
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    z = log_rate(history.counts, history.days)
    seasonal = {"seasonal": "add", "seasonal_periods": 7} if history.by == "day" else {}
    forms = {"A,N,N": {}}
    if len(z) >= 10:
        forms["A,Ad,N"] = {"trend": "add", "damped_trend": True}
    if len(z) < 4 or (seasonal and len(z) < 21):
        raise ForecastError(f"ets: needs at least {21 if seasonal else 4} periods, got {len(z)}")
    best = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # boundary solutions are common on short series
        for form, options in forms.items():
            try:
                result = ETSModel(z, error="add", **options, **seasonal).fit(disp=False, maxiter=500)
            except (np.linalg.LinAlgError, ValueError):
                continue
            if np.isfinite(result.aicc) and (best is None or result.aicc < best[1].aicc):
                best = (form, result)
    if best is None:
        raise ForecastError("ets: the model could not be fitted to this series")
    form, result = best
    if seasonal:
        form = form[:-1] + "A"
    n_params = len(result.params)
    dof = max(len(z) - n_params, 1)
    sigma = float(np.sqrt(np.sum(np.asarray(result.resid) ** 2) / dof))
    params = {"form": f"ETS({form}) on log daily rate", "sigma_log": sigma, "aicc": float(result.aicc)}
    params.update({name: float(v) for name, v in zip(result.param_names, result.params, strict=True)
                   if not name.startswith("initial_seasonal")})
    return ETSFit(name="ets", by=history.by, result=result, sigma=sigma, dof=dof, params=params)


@dataclass
class CombinedFit(Fitted):
    members: dict[str, Fitted] = field(default_factory=dict)

    def simulate(self, starts, days, paths, rng):
        names = list(self.members)
        counts = np.full(len(names), paths // len(names))
        counts[: paths % len(names)] += 1
        drawn = np.concatenate([self.members[name].simulate(starts, days, int(n), rng)
                                for name, n in zip(names, counts, strict=True)])
        return drawn[rng.permutation(paths)]  # no run order favours one member


def combine(members: dict[str, Fitted], by: str) -> CombinedFit:
    if not members:
        raise ForecastError("combined: none of its models could be fitted")
    return CombinedFit(name="combined", by=by, members=dict(members),
                       params={"mixture_of": list(members),
                               "members": {name: fit.params for name, fit in members.items()}})


def check_model(name: str, auto: bool = True) -> str:
    """A known model name (or `auto` where the backtest chooses)."""
    known = (("auto",) if auto else ()) + MODEL_NAMES
    if name not in known:
        raise ForecastError(f"--model: {name!r}: unknown model (known: {', '.join(known)})")
    return name


def fit_model(name: str, history: History) -> Fitted:
    """Fit the named model to one class's complete periods."""
    if name == "naive":
        return fit_random_walk(history, 1, "naive")
    if name == "moving-average":
        return fit_random_walk(history, MOVING_AVERAGE_PERIODS[history.by], "moving-average")
    if name == "nb-trend":
        return fit_nb_trend(history)
    if name == "ets":
        return fit_ets(history)
    if name == "combined":
        members = {}
        for member in MEMBERS:
            try:
                members[member] = fit_model(member, history)
            except ForecastError:
                continue
        return combine(members, history.by)
    check_model(name, auto=False)
    raise AssertionError(name)  # every known model is fitted above
