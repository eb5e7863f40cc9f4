"""Saturation: does a bigger wave get through more? A binomial GLM of interception per wave.

The default analysis is built to avoid the confounders of the raw record:

- only waves reported from `COMPLETE_FROM` (2024-08-01), when every day of the record is covered
  (README trap 9: earlier months miss days, so small early "waves" are often single shoot-down
  reports, and the defence was weaker then);
- only waves with at least `MIN_LAUNCHED[class]` munitions of the class (stated in every result),
  so single-drone reports do not stand for "small waves";
- a fixed effect per month (`time_adjust="month"`), so that "more drones in later months" and "a
  better defence in later months" cannot pass for a size effect; under `destroyed`, per month and
  reporting convention, as the count's meaning changed;
- weights that follow the beta-binomial variance n (1 + (n - 1) rho) of a wave (Williams 1982),
  so a 700-drone night does not count as 35 independent 20-drone nights, and quasi-binomial
  errors (scale from Pearson's X2) on top. (statsmodels 0.15 marks cluster-robust errors as "not
  fully supported" with variance weights, so they are not offered.)

A second method, `size_quartile_comparison`, compares the largest quarter of waves with the rest
within each calendar quarter (Mantel-Haenszel), with a bootstrap over waves for its interval.
`wave_id` is the wave of `analysis.record.waves`, the one wave definition of the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.stats.contingency_tables import StratifiedTable

from analysis.stats.rates import CONVENTIONS, RateError

CLASSES = ("drone", "cruise", "ballistic", "mixed", "other")
MISSILE_CLASSES = ("cruise", "ballistic", "mixed")
#: First report date of complete daily coverage of the record (README trap 9).
COMPLETE_FROM = pd.Timestamp("2024-08-01")
#: Smallest wave, in munitions of the class, the default analysis keeps. Missile waves are small
#: (median 5 cruise, 2 ballistic a wave since 2024-08), so their floor is lower than for drones.
MIN_LAUNCHED: dict[str, int] = {"drone": 20, "cruise": 5, "ballistic": 3, "mixed": 3, "other": 3}
TimeAdjust = Literal["month", "quarter", "linear", "none"]
TIME_ADJUSTMENTS: tuple[str, ...] = ("month", "quarter", "linear", "none")
TERM_LABELS = {
    "const": "intercept (log-odds at the reference wave)",
    "log2_size": "per doubling of the wave's total size",
    "mixed_wave": "wave mixes drones and missiles",
    "years": "per year of time trend",
}
CAVEAT = (
    "This is an association in the record's own counts, not a controlled comparison: big announced "
    "waves are likely met with more defensive effort (mobile fire groups, aircraft, interceptor "
    "drones moved to their routes){counting}. Month is held fixed; targets, routes, weather and "
    "the decoy share are not."
)
_COUNTING = {
    "drone": (", and the neutralised figure counts drones lost to electronic warfare and decoys, "
              "whose number grows with the wave"),
    "missile": (", and small missile waves are often single strikes on front-line areas where "
                "fewer interceptors are in range"),
}


def caveat(weapon_class: str) -> str:
    """The caveat of a saturation verdict, in words fitting the class."""
    return CAVEAT.format(counting=_COUNTING["drone" if weapon_class == "drone" else "missile"])


def _count(waves: pd.DataFrame, column: str) -> pd.Series:
    if column not in waves.columns:
        return pd.Series(0.0, index=waves.index)
    return pd.to_numeric(waves[column], errors="coerce").astype(float)


def saturation_data(
    waves: pd.DataFrame,
    weapon_class: str,
    convention: str = "neutralised",
    command: str = "national",
    start: str | pd.Timestamp | None = COMPLETE_FROM,
    end: str | pd.Timestamp | None = None,
    min_launched: int | None = None,
) -> pd.DataFrame:
    """One row per wave of the wave table with at least `min_launched` of `weapon_class`.

    `min_launched` defaults to `MIN_LAUNCHED[weapon_class]`; `start` (inclusive, report date)
    defaults to `COMPLETE_FROM`; give `start=None, min_launched=1` for every wave. Columns:
    `wave_id`, `report_date`, `convention`, `launched`, `counted`, `rate`, `size` (the wave's total
    launched over all classes), `log2_size`, `mixed_wave` (1 when drones and missiles fly
    together), `years` (from the first wave kept), `month`, `quarter` (the period strata; under
    `destroyed` they carry the reporting convention too, as the count's meaning changed).
    """
    if convention not in CONVENTIONS:
        raise RateError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if weapon_class not in CLASSES:
        raise RateError(f"weapon class must be one of {CLASSES}, got {weapon_class!r}")
    min_launched = MIN_LAUNCHED[weapon_class] if min_launched is None else int(min_launched)
    if min_launched < 1:
        raise RateError(f"min_launched must be at least 1, got {min_launched}")
    rows = waves if command == "all" else waves[waves["command"] == "national"]
    dates = pd.to_datetime(rows["report_date"])
    if start is not None and str(start) != "":
        rows, dates = rows[dates >= pd.Timestamp(start)], dates[dates >= pd.Timestamp(start)]
    if end is not None and str(end) != "":
        rows, dates = rows[dates <= pd.Timestamp(end)], dates[dates <= pd.Timestamp(end)]
    launched = _count(rows, f"{weapon_class}_launched")
    counted = _count(rows, f"{weapon_class}_destroyed")
    if convention == "neutralised":
        counted = counted + _count(rows, f"{weapon_class}_not_reached").fillna(0.0)
    missiles = sum(_count(rows, f"{c}_launched").fillna(0.0) for c in MISSILE_CLASSES)
    drones = _count(rows, "drone_launched").fillna(0.0)
    size = sum(_count(rows, f"{c}_launched").fillna(0.0) for c in CLASSES)
    data = pd.DataFrame({
        "wave_id": rows["wave_id"] if "wave_id" in rows.columns else rows.index,
        "report_date": dates,
        "convention": rows["convention"].astype(str),
        "launched": launched,
        "counted": np.minimum(counted, launched),
        "size": size,
        "mixed_wave": ((drones > 0) & (missiles > 0)).astype(float),
    })
    data = data[data["launched"].ge(min_launched) & data["counted"].notna()].copy()
    data["log2_size"] = np.log2(data["size"])
    data["years"] = (data["report_date"] - data["report_date"].min()).dt.days / 365.25
    data["rate"] = data["counted"] / data["launched"]
    data["month"] = data["report_date"].dt.to_period("M").astype(str)
    data["quarter"] = data["report_date"].dt.to_period("Q").astype(str)
    if convention == "destroyed":
        for period in ("month", "quarter"):
            data[period] = data[period] + " " + data["convention"]
    data = data.reset_index(drop=True)
    data.attrs.update(weapon_class=weapon_class, convention=convention, command=command,
                      min_launched=min_launched,
                      start=None if start is None or str(start) == "" else str(pd.Timestamp(start).date()))
    return data


@dataclass
class SaturationFit:
    """A fitted saturation GLM: tidy coefficients with intervals, dispersion and a plain verdict."""

    weapon_class: str
    convention: str
    coefficients: pd.DataFrame
    dispersion: float
    waves: int
    verdict: str
    answer: str  # "yes", "no" or "unclear": do bigger waves get through more?
    result: Any = field(repr=False)
    design_columns: list[str] = field(default_factory=list)
    reference: dict[str, Any] = field(default_factory=dict)
    rho: float = 0.0  # the wave-to-wave correlation behind the weights (0: binomial weights)
    time_adjust: str = "month"
    min_launched: int = 1

    def slope(self) -> pd.Series:
        """The row of the coefficient table for `log2_size`."""
        return self.coefficients.set_index("term").loc["log2_size"]


def _design(data: pd.DataFrame, convention: str, time_adjust: str,
            strata: list[str] | None = None) -> pd.DataFrame:
    design = data[["log2_size", "mixed_wave"]].astype(float).copy()
    if time_adjust in ("month", "quarter"):
        # One level per period (and per reporting convention under destroyed); the first is the base.
        strata = strata if strata is not None else sorted(data[time_adjust].unique())
        for stratum in strata[1:]:
            design[f"{time_adjust} {stratum}"] = (data[time_adjust] == stratum).astype(float)
    else:
        if time_adjust == "linear":
            design["years"] = data["years"].astype(float)
        if convention == "destroyed":
            periods = sorted(data["convention"].unique())
            for period in periods[1:]:
                design[f"period_{period}"] = (data["convention"] == period).astype(float)
    return sm.add_constant(design, has_constant="add")


def _williams_rho(k: np.ndarray, n: np.ndarray, p: np.ndarray) -> float:
    """Moment estimate of the beta-binomial rho from fitted rates: E(k - np)^2 = npq(1 + (n-1)rho)."""
    binomial = n * p * (1 - p)
    excess = ((k - n * p) ** 2 - binomial).sum()
    spread = (binomial * (n - 1)).sum()
    return float(np.clip(excess / spread, 0.0, 0.99)) if spread > 0 else 0.0


def fit_saturation(
    data: pd.DataFrame,
    weapon_class: str,
    convention: str = "neutralised",
    alpha: float = 0.05,
    time_adjust: TimeAdjust = "month",
    beta_binomial_weights: bool = True,
) -> SaturationFit:
    """Binomial GLM of counted/launched per wave on log2 wave size, wave mix and time.

    `time_adjust`: a fixed effect per `month` or `quarter`, a `linear` trend, or `none` (the naive
    model). Weights are launches / (1 + (launches - 1) rho) with rho re-estimated from the fit
    (Williams' method) unless `beta_binomial_weights=False` (plain launches); the scale is then
    estimated from Pearson's X2 (quasi-binomial), so any overdispersion left widens every interval.
    Terms with no variation in the data (e.g. a class never in a drones-only wave) are dropped.
    """
    if time_adjust not in TIME_ADJUSTMENTS:
        raise RateError(f"time_adjust must be one of {TIME_ADJUSTMENTS}, got {time_adjust!r}")
    if len(data) < 8:
        raise RateError(f"saturation of {weapon_class}: {len(data)} waves, need at least 8")
    strata = sorted(data[time_adjust].unique()) if time_adjust in ("month", "quarter") else None
    design = _design(data, convention, time_adjust, strata)
    constant = [c for c in design.columns if c != "const" and design[c].nunique() < 2]
    design = design.drop(columns=constant)
    n = data["launched"].to_numpy(dtype=float)
    k = data["counted"].to_numpy(dtype=float)
    rate = data["rate"].to_numpy(dtype=float)
    rho = 0.0
    # Proportions with variance weights: with a two-column (successes, failures) endog,
    # statsmodels 0.15 computes the X2 scale on the wrong footing (about 1/mean n).
    model = sm.GLM(rate, design, family=sm.families.Binomial(), var_weights=n)
    result = model.fit()
    if beta_binomial_weights:
        for _ in range(4):  # converges in two or three rounds
            previous, rho = rho, _williams_rho(k, n, result.fittedvalues.to_numpy())
            weights = n / (1 + (n - 1) * rho)
            model = sm.GLM(rate, design, family=sm.families.Binomial(), var_weights=weights)
            result = model.fit(start_params=result.params, scale="X2")
            if abs(rho - previous) < 1e-3:
                break
    else:
        result = model.fit(start_params=result.params, scale="X2")
    dispersion = float(result.scale)
    ci = result.conf_int(alpha)
    table = pd.DataFrame({
        "term": design.columns,
        "estimate": result.params.to_numpy(),
        "std_error": result.bse.to_numpy(),
        "ci_low": ci[0].to_numpy(),
        "ci_high": ci[1].to_numpy(),
        "p_value": result.pvalues.to_numpy(),
    })
    table["odds_ratio"] = np.exp(table["estimate"])
    table["or_low"], table["or_high"] = np.exp(table["ci_low"]), np.exp(table["ci_high"])
    table["meaning"] = table["term"].map(TERM_LABELS).fillna(f"{time_adjust} or period versus the first")
    # Period terms are nuisance: the table keeps only the terms a reader asks about.
    table = table[table["term"].isin(TERM_LABELS)].reset_index(drop=True)
    min_launched = int(data.attrs.get("min_launched", int(data["launched"].min())))
    answer, verdict = _verdict(table, weapon_class, convention, len(data), time_adjust, min_launched,
                               data.attrs.get("start"))
    reference = {"mixed_wave": float(data["mixed_wave"].mode().iloc[0]),
                 "years": float(data["years"].max()),
                 "first_date": data["report_date"].min().isoformat(),
                 "last_period": sorted(data["convention"].unique())[-1],
                 "last_stratum": strata[-1] if strata else None}
    return SaturationFit(weapon_class, convention, table, dispersion, len(data), verdict, answer,
                         result, list(design.columns), reference, rho, time_adjust, min_launched)


def _verdict(table: pd.DataFrame, weapon_class: str, convention: str, waves: int, time_adjust: str,
             min_launched: int, start: str | None) -> tuple[str, str]:
    slope = table.set_index("term").loc["log2_size"]
    held = {"month": "month", "quarter": "quarter", "linear": "a linear time trend",
            "none": "nothing"}[time_adjust]
    scope = f"{waves} waves of {min_launched}+ {weapon_class}" + (f" from {start}" if start else "")
    effect = (f"Each doubling of the wave multiplies the odds that a {weapon_class} is {convention} "
              f"by {slope.odds_ratio:.2f} (95% CI {slope.or_low:.2f} to {slope.or_high:.2f}; "
              f"{scope}; the wave's mix and {held} held fixed).")
    if slope.ci_high < 0:
        return "yes", f"Bigger waves get through more: yes. {effect}"
    if slope.ci_low > 0:
        return "no", (f"Bigger waves get through more: no; in the record they are {convention} at a "
                      f"higher rate. {effect}")
    return "unclear", f"Bigger waves get through more: no clear effect either way. {effect}"


def predict_saturation(
    fit: SaturationFit,
    sizes: np.ndarray,
    mixed_wave: float | None = None,
    years: float | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Predicted rate with its 1 - alpha band against total wave size, other terms held fixed.

    By default: the most common mix, and the latest month (or quarter, or time of the last wave,
    latest reporting period) of the data.
    """
    sizes = np.asarray(sizes, dtype=float)
    values = {
        "const": np.ones_like(sizes),
        "log2_size": np.log2(sizes),
        "mixed_wave": np.full_like(sizes, fit.reference["mixed_wave"] if mixed_wave is None else mixed_wave),
        "years": np.full_like(sizes, fit.reference["years"] if years is None else years),
    }
    latest = {f"period_{fit.reference['last_period']}",
              f"{fit.time_adjust} {fit.reference['last_stratum']}"}
    exog = pd.DataFrame({
        c: values[c] if c in values else np.full_like(sizes, float(c in latest))
        for c in fit.design_columns
    })
    frame = fit.result.get_prediction(exog).summary_frame(alpha=alpha)
    return pd.DataFrame({"size": sizes, "rate": frame["mean"].to_numpy(),
                         "ci_low": frame["mean_ci_lower"].to_numpy(),
                         "ci_high": frame["mean_ci_upper"].to_numpy()})


# --- second method: the largest waves against the rest, within each quarter ----------------------


@dataclass
class QuartileComparison:
    """Top-quartile waves (by size, within each stratum) against the rest: Mantel-Haenszel."""

    weapon_class: str
    convention: str
    strata: pd.DataFrame  # per stratum: waves, launched, rate of the top quarter and of the rest
    odds_ratio: float  # pooled Mantel-Haenszel odds ratio, top quarter versus the rest
    or_low: float  # bootstrap over waves within strata (allows for night-to-night spread)
    or_high: float
    binomial_low: float  # StratifiedTable's interval: every munition independent, too narrow
    binomial_high: float
    p_value: float  # Cochran-Mantel-Haenszel test of no effect (binomial, too small)
    waves: int
    answer: str

    def as_dict(self) -> dict[str, Any]:
        out = {k: v for k, v in self.__dict__.items() if k != "strata"}
        out["strata"] = int(len(self.strata))
        return out


def mantel_haenszel_odds_ratio(tables: np.ndarray) -> float:
    """Pooled MH odds ratio of 2x2 tables [[a, b], [c, d]] (shape (m, 2, 2)): sum(ad/N)/sum(bc/N)."""
    tables = np.asarray(tables, dtype=float)
    total = tables.sum(axis=(1, 2))
    numerator = (tables[:, 0, 0] * tables[:, 1, 1] / total).sum()
    denominator = (tables[:, 0, 1] * tables[:, 1, 0] / total).sum()
    return float(numerator / denominator) if denominator > 0 else float("nan")


def size_quartile_comparison(
    data: pd.DataFrame,
    stratum: str = "quarter",
    top: float = 0.75,
    alpha: float = 0.05,
    boot: int = 400,
    seed: int = 20240801,
) -> QuartileComparison:
    """Compare the rate of the largest waves (size at or above the `top` quantile of their stratum)
    with the other waves of the same stratum, pooled over strata by Mantel-Haenszel.

    Each stratum gives a 2x2 table of munitions (top / rest x counted / not). The odds ratio is
    `statsmodels`' StratifiedTable; its interval treats munitions as independent, so the interval
    reported first resamples waves within each stratum and group (`boot` times) instead. An odds
    ratio below 1 means the largest waves get through more.
    """
    rows, tops, rests = [], [], []
    for name, part in data.groupby(stratum, sort=True):
        if len(part) < 4:
            continue
        is_top = (part["size"] >= part["size"].quantile(top)).to_numpy()
        if is_top.all() or not is_top.any():
            continue
        k, n = part["counted"].to_numpy(dtype=float), part["launched"].to_numpy(dtype=float)
        tops.append((k[is_top], n[is_top]))
        rests.append((k[~is_top], n[~is_top]))
        rows.append({stratum: name, "waves_top": int(is_top.sum()), "waves_rest": int((~is_top).sum()),
                     "size_top_median": float(np.median(part["size"].to_numpy()[is_top])),
                     "size_rest_median": float(np.median(part["size"].to_numpy()[~is_top])),
                     "launched_top": n[is_top].sum(), "launched_rest": n[~is_top].sum(),
                     "rate_top": k[is_top].sum() / n[is_top].sum(),
                     "rate_rest": k[~is_top].sum() / n[~is_top].sum()})
    weapon_class, convention = data.attrs.get("weapon_class", ""), data.attrs.get("convention", "")
    if not rows:
        raise RateError(f"size comparison of {weapon_class}: no {stratum} with 4 waves or more")

    def tables_of(top_parts: list, rest_parts: list) -> np.ndarray:
        return np.array([[[kt.sum(), nt.sum() - kt.sum()], [kr.sum(), nr.sum() - kr.sum()]]
                         for (kt, nt), (kr, nr) in zip(top_parts, rest_parts, strict=True)])

    tables = tables_of(tops, rests)
    stratified = StratifiedTable(tables.transpose(1, 2, 0))
    estimate = float(stratified.oddsratio_pooled)
    low, high = stratified.oddsratio_pooled_confint(alpha=alpha)
    rng = np.random.default_rng(seed)

    def resample(parts: list) -> list:
        picked = []
        for k, n in parts:
            index = rng.integers(0, len(n), size=len(n))
            picked.append((k[index], n[index]))
        return picked

    draws = np.array([mantel_haenszel_odds_ratio(tables_of(resample(tops), resample(rests)))
                      for _ in range(boot)])
    draws = draws[np.isfinite(draws) & (draws > 0)]
    boot_low, boot_high = np.quantile(draws, [alpha / 2, 1 - alpha / 2])
    answer = "yes" if boot_high < 1 else "no" if boot_low > 1 else "unclear"
    return QuartileComparison(weapon_class, convention, pd.DataFrame(rows), estimate,
                              float(boot_low), float(boot_high), float(low), float(high),
                              float(stratified.test_null_odds().pvalue), int(len(data)), answer)


# --- every class at once -------------------------------------------------------------------------


def saturation_table(
    waves: pd.DataFrame,
    convention: str = "neutralised",
    command: str = "national",
    classes: tuple[str, ...] = ("drone", "cruise", "ballistic"),
    alpha: float = 0.05,
    start: str | pd.Timestamp | None = COMPLETE_FROM,
    end: str | pd.Timestamp | None = None,
    min_launched: dict[str, int] | None = None,
    time_adjust: TimeAdjust = "month",
) -> tuple[pd.DataFrame, dict[str, SaturationFit]]:
    """Fit every class; return the stacked coefficient table and the fits by class."""
    floors = {**MIN_LAUNCHED, **(min_launched or {})}
    fits, tables = {}, []
    for weapon_class in classes:
        data = saturation_data(waves, weapon_class, convention, command, start, end,
                               floors[weapon_class])
        if len(data) < 8:
            continue
        fit = fit_saturation(data, weapon_class, convention, alpha, time_adjust)
        fits[weapon_class] = fit
        tables.append(fit.coefficients.assign(
            weapon_class=weapon_class, dispersion=fit.dispersion, rho=fit.rho, waves=fit.waves,
            min_launched=fit.min_launched, answer=fit.answer))
    if not tables:
        raise RateError("saturation: no weapon class has 8 waves in the selection")
    table = pd.concat(tables, ignore_index=True)
    front = ["weapon_class", "term"]
    return table[front + [c for c in table.columns if c not in front]], fits


def plain_verdict(fit: SaturationFit, check: QuartileComparison | None = None) -> str:
    """The verdict of the GLM, the within-quarter check beside it, and the caveat, in words."""
    text = fit.verdict
    if check is not None:
        if check.answer == fit.answer:
            agree = "this check agrees"
        elif check.answer == "unclear":
            same_side = (check.odds_ratio > 1) == (fit.slope().odds_ratio > 1)
            agree = (f"this check points {'the same' if same_side else 'the other'} way but its "
                     "interval includes no effect")
        else:
            agree = "this check disagrees"
        text += (f" Within each quarter, the largest quarter of waves against the rest "
                 f"(Mantel-Haenszel): odds ratio {check.odds_ratio:.2f} (95% CI {check.or_low:.2f} "
                 f"to {check.or_high:.2f}, bootstrap over waves); {agree}.")
    return f"{text} {caveat(fit.weapon_class)}"
