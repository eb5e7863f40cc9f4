"""Saturation: does a bigger wave get through more? A binomial GLM of interception per wave."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import statsmodels.api as sm

from analysis.rates import CONVENTIONS, RateError

CLASSES = ("drone", "cruise", "ballistic", "mixed", "other")
MISSILE_CLASSES = ("cruise", "ballistic", "mixed")
TERM_LABELS = {
    "const": "intercept (log-odds at the reference wave)",
    "log2_size": "per doubling of the wave's total size",
    "mixed_wave": "wave mixes drones and missiles",
    "years": "per year of time trend",
}


def _count(waves: pd.DataFrame, column: str) -> pd.Series:
    if column not in waves.columns:
        return pd.Series(0.0, index=waves.index)
    return pd.to_numeric(waves[column], errors="coerce").astype(float)


def saturation_data(
    waves: pd.DataFrame,
    weapon_class: str,
    convention: str = "neutralised",
    command: str = "national",
) -> pd.DataFrame:
    """One row per wave with `weapon_class` launched: counts, wave size, mix and time.

    `size` is the wave's total launched over all classes; `mixed_wave` is 1 when the wave has both
    drones and missiles; `years` counts from the first wave of the table.
    """
    if convention not in CONVENTIONS:
        raise RateError(f"convention must be one of {CONVENTIONS}, got {convention!r}")
    if weapon_class not in CLASSES:
        raise RateError(f"weapon class must be one of {CLASSES}, got {weapon_class!r}")
    rows = waves if command == "all" else waves[waves["command"] == "national"]
    launched = _count(rows, f"{weapon_class}_launched")
    destroyed = _count(rows, f"{weapon_class}_destroyed")
    counted = destroyed
    if convention == "neutralised":
        counted = destroyed + _count(rows, f"{weapon_class}_not_reached").fillna(0.0)
    missiles = sum(_count(rows, f"{c}_launched").fillna(0.0) for c in MISSILE_CLASSES)
    drones = _count(rows, "drone_launched").fillna(0.0)
    size = sum(_count(rows, f"{c}_launched").fillna(0.0) for c in CLASSES)
    data = pd.DataFrame({
        "wave_id": rows["wave_id"] if "wave_id" in rows.columns else rows.index,
        "report_date": pd.to_datetime(rows["report_date"]),
        "convention": rows["convention"].astype(str),
        "launched": launched,
        "counted": np.minimum(counted, launched),
        "size": size,
        "mixed_wave": ((drones > 0) & (missiles > 0)).astype(float),
    })
    data = data[data["launched"].gt(0) & data["counted"].notna()].copy()
    data["log2_size"] = np.log2(data["size"])
    first = data["report_date"].min()
    data["years"] = (data["report_date"] - first).dt.days / 365.25
    data["rate"] = data["counted"] / data["launched"]
    return data.reset_index(drop=True)


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
    reference: dict[str, float] = field(default_factory=dict)


def _design(data: pd.DataFrame, convention: str, periods: list[str] | None = None) -> pd.DataFrame:
    design = data[["log2_size", "mixed_wave", "years"]].astype(float).copy()
    if convention == "destroyed":
        # 'destroyed' means something different in each reporting period: each gets its own level.
        periods = periods if periods is not None else sorted(data["convention"].unique())
        for period in periods[1:]:
            design[f"period_{period}"] = (data["convention"] == period).astype(float)
    return sm.add_constant(design, has_constant="add")


def fit_saturation(
    data: pd.DataFrame, weapon_class: str, convention: str = "neutralised", alpha: float = 0.05
) -> SaturationFit:
    """Binomial GLM of counted/launched per wave on log2 wave size, wave mix and time.

    The scale is estimated from Pearson's X2 (quasi-binomial), so every interval allows for the
    night-to-night overdispersion. Terms with no variation in the data (e.g. a class never seen
    in a drones-only wave) are dropped.
    """
    if len(data) < 8:
        raise RateError(f"saturation of {weapon_class}: {len(data)} waves, need at least 8")
    periods = sorted(data["convention"].unique())
    design = _design(data, convention, periods)
    constant = [c for c in design.columns if c != "const" and design[c].nunique() < 2]
    design = design.drop(columns=constant)
    # Proportions with the launches as variance weights: with a two-column (successes, failures)
    # endog, statsmodels 0.15 computes the X2 scale on the wrong footing (about 1/mean n).
    result = sm.GLM(data["rate"].to_numpy(), design, family=sm.families.Binomial(),
                    var_weights=data["launched"].to_numpy()).fit(scale="X2")
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
    table["meaning"] = table["term"].map(TERM_LABELS).fillna("reporting period versus the first")
    answer, verdict = _verdict(table, weapon_class, convention, len(data))
    reference = {"mixed_wave": float(data["mixed_wave"].mode().iloc[0]),
                 "years": float(data["years"].max()),
                 "first_date": data["report_date"].min().isoformat(),
                 "last_period": periods[-1]}
    return SaturationFit(weapon_class, convention, table, float(result.scale), len(data), verdict,
                         answer, result, list(design.columns), reference)


def _verdict(table: pd.DataFrame, weapon_class: str, convention: str, waves: int) -> tuple[str, str]:
    slope = table.set_index("term").loc["log2_size"]
    effect = (f"each doubling of the wave multiplies the odds that a {weapon_class} is {convention} "
              f"by {slope.odds_ratio:.2f} (95% CI {slope.or_low:.2f} to {slope.or_high:.2f}; "
              f"{waves} waves, mix and time trend held fixed)")
    if slope.ci_high < 0:
        return "yes", f"Bigger waves get through more: yes. {effect[0].upper()}{effect[1:]}."
    if slope.ci_low > 0:
        return "no", (f"Bigger waves get through more: no, they are {convention} at a higher rate. "
                      f"{effect[0].upper()}{effect[1:]}.")
    return "unclear", (f"Bigger waves get through more: unclear, the interval includes no effect. "
                       f"{effect[0].upper()}{effect[1:]}.")


def predict_saturation(
    fit: SaturationFit,
    sizes: np.ndarray,
    mixed_wave: float | None = None,
    years: float | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Predicted rate with its 1 - alpha band against total wave size, other terms held fixed.

    By default: the most common mix and the time of the last wave (latest reporting period).
    """
    sizes = np.asarray(sizes, dtype=float)
    values = {
        "const": np.ones_like(sizes),
        "log2_size": np.log2(sizes),
        "mixed_wave": np.full_like(sizes, fit.reference["mixed_wave"] if mixed_wave is None else mixed_wave),
        "years": np.full_like(sizes, fit.reference["years"] if years is None else years),
    }
    for column in fit.design_columns:
        if column.startswith("period_"):
            values[column] = np.full_like(sizes, float(column == f"period_{fit.reference['last_period']}"))
    exog = pd.DataFrame({c: values[c] for c in fit.design_columns})
    frame = fit.result.get_prediction(exog).summary_frame(alpha=alpha)
    return pd.DataFrame({"size": sizes, "rate": frame["mean"].to_numpy(),
                         "ci_low": frame["mean_ci_lower"].to_numpy(),
                         "ci_high": frame["mean_ci_upper"].to_numpy()})


def saturation_table(
    waves: pd.DataFrame,
    convention: str = "neutralised",
    command: str = "national",
    classes: tuple[str, ...] = ("drone", "cruise", "ballistic"),
    alpha: float = 0.05,
) -> tuple[pd.DataFrame, dict[str, SaturationFit]]:
    """Fit every class; return the stacked coefficient table and the fits by class."""
    fits, tables = {}, []
    for weapon_class in classes:
        data = saturation_data(waves, weapon_class, convention, command)
        if len(data) < 8:
            continue
        fit = fit_saturation(data, weapon_class, convention, alpha)
        fits[weapon_class] = fit
        tables.append(fit.coefficients.assign(weapon_class=weapon_class, dispersion=fit.dispersion,
                                              waves=fit.waves, answer=fit.answer))
    if not tables:
        raise RateError("saturation: no weapon class has 8 waves in the selection")
    table = pd.concat(tables, ignore_index=True)
    front = ["weapon_class", "term"]
    return table[front + [c for c in table.columns if c not in front]], fits
