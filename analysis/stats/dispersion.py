"""How much the rate moves from wave to wave: Pearson dispersion and a beta-binomial fit per class.

Descriptive figures for the report's appendix: `dispersion` (Pearson phi, 1 = binomial) and the
beta-binomial intra-wave correlation rho (0 = every munition independent). The interval of each
class's pooled share is the one over waves of `analysis.stats.rates.wave_interval`; the
beta-binomial mean `bb_mu` weighs waves more equally than the pooled share and differs from it when
the share changes with the wave's size (it is not a second estimate of the same figure).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy import optimize, special, stats
from statsmodels.tools.numdiff import approx_hess

from analysis.stats.rates import (
    IntervalMethod,
    RateError,
    binomial_interval,
    cluster_key,
    parse_by,
    quasi_dispersion,
    select_rows,
    usable_counts,
    wave_interval,
    with_group_columns,
    with_wave_ids,
)


@dataclass(frozen=True)
class BetaBinomialFit:
    """Maximum-likelihood beta-binomial fit: mean rate `mu` and intra-wave correlation `rho`.

    Each wave's own rate is drawn from a Beta with mean mu; rho = 1 / (a + b + 1) is the share of
    the variance due to wave-to-wave differences (0 = plain binomial). A wave of n has variance
    n mu (1 - mu) (1 + (n - 1) rho).
    """

    mu: float
    mu_low: float
    mu_high: float
    rho: float
    rho_low: float
    rho_high: float
    loglik: float
    waves: int
    converged: bool

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _betabinom_negloglik(theta: np.ndarray, k: np.ndarray, n: np.ndarray) -> float:
    mu, rho = special.expit(theta)
    scale = (1 - rho) / rho
    a, b = mu * scale, (1 - mu) * scale
    # The beta-binomial log pmf without its binomial coefficient (constant in the parameters);
    # betaln directly is several times faster than stats.betabinom.logpmf.
    return -float(np.sum(special.betaln(k + a, n - k + b)) - len(k) * special.betaln(a, b))


def fit_beta_binomial(
    successes: np.ndarray, trials: np.ndarray, alpha: float = 0.05
) -> BetaBinomialFit:
    """Fit a beta-binomial to per-wave counts by maximum likelihood (scipy), with Wald intervals.

    The intervals are Wald intervals on the logit scale of mu and rho from the numerical Hessian
    of the log-likelihood, so they stay inside (0, 1). Needs at least three waves with trials.
    """
    k = np.round(np.asarray(successes, dtype=float))
    n = np.round(np.asarray(trials, dtype=float))
    keep = n > 0
    k, n = k[keep], n[keep]
    if len(n) < 3:
        raise RateError(f"beta-binomial fit needs at least 3 waves with launches, got {len(n)}")
    pooled = np.clip(k.sum() / n.sum(), 1e-3, 1 - 1e-3)
    phi = quasi_dispersion(k, n)
    mean_n = max(n.mean(), 2.0)
    # Method-of-moments start: phi ~ 1 + (n - 1) rho.
    rho0 = np.clip((phi - 1) / (mean_n - 1), 1e-3, 0.5) if np.isfinite(phi) else 0.01
    start = special.logit([pooled, rho0])
    result = optimize.minimize(_betabinom_negloglik, start, args=(k, n), method="Nelder-Mead",
                               options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 4000})
    theta = result.x
    z = stats.norm.ppf(1 - alpha / 2)
    try:
        hessian = approx_hess(theta, _betabinom_negloglik, args=(k, n))
        cov = np.linalg.inv(hessian)
        se = np.sqrt(np.diag(cov))
        if not np.all(np.isfinite(se)):
            raise np.linalg.LinAlgError
    except np.linalg.LinAlgError:
        se = np.array([np.nan, np.nan])
    mu, rho = special.expit(theta)
    log_choose = special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
    lows, highs = special.expit(theta - z * se), special.expit(theta + z * se)
    return BetaBinomialFit(
        mu=float(mu), mu_low=float(lows[0]), mu_high=float(highs[0]),
        rho=float(rho), rho_low=float(lows[1]), rho_high=float(highs[1]),
        loglik=float(log_choose.sum() - result.fun), waves=int(len(n)), converged=bool(result.success),
    )


def wave_counts(
    record: pd.DataFrame,
    convention: str = "neutralised",
    command: str = "national",
    by: str | list[str] | tuple[str, ...] = ("class",),
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Launched and counted per wave (cluster) and group: the data behind the dispersion figures."""
    keys = parse_by(by)
    rows = usable_counts(select_rows(with_wave_ids(record), command, start, end), convention)
    frame = with_group_columns(rows, keys)
    frame["wave"] = cluster_key(frame)
    frame["report_date"] = pd.to_datetime(frame["report_date"])
    aggregations = dict(report_date=("report_date", "max"), launched=("_n", "sum"),
                        counted=("_k", "sum"))
    if "convention" not in keys:
        aggregations["convention"] = ("convention", "first")
    out = frame.groupby([*keys, "wave"], observed=True, sort=True).agg(**aggregations).reset_index()
    out["rate"] = out["counted"] / out["launched"]
    return out


_BETA_BINOMIAL_COLUMNS = ("bb_mu", "bb_mu_low", "bb_mu_high", "rho", "rho_low", "rho_high")


def overdispersion_table(
    record: pd.DataFrame,
    convention: str = "neutralised",
    command: str = "national",
    classes: tuple[str, ...] = ("drone", "cruise", "ballistic"),
    method: IntervalMethod = "wilson",
    alpha: float = 0.05,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
    min_waves: int = 5,
) -> pd.DataFrame:
    """Per weapon class: pooled rate with its binomial interval and the interval over waves, the
    Pearson dispersion phi, and the beta-binomial mean and rho with their intervals.

    Under `destroyed` each convention period is a row of its own (see `rate_table`). Columns, always
    present even when nothing can be fitted: the grouping, `waves`, `launched`, `counted`, `rate`,
    `ci_low`, `ci_high`, `dispersion`, `od_low`, `od_high`, `bb_mu`, `bb_mu_low`, `bb_mu_high`,
    `rho`, `rho_low`, `rho_high`, `note`. Groups with fewer than `min_waves` waves (or whose fit
    fails) get NaN for the beta-binomial columns and say why in `note`; a record without any row of
    the classes gives an empty table with these columns.
    """
    by = ["class"] if convention == "neutralised" else ["class", "convention"]
    counts = wave_counts(record, convention, command, by, start, end)
    counts = counts[counts["class"].isin(classes)]
    records = []
    for group, waves in counts.groupby(by, sort=False, observed=True):
        group = group if isinstance(group, tuple) else (group,)
        k, n = waves["counted"].to_numpy(), waves["launched"].to_numpy()
        low, high = binomial_interval(k.sum(), n.sum(), method, alpha)
        od_low, od_high, interval_note = wave_interval(k, n, alpha)
        row = dict(zip(by, group, strict=True))
        row.update(waves=len(n), launched=int(n.sum()), counted=int(k.sum()), rate=k.sum() / n.sum(),
                   ci_low=low, ci_high=high, dispersion=quasi_dispersion(k, n), od_low=od_low,
                   od_high=od_high)
        row.update(dict.fromkeys(_BETA_BINOMIAL_COLUMNS, float("nan")), note="")
        if len(n) < min_waves:
            row["note"] = f"beta-binomial not fitted: {len(n)} wave(s), needs at least {max(min_waves, 3)}"
        else:
            try:
                fit = fit_beta_binomial(k, n, alpha)
            except RateError as error:
                row["note"] = f"beta-binomial not fitted: {error}"
            else:
                row.update(bb_mu=fit.mu, bb_mu_low=fit.mu_low, bb_mu_high=fit.mu_high, rho=fit.rho,
                           rho_low=fit.rho_low, rho_high=fit.rho_high)
        row["note"] = "; ".join(filter(None, [interval_note, row["note"]]))
        records.append(row)
    columns = [*by, "waves", "launched", "counted", "rate", "ci_low", "ci_high", "dispersion", "od_low",
               "od_high", *_BETA_BINOMIAL_COLUMNS, "note"]
    table = pd.DataFrame(records, columns=columns)
    table = table.astype({c: float for c in columns if c not in (*by, "waves", "launched", "counted", "note")})
    table["class"] = pd.Categorical(table["class"], categories=list(classes), ordered=True)
    table = table.sort_values(by).reset_index(drop=True)
    table["class"] = table["class"].astype(str)
    table.attrs.update(convention=convention, command=command, method=method)
    return table
