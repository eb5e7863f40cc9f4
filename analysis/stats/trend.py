"""Trend in the monthly interception rates, allowing for month-to-month spread and its persistence.

The monthly share of a class is modelled on the logit scale as level (+ a step at each change of
definition under `destroyed`) + slope x time + noise. The noise has two parts: the binomial
sampling of the month's launches (known from its counts) and a month-level deviation that
persists from one month to the next (first-order autoregressive, correlation `phi`). Both the
extra spread and `phi` are estimated from the series itself, from what is left once the effect
tested (a trend, a step at a known date) is allowed for, corrected
for their small-sample bias by simulation (median-unbiased, Andrews 1993; `fit_noise`), up to
0.95. The drone series' months are strongly persistent (its estimate reaches the 0.95 cap):
treating its months as independent would make a drift look certain when a few good months in a
row are enough to produce it.

`trend_test` gives the slope (per year on the logit scale, and as percentage points per year at
the series' mean share) with its 95% interval from the exact covariance of the weighted
least-squares slope under that noise model, and a Mann-Kendall rank test whose variance is
corrected for the same autocorrelation (Yue and Wang 2004). Partial months (the record's first
and last, a month split by a change of definition under `destroyed`) are left out and named.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from scipy import stats

from analysis.numbers import change_in_points
from analysis.record.conventions import COMPLETE_COVERAGE_FROM
from analysis.stats.rates import RateError, rate_table

# Before August 2024 not every day of the record is covered (data README, trap 9): earlier months
# are incomplete as a time series, so trend and change-point analyses start here unless told.
TREND_START = COMPLETE_COVERAGE_FROM.strftime("%Y-%m-%d")
MIN_MONTHS = 6
MAX_PHI = 0.95


def monthly_series(
    record: pd.DataFrame,
    weapon_class: str,
    convention: str = "neutralised",
    command: str = "national",
    start: str | pd.Timestamp | None = TREND_START,
    end: str | pd.Timestamp | None = None,
    method: str = "wilson",
) -> pd.DataFrame:
    """The whole months of one class's monthly rate table, from `start` (default `TREND_START`).

    A month the record or the window covers only in part (the record's last month, a window
    starting mid-month) is left out, and so is, under `destroyed`, a month split by a change of
    definition (each part is a partial month of a different count). `attrs["left_out"]` lists
    them as (month, reason). `None` for `start` takes the whole record.
    """
    table = rate_table(record, by=["class", "month"], convention=convention, command=command,
                       method=method, start=start, end=end)
    series = table[table["class"] == weapon_class].reset_index(drop=True)
    first, last = covered_span(record, start, end)
    left_out: list[tuple[str, str]] = []
    if len(series):
        partial = series["month"].isin(partial_months(first, last))
        for month in series.loc[partial, "month"].astype(str).unique():
            left_out.append((month, f"partial month (the data run {first:%d %b %Y} to {last:%d %b %Y})"))
        split = series["month"].duplicated(keep=False) if "convention" in series.columns else partial & False
        for month in series.loc[split & ~partial, "month"].astype(str).unique():
            left_out.append((month, "split by a change of how 'destroyed' was counted"))
        series = series[~partial & ~split].reset_index(drop=True)
    series["date"] = (series["month"].dt.to_timestamp() if len(series)
                      else pd.Series(dtype="datetime64[ns]", index=series.index))
    series.attrs.update(table.attrs, left_out=left_out, weapon_class=weapon_class,
                        count_column=convention)
    return series


def covered_span(record: pd.DataFrame, start: str | pd.Timestamp | None = None,
                 end: str | pd.Timestamp | None = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last report date the record (cut to the window) covers."""
    dates = pd.to_datetime(record["report_date"])
    first = max(dates.min(), pd.Timestamp(start)) if start not in (None, "") else dates.min()
    last = min(dates.max(), pd.Timestamp(end)) if end not in (None, "") else dates.max()
    return first.normalize(), last.normalize()


def partial_months(first: pd.Timestamp, last: pd.Timestamp) -> list[pd.Period]:
    """The months at either end of [first, last] that it covers only in part."""
    out = []
    if first.day != 1:
        out.append(first.to_period("M"))
    if last != (last + pd.offsets.MonthEnd(0)).normalize():
        out.append(last.to_period("M"))
    return out


# --- the noise model ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthlyModel:
    """A monthly series on the logit scale with its noise model (see the module docstring)."""

    y: np.ndarray  # logit of the monthly share (half a launch added each side)
    sampling: np.ndarray  # binomial variance of y per month
    extra: float  # variance of the month-level deviation
    phi: float  # its month-to-month correlation
    base: np.ndarray  # design of the null model: level (+ a level per definition period)
    months: np.ndarray  # month index from the first month (gaps kept)

    @property
    def covariance(self) -> np.ndarray:
        lags = np.abs(self.months[:, None] - self.months[None, :])
        return np.diag(self.sampling) + self.extra * self.phi ** lags

    @property
    def weights(self) -> np.ndarray:
        return 1 / (self.sampling + self.extra)


def logit_share(counted: np.ndarray, launched: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(logit of the share, its binomial variance), with half a launch added each side."""
    k, n = np.asarray(counted, dtype=float), np.asarray(launched, dtype=float)
    y = np.log((k + 0.5) / (n - k + 0.5))
    return y, 1 / (k + 0.5) + 1 / (n - k + 0.5)


def base_design(series: pd.DataFrame) -> np.ndarray:
    """A level, and under `destroyed` one more per later definition period of the series."""
    columns = [np.ones(len(series))]
    if "convention" in series.columns:
        for period in sorted(series["convention"].unique())[1:]:
            columns.append((series["convention"] == period).to_numpy(dtype=float))
    return np.column_stack(columns)


def month_index(series: pd.DataFrame) -> np.ndarray:
    """Months from the series' first month (a left-out month leaves a gap)."""
    dates = pd.to_datetime(series["date"])
    count = (dates.dt.year * 12 + dates.dt.month).to_numpy()
    return count - count.min()


def _raw_noise(y: np.ndarray, sampling: np.ndarray, design: np.ndarray, months: np.ndarray,
               weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(extra variance, lag-1 correlation) by moments, for each row of `y` (series x months).

    The residuals of `design` by weighted least squares (fixed `weights`); the extra variance is
    their mean square beyond the binomial part, the correlation the one between consecutive
    months over their variance, both uncorrected: `fit_noise` corrects them by simulation."""
    root = np.sqrt(weights)
    projector = design @ np.linalg.pinv(design * root[:, None]) * root[None, :]
    residual = y - y @ projector.T
    dof = max(y.shape[1] - design.shape[1], 1)
    extra = (residual**2).sum(axis=1) / dof - sampling.mean()
    consecutive = np.flatnonzero(np.diff(months) == 1)
    scale = residual.var(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = (residual[:, consecutive] * residual[:, consecutive + 1]).mean(axis=1) / scale
    return extra, np.where(scale > 0, phi, 0.0)


#: Persistences on which `fit_noise` simulates its estimator, and series per persistence.
PHI_GRID = np.round(np.arange(0.0, MAX_PHI + 1e-9, 0.05), 2)
NOISE_SERIES = 300


def fit_noise(y: np.ndarray, sampling: np.ndarray, design: np.ndarray,
              months: np.ndarray, quantile: float = 0.5) -> tuple[float, float]:
    """(extra variance, phi) of the month-level deviation, corrected for small-sample bias.

    On a short series the moment estimates are biased down, badly so under strong persistence: a
    series that wanders for 22 months stays close to its own mean, so both its spread and its
    lag-1 correlation look smaller than they are (at persistence 0.9 the raw correlation is about
    0.6). The correction is median-unbiased estimation by simulation (Andrews 1993): series of the
    same months, binomial variances and design are drawn under each persistence of `PHI_GRID`
    (with Gaussian deviations, the same random numbers for each), the raw estimator is applied to
    them, and phi is the persistence whose median raw estimate equals the series' own (0 below
    the grid, `MAX_PHI` = 0.95 above it); the extra variance is the raw one over the median ratio
    of raw to true at that persistence. Two rounds, since the raw correlation also depends on the
    spread against the binomial noise. `quantile` below 0.5 takes, instead of the median, the
    persistence under which the series' raw estimate would be that low quantile: a one-sided
    upper bound (0.25: 75%), for a calibration that must hold even when the series understates
    its persistence (`analysis.stats.changepoints`).
    """
    y = np.asarray(y, dtype=float)
    weights = 1 / (sampling + max(np.var(y) - sampling.mean(), 0.0) + 1e-12)
    raw_extra, raw_phi = (float(v[0]) for v in _raw_noise(y[None, :], sampling, design, months, weights))
    consecutive = int((np.diff(months) == 1).sum())
    if raw_extra <= 0 or consecutive < 3:
        return max(raw_extra, 0.0), 0.0
    rng = np.random.default_rng(20240801)
    shocks = rng.standard_normal((NOISE_SERIES, len(y)))
    binomial = rng.standard_normal((NOISE_SERIES, len(y))) * np.sqrt(sampling)
    lags = np.abs(months[:, None] - months[None, :])
    extra, phi = raw_extra, 0.0
    for _ in range(2):
        medians, ratios = [], []
        for grid_phi in PHI_GRID:
            root = np.linalg.cholesky(grid_phi**lags + 1e-10 * np.eye(len(y)))
            simulated = np.sqrt(extra) * shocks @ root.T + binomial
            sim_extra, sim_phi = _raw_noise(simulated, sampling, design, months, weights)
            medians.append(float(np.quantile(sim_phi, quantile)))
            ratios.append(float(np.median(sim_extra)) / extra)
        medians = np.maximum.accumulate(np.asarray(medians))  # monotone for the inversion
        phi = float(np.interp(raw_phi, medians, PHI_GRID, left=0.0, right=MAX_PHI))
        ratio = float(np.interp(phi, PHI_GRID, ratios))
        extra = raw_extra / max(ratio, 0.05)
    return float(extra), float(np.clip(phi, 0.0, MAX_PHI))


def monthly_model(series: pd.DataFrame, count_column: str | None = None,
                  design: np.ndarray | None = None, quantile: float = 0.5) -> MonthlyModel:
    """The logit-scale model of a monthly series, its noise estimated under the null `design`
    (default `base_design`: a level, and a level per definition period under `destroyed`)."""
    count_column = count_column or series.attrs.get("count_column", "neutralised")
    y, sampling = logit_share(series[count_column].to_numpy(), series["launched"].to_numpy())
    design = base_design(series) if design is None else design
    months = month_index(series)
    extra, phi = fit_noise(y, sampling, design, months, quantile)
    return MonthlyModel(y, sampling, extra, phi, design, months)


def gls_effect(model: MonthlyModel, column: np.ndarray) -> tuple[float, float]:
    """(estimate, standard error) of the coefficient of `column` added to the base design.

    Weighted least squares (weights 1 / (binomial + extra variance)); the standard error is exact
    under the model's covariance (sandwich), so the persistence of the months is allowed for.
    """
    design = np.column_stack([model.base, column])
    weighted = design * model.weights[:, None]
    bread = np.linalg.pinv(design.T @ weighted)
    projector = bread @ weighted.T  # rows map y to the coefficients
    estimate = float(projector[-1] @ model.y)
    variance = float(projector[-1] @ model.covariance @ projector[-1])
    return estimate, float(np.sqrt(max(variance, 0.0)))


# --- the trend ---------------------------------------------------------------------------------


def mann_kendall(y: np.ndarray, phi: float) -> tuple[float, float]:
    """(Kendall's tau of y against time, two-sided p) with the variance of S inflated for
    autocorrelation phi (effective sample size, Yue and Wang 2004)."""
    n = len(y)
    signs = np.sign(y[None, :] - y[:, None])[np.triu_indices(n, 1)]
    s = float(signs.sum())
    variance = n * (n - 1) * (2 * n + 5) / 18
    lags = np.arange(1, n)
    variance *= 1 + 2 * ((1 - lags / n) * phi**lags).sum()
    z = (s - np.sign(s)) / np.sqrt(variance) if s else 0.0
    tau = s / (n * (n - 1) / 2)
    return float(tau), float(2 * stats.norm.sf(abs(z)))


def trend_test(series: pd.DataFrame, count_column: str | None = None,
               alpha: float = 0.05) -> dict[str, float | str]:
    """Is the monthly rate drifting? The slope with its interval, allowing for persistence.

    Keys: `slope_logit_per_year`, `ci_low`, `ci_high` (its 1 - alpha interval, t on months - p
    degrees of freedom), `points_per_year` (the slope as percentage points a year at the series'
    mean share) with `points_low`, `points_high`, `p_value`, `extra_spread` (sd of the month-level
    deviation, logit scale), `phi`, `kendall_tau`, `mann_kendall_p` (autocorrelation-corrected),
    `months`, `direction` (rising, falling, no clear trend) and `verdict` (in words).
    """
    if len(series) < MIN_MONTHS:
        raise RateError(f"trend test needs at least {MIN_MONTHS} whole months with launches, "
                        f"got {len(series)}")
    # The noise is the one left once the trend is allowed for (the trend is fixed in advance, no
    # search): with bias-corrected persistence, noise fitted under no trend would take a real
    # drift for persistence and hide it.
    base = base_design(series)
    years = month_index(series) / 12.0
    model = replace(monthly_model(series, count_column, design=np.column_stack([base, years])), base=base)
    slope, se = gls_effect(model, years)
    dof = max(len(series) - model.base.shape[1] - 1, 1)
    quantile = stats.t.ppf(1 - alpha / 2, dof)
    low, high = slope - quantile * se, slope + quantile * se
    count_column = count_column or series.attrs.get("count_column", "neutralised")
    share = float(series[count_column].sum() / series["launched"].sum())
    scale = 100 * share * (1 - share)
    tau, mk_p = mann_kendall(model.y, model.phi)
    direction = "falling" if high < 0 else "rising" if low > 0 else "no clear trend"
    out: dict[str, float | str] = {
        "slope_logit_per_year": slope, "ci_low": low, "ci_high": high,
        "points_per_year": slope * scale, "points_low": low * scale, "points_high": high * scale,
        "p_value": float(2 * stats.t.sf(abs(slope / se), dof)) if se > 0 else float("nan"),
        "extra_spread": float(np.sqrt(model.extra)), "phi": model.phi, "kendall_tau": tau,
        "mann_kendall_p": mk_p, "months": int(len(series)), "direction": direction,
    }
    out["verdict"] = trend_verdict(out, alpha)
    return out


def trend_verdict(result: dict, alpha: float = 0.05) -> str:
    """The trend in plain words, with both tests and why they may differ."""
    level = f"{100 * (1 - alpha):.0f}%"
    change = change_in_points(result["points_per_year"], result["points_low"], result["points_high"], level,
                              per=" a year")
    persistence = (f"; months run in streaks (correlation {result['phi']:.2f} from one month to the "
                   "next), which the interval allows for" if result["phi"] >= 0.3 else "")
    ranks_see = result["mann_kendall_p"] < alpha
    ranks = "rising" if result["kendall_tau"] > 0 else "falling"
    direction = result["direction"]
    if direction == "no clear trend":
        text = f"no clear trend: {change}{persistence}"
        if ranks_see:
            text += (f". A rank test that counts every month alike sees a {ranks} order; the "
                     "launch-weighted estimate does not, so the drift, if any, is small against "
                     "the swings between months")
        return text + "."
    text = f"{direction}: {change}{persistence}"
    if ranks_see and ranks == direction:
        return text + "; a rank test that counts every month alike agrees."
    return text + ("; a rank test that counts every month alike does not confirm it: the change "
                   "is carried by the months with most launches or is a step rather than a drift.")


TREND_COLUMNS = ("slope_logit_per_year", "ci_low", "ci_high", "points_per_year", "points_low",
                 "points_high", "p_value", "extra_spread", "phi", "kendall_tau", "mann_kendall_p",
                 "months", "direction", "verdict")


def trend_table(series: dict[tuple[str, str], pd.DataFrame], alpha: float = 0.05) -> pd.DataFrame:
    """`trend_test` for each (convention, class) monthly series, one row each, never failing.

    Columns: `convention`, `class`, `TREND_COLUMNS` and `note`. A series that cannot be tested
    (fewer than 6 whole months, every month at 0% or 100%) keeps its row with NaN figures,
    direction "not tested" and the reason in `note`.
    """
    rows = []
    for (convention, weapon_class), one in series.items():
        row: dict[str, object] = {"convention": convention, "class": weapon_class}
        try:
            row.update(trend_test(one, convention, alpha), note="")
        except (RateError, ValueError, ZeroDivisionError, np.linalg.LinAlgError) as error:
            row.update(dict.fromkeys(TREND_COLUMNS, float("nan")), months=len(one),
                       direction="not tested", verdict=f"not tested: {error}", note=str(error))
        rows.append(row)
    table = pd.DataFrame(rows, columns=["convention", "class", *TREND_COLUMNS, "note"])
    numeric = [c for c in TREND_COLUMNS if c not in ("months", "direction", "verdict")]
    return table.astype({**dict.fromkeys(numeric, float), "months": "int64"})
