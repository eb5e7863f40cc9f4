"""Trend and change in the monthly interception rates, set against the reporting-convention dates."""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from analysis.stats.rates import CONVENTION_CHANGES, RateError, rate_table

# Before August 2024 not every day of the record is covered (data README, trap 9): earlier months
# are incomplete as a time series, so trend and change-point analyses start here unless told.
TREND_START = "2024-08-01"

# Median of a chi-square with one degree of freedom: scales a median of X2 terms to a dispersion.
_CHI2_1_MEDIAN = float(stats.chi2.ppf(0.5, 1))


def monthly_series(
    record: pd.DataFrame,
    weapon_class: str,
    convention: str = "neutralised",
    command: str = "national",
    start: str | pd.Timestamp | None = TREND_START,
    end: str | pd.Timestamp | None = None,
    method: str = "wilson",
) -> pd.DataFrame:
    """The monthly rate table of one class (split by convention period under `destroyed`).

    Starts at `start`, by default `TREND_START` (2024-08-01: the record is a complete daily series
    from then on); `None` takes the whole record, incomplete early months included.
    """
    table = rate_table(record, by=["class", "month"], convention=convention, command=command,
                       method=method, start=start, end=end)
    series = table[table["class"] == weapon_class].reset_index(drop=True)
    # An empty selection (a short record, a late start) keeps its columns: no months, no dates.
    series["date"] = (series["month"].dt.to_timestamp() if len(series)
                      else pd.Series(dtype="datetime64[ns]", index=series.index))
    return series


def trend_test(
    series: pd.DataFrame, count_column: str = "neutralised", alpha: float = 0.05
) -> dict[str, float | str]:
    """Is the monthly rate drifting? A quasi-binomial GLM slope per year and a Mann-Kendall test.

    The GLM weighs months by their launches and widens its interval by the months' overdispersion;
    Mann-Kendall (Kendall's tau of rate against time) weighs every month alike and assumes
    nothing about the shape. Under `destroyed` a `convention` column adds a level per period.
    """
    if len(series) < 6:
        raise RateError(f"trend test needs at least 6 months with launches, got {len(series)}")
    years = (series["date"] - series["date"].min()).dt.days.to_numpy() / 365.25
    design = pd.DataFrame({"years": years})
    if "convention" in series.columns and series["convention"].nunique() > 1:
        for period in sorted(series["convention"].unique())[1:]:
            design[f"period_{period}"] = (series["convention"] == period).astype(float).to_numpy()
    design = sm.add_constant(design, has_constant="add")
    launched = series["launched"].to_numpy(dtype=float)
    rate = series[count_column].to_numpy(dtype=float) / launched
    result = sm.GLM(rate, design, family=sm.families.Binomial(), var_weights=launched).fit(scale="X2")
    low, high = result.conf_int(alpha).loc["years"]
    tau, mk_p = stats.kendalltau(years, rate)
    slope = float(result.params["years"])
    if high < 0:
        direction = "falling"
    elif low > 0:
        direction = "rising"
    else:
        direction = "no clear trend"
    out = {"slope_logit_per_year": slope, "ci_low": float(low), "ci_high": float(high),
           "odds_ratio_per_year": float(np.exp(slope)), "p_value": float(result.pvalues["years"]),
           "dispersion": float(result.scale), "kendall_tau": float(tau),
           "mann_kendall_p": float(mk_p), "months": int(len(series)), "direction": direction}
    out["verdict"] = trend_verdict(out, alpha, by_period=design.shape[1] > 2)
    return out


def trend_verdict(result: dict, alpha: float = 0.05, by_period: bool = False) -> str:
    """The trend in words, saying why when the GLM and Mann-Kendall disagree.

    The GLM weighs each month by its launches and widens its slope interval by the dispersion of the
    months around the fitted line; Mann-Kendall ranks the monthly rates, each month alike, and asks
    only whether later months are mostly higher (lower). They can disagree for reasons worth stating:
    a steady but small drift that the rank test sees while the dispersion-widened GLM interval
    includes 0; or a change carried by a few heavy months that the GLM sees and the ranks do not.
    """
    slope, low, high = result["slope_logit_per_year"], result["ci_low"], result["ci_high"]
    tau, mk_p, phi = result["kendall_tau"], result["mann_kendall_p"], result["dispersion"]
    direction = result["direction"]
    level = f"{100 * (1 - alpha):.0f}%"
    glm = (f"GLM slope {slope:+.2f} log-odds per year ({level} interval {low:+.2f} to {high:+.2f}, "
           f"dispersion {phi:.1f})")
    mk = f"Mann-Kendall tau {tau:+.2f} (p = {mk_p:.3g})"
    periods = (" The GLM's slope is within reporting periods (a level per period); the rank test "
               "runs across them, so a jump at a convention change moves it." if by_period else "")
    mk_sees = bool(np.isfinite(mk_p) and mk_p < alpha)
    mk_way = "rising" if tau > 0 else "falling"
    if direction != "no clear trend" and mk_sees and mk_way == direction:
        return f"{direction}: the {glm} and the {mk} agree.{periods}"
    if direction == "no clear trend" and not mk_sees:
        return f"no clear trend: the {glm} includes 0 and the {mk} sees no monotone pattern.{periods}"
    if direction == "no clear trend":
        return (f"no clear trend by the GLM, but a {mk_way} pattern by rank: the {glm} includes 0 "
                f"after allowing for the month-to-month dispersion, while the {mk} sees a monotone "
                f"{mk_way} order of the monthly rates, each month counted alike. A drift small against "
                f"the swings between months, or carried by the months with few launches.{periods}")
    if not mk_sees:
        return (f"{direction} by the GLM, not confirmed by rank: the {glm} excludes 0, but the {mk} "
                "finds no monotone order; the change is carried by the months with most launches or "
                f"is not monotone (a step, a few outlying months).{periods}")
    return (f"unclear: the {glm} says {direction} while the {mk} says {mk_way}; the launch-weighted fit "
            f"and the month-by-month ranks point opposite ways (heavy months pull against the rest)."
            f"{periods}")


TREND_COLUMNS = ("slope_logit_per_year", "ci_low", "ci_high", "odds_ratio_per_year", "p_value",
                 "dispersion", "kendall_tau", "mann_kendall_p", "months", "direction", "verdict")
CHANGE_COLUMNS = ("date", "rate_before", "rate_after", "convention_change", "months_from_convention_change")


def trend_table(series: dict[tuple[str, str], pd.DataFrame], alpha: float = 0.05) -> pd.DataFrame:
    """`trend_test` for each (convention, class) monthly series, one row each, never failing.

    Columns: `convention`, `class`, the keys of `trend_test` (`TREND_COLUMNS`) and `note`. A series
    that cannot be tested (fewer than 6 months, or a GLM that cannot be fitted, e.g. every month at
    0% or 100%) keeps its row with NaN figures, direction "not tested" and the reason in `note`.
    """
    rows = []
    for (convention, weapon_class), one in series.items():
        row: dict[str, object] = {"convention": convention, "class": weapon_class}
        try:
            row.update(trend_test(one, convention, alpha), note="")
        except (RateError, ValueError, ZeroDivisionError, np.linalg.LinAlgError) as error:
            row.update(dict.fromkeys(TREND_COLUMNS, float("nan")), months=len(one), direction="not tested",
                       verdict=f"not tested: {error}", note=str(error))
        rows.append(row)
    table = pd.DataFrame(rows, columns=["convention", "class", *TREND_COLUMNS, "note"])
    numeric = [c for c in TREND_COLUMNS if c not in ("months", "direction", "verdict")]
    return table.astype({**dict.fromkeys(numeric, float), "months": "int64"})


def change_table(changes: dict[tuple[str, str], pd.DataFrame]) -> pd.DataFrame:
    """The `change_points` tables of many (convention, class) series stacked, with those two keys.

    Always has the columns `convention`, `class` and `CHANGE_COLUMNS`, empty when no change is found.
    """
    parts = [t.assign(convention=c, **{"class": k}) for (c, k), t in changes.items() if not t.empty]
    columns = ["convention", "class", *CHANGE_COLUMNS]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c in ("date", "convention_change")
                                          else float if c.startswith("rate") else object) for c in columns})
    return pd.concat(parts, ignore_index=True)[columns]


def _segment_loglik(k: np.ndarray, n: np.ndarray) -> float:
    """Binomial log-likelihood (without constants) of one segment at its own pooled rate."""
    total_k, total_n = k.sum(), n.sum()
    if total_n <= 0:
        return 0.0
    p = total_k / total_n
    if p <= 0 or p >= 1:
        return 0.0
    return float(total_k * np.log(p) + (total_n - total_k) * np.log(1 - p))


def month_to_month_dispersion(successes: np.ndarray, trials: np.ndarray) -> float:
    """Dispersion from consecutive months: the median of their X2 differences over chi2(1)'s median.

    Consecutive months differ by noise almost everywhere and by a step only at a change, so the
    median is hardly moved by the changes the search is looking for.
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if len(n) < 3 or n.sum() <= 0:
        return 1.0
    p = k / n
    pooled = k.sum() / n.sum()
    if pooled <= 0 or pooled >= 1:
        return 1.0
    x2 = (p[1:] - p[:-1]) ** 2 / (pooled * (1 - pooled) * (1 / n[1:] + 1 / n[:-1]))
    return float(max(1.0, np.median(x2) / _CHI2_1_MEDIAN))


def binary_segmentation(
    successes: np.ndarray,
    trials: np.ndarray,
    min_size: int = 3,
    penalty: float | None = None,
    max_changes: int = 6,
) -> tuple[list[int], float, float]:
    """Change points in a binomial series by binary segmentation of the likelihood.

    A split is kept when twice its log-likelihood gain, divided by the dispersion, beats `penalty`
    (default: a BIC-like 3 log(m) for the location and the new rate). Returns (indices where a new
    segment starts, dispersion, penalty).
    """
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    m = len(n)
    phi = month_to_month_dispersion(k, n)
    penalty = 3 * np.log(max(m, 2)) if penalty is None else penalty
    segments, changes = [(0, m)], []
    while len(changes) < max_changes:
        best = None
        for lo, hi in segments:
            whole = _segment_loglik(k[lo:hi], n[lo:hi])
            for cut in range(lo + min_size, hi - min_size + 1):
                gain = 2 * (_segment_loglik(k[lo:cut], n[lo:cut]) + _segment_loglik(k[cut:hi], n[cut:hi]) - whole)
                if best is None or gain > best[0]:
                    best = (gain, cut, lo, hi)
        if best is None or best[0] / phi <= penalty:
            break
        _gain, cut, lo, hi = best
        segments.remove((lo, hi))
        segments += [(lo, cut), (cut, hi)]
        changes.append(cut)
    return sorted(changes), phi, float(penalty)


def change_points(
    series: pd.DataFrame, count_column: str = "neutralised", min_size: int = 3,
    penalty: float | None = None,
) -> pd.DataFrame:
    """Changes in a monthly series, each beside the nearest reporting-convention change.

    Columns: `date` (first month of the new level), `rate_before`, `rate_after` (pooled over the
    neighbouring segments), `convention_change` (nearest date), `months_from_convention_change`.
    """
    k = series[count_column].to_numpy(dtype=float)
    n = series["launched"].to_numpy(dtype=float)
    cuts, phi, used_penalty = binary_segmentation(k, n, min_size, penalty)
    bounds = [0, *cuts, len(n)]
    rows = []
    for i, cut in enumerate(cuts, start=1):
        before = slice(bounds[i - 1], cut)
        after = slice(cut, bounds[i + 1])
        date = series["date"].iloc[cut]
        nearest = min(CONVENTION_CHANGES, key=lambda c: abs((c - date).days))
        months = (date.year - nearest.year) * 12 + date.month - nearest.month
        rows.append({"date": date, "rate_before": k[before].sum() / n[before].sum(),
                     "rate_after": k[after].sum() / n[after].sum(),
                     "convention_change": nearest, "months_from_convention_change": months})
    table = pd.DataFrame(rows, columns=["date", "rate_before", "rate_after", "convention_change",
                                        "months_from_convention_change"])
    table.attrs.update(dispersion=phi, penalty=used_penalty)
    return table
