"""Saturation: does a bigger wave get through more? A binomial GLM of interception per wave.

The size of a wave is read two ways. The main reading is the class's own count: for cruise
missiles, how many cruise missiles flew that night (a night of 500 drones and 4 cruise missiles is
not a big cruise-missile wave). The second reading, labelled as such, is the whole wave (every
weapon launched that night), which asks whether drones in the air make the missiles harder to
stop. Both are reported; they can differ a lot (cruise missiles: about 2.0 per doubling of the
whole wave against 1.3 per doubling of the cruise missiles themselves).

The answer is told in counts as well as shares: a wave twice as large may be stopped at a higher
share and still let more weapons through in number (`leak_counts`), so "do bigger waves get
through more?" never reads as a yes or no.

The default analysis is built to avoid the confounders of the raw record:

- only waves reported from `COMPLETE_FROM` (2024-08-01), when every day of the record is covered
  (README trap 9: earlier months miss days, so small early "waves" are often single shoot-down
  reports, and the defense was weaker then);
- only waves with at least `MIN_LAUNCHED[class]` munitions of the class (stated in every result),
  so single-drone reports do not stand for "small waves";
- a fixed effect per month (`time_adjust="month"`), so that "more drones in later months" and "a
  better defense in later months" cannot pass for a size effect; under `destroyed`, per month and
  reporting convention, as the count's meaning changed;
- weights that follow the beta-binomial variance n (1 + (n - 1) rho) of a wave (Williams 1982),
  so a 700-drone night does not count as 35 independent 20-drone nights;
- months as the unit of dependence: the size terms' standard errors are cluster-robust by
  calendar month (the sandwich of the weighted GLM's scores summed per month, CR1, Student's t on
  months - 1 degrees of freedom), so attacks of one month that share their luck, good or bad,
  count as one piece of evidence, not many. (statsmodels 0.15 marks its own cluster-robust errors
  "not fully supported" with variance weights, so they are computed here.)

What is counted matters more than any of that. "Stopped" for drones counts those lost to
electronic warfare and decoys, and their share grows with the size of the attack: that is the
jamming's reach, not the air defense's. From 1 August 2024 to 22 July 2025 the Air Force gave
drones shot down and drones lost to jamming apart (`analysis.record.conventions`), so
`defense_table` gives the size effect for each (`convention` "destroyed": shot down;
"not_reached": lost to jamming or decoys) on that period, and headlines the shot-down one; for
missiles, destroyed (headline) and failed to reach over the whole complete period.

What it cannot rule out (`CONFOUNDS`, stated with every verdict): defensive effort rising with an
announced wave, drones lost to electronic warfare and decoys counted as stopped, attacks split over
several posts or nights, and large counts rounded in the posts.

A second method, `analysis.stats.size_check.size_quartile_comparison`, compares the largest quarter of waves with the rest
within each calendar quarter (Mantel-Haenszel), with a bootstrap over waves for its interval.
`wave_id` is the wave of `analysis.record.waves`, the one wave definition of the project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats

from analysis.record import COMBINED_FROM, SPLIT_FROM
from analysis.record.conventions import COMPLETE_COVERAGE_FROM
from analysis.record.facts import format_date
from analysis.stats.rates import RateError
from analysis.stats.size_check import QuartileComparison

CLASSES = ("drone", "cruise", "ballistic", "sam", "mixed", "other")
MISSILE_CLASSES = ("cruise", "ballistic", "sam", "mixed")
#: First report date of complete daily coverage of the record (README trap 9).
COMPLETE_FROM = COMPLETE_COVERAGE_FROM
#: What a saturation model can count: stopped (destroyed + not reached), destroyed (shot down),
#: and not reached alone (for drones lost to jamming or decoys; for missiles failed to reach).
COUNTS = ("neutralised", "destroyed", "not_reached")
#: The days on which the record gives drones shot down and drones lost to jamming apart, with
#: complete daily coverage: 1 August 2024 (the later of the two) to the day before the counts
#: were combined again (22 July 2025).
SPLIT_PERIOD = (max(SPLIT_FROM, COMPLETE_COVERAGE_FROM), COMBINED_FROM - pd.Timedelta(days=1))
#: Smallest wave, in munitions of the class, the default analysis keeps. Missile waves are small
#: (median 5 cruise, 2 ballistic a wave since 2024-08), so their floor is lower than for drones.
MIN_LAUNCHED: dict[str, int] = {"drone": 20, "cruise": 5, "ballistic": 3, "sam": 3, "mixed": 3, "other": 3}
TimeAdjust = Literal["month", "quarter", "linear", "none"]
TIME_ADJUSTMENTS: tuple[str, ...] = ("month", "quarter", "linear", "none")
SIZE_TERMS = {"class": "log2_class", "wave": "log2_size"}
TERM_LABELS = {
    "const": "baseline",
    "log2_class": "per doubling of the class's count (main reading)",
    "log2_size": "per doubling of the whole attack (second reading)",
    "mixed_wave": "attack mixes drones and missiles",
    "years": "per year of time trend",
}
CONFOUNDS = (
    "defensive effort rises with an announced attack (mobile fire groups, aircraft and interceptor "
    "drones moved to its routes)",
    "drones lost to electronic warfare and decoys count as stopped, and their number grows with the attack",
    "one attack can be split over several posts or nights, so an attack's size as counted here is not always its real size",
    "large counts are often rounded in the posts",
)


def counted_words(weapon_class: str, convention: str) -> str:
    """"stopped", "shot down", "lost to jamming or decoys" (drones), "failed to reach" (missiles)."""
    if convention == "neutralised":
        return "stopped"
    if convention == "destroyed":
        return "shot down" if weapon_class == "drone" else "destroyed"
    return "lost to jamming or decoys" if weapon_class == "drone" else "failed to reach"


def caveat(weapon_class: str, convention: str = "neutralised") -> str:
    """What the saturation figures cannot rule out, in words fitting the class and the count (drones
    lost to jamming confound only a count that includes them)."""
    jamming_counted = weapon_class == "drone" and convention == "neutralised"
    items = list(CONFOUNDS) if jamming_counted else [CONFOUNDS[0], *CONFOUNDS[2:]]
    if weapon_class != "drone":
        items.append("small missile attacks are often single strikes on front-line areas where fewer "
                     "interceptors are in range")
    return ("An association in the record's own counts, not a controlled comparison: "
            + "; ".join(items) + ". Month is held fixed; targets, routes and weather are not.")


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
    together), `log2_class` (log2 of the class's own count), `years` (from the first wave kept),
    `month`, `quarter` (the period strata; under `destroyed` they carry the reporting convention
    too, as the count's meaning changed). `convention`: `neutralised` (stopped), `destroyed` (shot
    down) or `not_reached` (lost to jamming or decoys; for missiles, failed to reach). A wave
    counting more stopped than launched cannot be true and is left out
    (`attrs["impossible_waves"]`), not capped.
    """
    if convention not in COUNTS:
        raise RateError(f"convention must be one of {COUNTS}, got {convention!r}")
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
    elif convention == "not_reached":
        counted = _count(rows, f"{weapon_class}_not_reached").fillna(0.0).where(counted.notna())
    missiles = sum(_count(rows, f"{c}_launched").fillna(0.0) for c in MISSILE_CLASSES)
    drones = _count(rows, "drone_launched").fillna(0.0)
    size = sum(_count(rows, f"{c}_launched").fillna(0.0) for c in CLASSES)
    data = pd.DataFrame({
        "wave_id": rows["wave_id"] if "wave_id" in rows.columns else rows.index,
        "report_date": dates,
        "convention": rows["convention"].astype(str),
        "launched": launched,
        "counted": counted,
        "size": size,
        "mixed_wave": ((drones > 0) & (missiles > 0)).astype(float),
    })
    impossible = data["counted"].gt(data["launched"]).fillna(False)
    data = data[data["launched"].ge(min_launched) & data["counted"].notna() & ~impossible].copy()
    data["log2_size"] = np.log2(data["size"])
    data["log2_class"] = np.log2(data["launched"])
    data["years"] = (data["report_date"] - data["report_date"].min()).dt.days / 365.25
    data["rate"] = data["counted"] / data["launched"]
    data["month"] = data["report_date"].dt.to_period("M").astype(str)
    data["quarter"] = data["report_date"].dt.to_period("Q").astype(str)
    data["calendar_month"] = data["month"]  # the unit of dependence, whatever the strata
    if convention != "neutralised":  # a count whose meaning changed: strata per convention too
        for period in ("month", "quarter"):
            data[period] = data[period] + " " + data["convention"]
    data = data.reset_index(drop=True)
    data.attrs.update(weapon_class=weapon_class, convention=convention, command=command,
                      min_launched=min_launched, impossible_waves=int(impossible.sum()),
                      start=None if start is None or str(start) == "" else str(pd.Timestamp(start).date()),
                      end=None if end is None or str(end) == "" else str(pd.Timestamp(end).date()))
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
    answer: str  # the share stopped as waves grow: "falls", "rises" or "unclear"
    result: Any = field(repr=False)
    design_columns: list[str] = field(default_factory=list)
    reference: dict[str, Any] = field(default_factory=dict)
    rho: float = 0.0  # the wave-to-wave correlation behind the weights (0: binomial weights)
    time_adjust: str = "month"
    min_launched: int = 1
    size: str = "class"  # what a doubling doubles: the class's own count, or the whole wave
    covariance: Any = field(default=None, repr=False)  # of the coefficients, for predictions
    months: int = 0  # clusters of the size terms' standard errors (calendar months)
    dof: float = float("inf")  # of their t reference (months - 1)
    data: pd.DataFrame | None = field(default=None, repr=False)  # the waves fitted (`defense_table`)

    def slope(self) -> pd.Series:
        """The row of the coefficient table for the size term."""
        return self.coefficients.set_index("term").loc[SIZE_TERMS[self.size]]


def _design(data: pd.DataFrame, convention: str, time_adjust: str,
            strata: list[str] | None = None, size: str = "class") -> pd.DataFrame:
    design = data[[SIZE_TERMS[size], "mixed_wave"]].astype(float).copy()
    if time_adjust in ("month", "quarter"):
        # One level per period (and per reporting convention under destroyed); the first is the base.
        strata = strata if strata is not None else sorted(data[time_adjust].unique())
        for stratum in strata[1:]:
            design[f"{time_adjust} {stratum}"] = (data[time_adjust] == stratum).astype(float)
    else:
        if time_adjust == "linear":
            design["years"] = data["years"].astype(float)
        if convention != "neutralised":
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
    size: str = "class",
    cluster: bool = True,
) -> SaturationFit:
    """Binomial GLM of counted/launched per wave on log2 wave size, wave mix and time.

    `size`: "class" (log2 of the class's own count, the main reading) or "wave" (log2 of the whole
    wave's launches, the second reading).
    `time_adjust`: a fixed effect per `month` or `quarter`, a `linear` trend, or `none` (the naive
    model). Weights are launches / (1 + (launches - 1) rho) with rho re-estimated from the fit
    (Williams' method) unless `beta_binomial_weights=False` (plain launches); the scale is then
    estimated from Pearson's X2 (quasi-binomial), so any overdispersion left widens every interval.
    Terms with no variation in the data (e.g. a class never in a drones-only wave) are dropped.
    `cluster`: standard errors cluster-robust by calendar month (module docstring; the default),
    or the quasi-binomial model's own.
    """
    if time_adjust not in TIME_ADJUSTMENTS:
        raise RateError(f"time_adjust must be one of {TIME_ADJUSTMENTS}, got {time_adjust!r}")
    if size not in SIZE_TERMS:
        raise RateError(f"size must be one of {tuple(SIZE_TERMS)}, got {size!r}")
    if len(data) < 8:
        raise RateError(f"saturation of {weapon_class}: {len(data)} waves, need at least 8")
    strata = sorted(data[time_adjust].unique()) if time_adjust in ("month", "quarter") else None
    design = _design(data, convention, time_adjust, strata, size)
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
    covariance, months = _month_covariance(result, design, data, cluster)
    dof = float(months - 1) if months else float("inf")
    se = np.sqrt(np.clip(np.diag(covariance), 0.0, None))
    estimate = result.params.to_numpy()
    quantile = stats.t.ppf(1 - alpha / 2, dof) if np.isfinite(dof) else stats.norm.ppf(1 - alpha / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_value = estimate / se
    table = pd.DataFrame({
        "term": design.columns,
        "estimate": estimate,
        "std_error": se,
        "ci_low": estimate - quantile * se,
        "ci_high": estimate + quantile * se,
        "p_value": 2 * (stats.t.sf(np.abs(t_value), dof) if np.isfinite(dof) else stats.norm.sf(np.abs(t_value))),
    })
    table["odds_ratio"] = np.exp(table["estimate"])
    table["or_low"], table["or_high"] = np.exp(table["ci_low"]), np.exp(table["ci_high"])
    table["meaning"] = table["term"].map(TERM_LABELS).fillna(f"{time_adjust} or period versus the first")
    # Period terms are nuisance: the table keeps only the terms a reader asks about.
    table = table[table["term"].isin(TERM_LABELS)].reset_index(drop=True)
    min_launched = int(data.attrs.get("min_launched", int(data["launched"].min())))
    answer, verdict = _verdict(table, weapon_class, convention, len(data), time_adjust, min_launched,
                               data.attrs.get("start"), size, months, data.attrs.get("end"))
    reference = {"mixed_wave": float(data["mixed_wave"].mode().iloc[0]),
                 "years": float(data["years"].max()),
                 "first_date": data["report_date"].min().isoformat(),
                 "last_period": sorted(data["convention"].unique())[-1],
                 "last_stratum": strata[-1] if strata else None}
    return SaturationFit(weapon_class, convention, table, dispersion, len(data), verdict, answer,
                         result, list(design.columns), reference, rho, time_adjust, min_launched, size,
                         _prediction_covariance(result, covariance), months, dof)


def _month_covariance(result: Any, design: pd.DataFrame, data: pd.DataFrame,
                      cluster: bool) -> tuple[np.ndarray, int]:
    """(covariance of the coefficients, clusters): cluster-robust by calendar month (CR1) where
    `cluster` and the data span at least 3 months, else the model's own (quasi-binomial).

    For a binomial GLM with variance weights w the score of wave i is w_i (y_i - mu_i) x_i and the
    information sum w_i mu_i (1 - mu_i) x_i x_i'; the sandwich sums the scores per month first.
    With a level per month the scores of the month levels sum to zero within each month, so their
    own variances here mean little: `_prediction_covariance` takes them from the model instead.
    """
    model_based = np.asarray(result.cov_params())
    months = data["calendar_month"] if "calendar_month" in data.columns else data.get("month")
    if not cluster or months is None or months.nunique() < 3:
        return model_based, 0
    x = design.to_numpy(dtype=float)
    mu = np.asarray(result.fittedvalues, dtype=float)
    y = data["rate"].to_numpy(dtype=float)
    w = np.asarray(result.model.var_weights, dtype=float)
    scores = x * (w * (y - mu))[:, None]
    information = x.T @ (x * (w * mu * (1 - mu))[:, None])
    bread = np.linalg.pinv(information)
    per_month = pd.DataFrame(scores).groupby(months.to_numpy()).sum().to_numpy()
    groups, (n, k) = len(per_month), x.shape
    correction = groups / (groups - 1) * (n - 1) / max(n - k, 1)
    return correction * bread @ (per_month.T @ per_month) @ bread, groups


SLOPE_TERMS = ("log2_class", "log2_size", "mixed_wave")


def _prediction_covariance(result: Any, covariance: np.ndarray) -> np.ndarray:
    """The model's covariance with the size terms' standard errors taken from `covariance`
    (months as units), their correlations with the month levels kept from the model."""
    model_based = np.asarray(result.cov_params())
    names = list(result.params.index)
    scale = np.ones(len(names))
    for j, name in enumerate(names):
        if name in SLOPE_TERMS and model_based[j, j] > 0:
            scale[j] = np.sqrt(max(covariance[j, j], 0.0) / model_based[j, j])
    return model_based * np.outer(scale, scale)


def _verdict(table: pd.DataFrame, weapon_class: str, convention: str, waves: int, time_adjust: str,
             min_launched: int, start: str | None, size: str, months: int = 0,
             end: str | None = None) -> tuple[str, str]:
    slope = table.set_index("term").loc[SIZE_TERMS[size]]
    held = {"month": "month", "quarter": "quarter", "linear": "a linear time trend",
            "none": "nothing"}[time_adjust]
    span = (f" from {format_date(start)}" if start else "") + (f" to {format_date(end)}" if end else "")
    scope = f"{waves} attacks of {min_launched}+ {plural(weapon_class)}{span}"
    units = f"; months as the units, {months} of them" if months else ""
    doubled = (f"the number of {plural(weapon_class)} in the attack" if size == "class"
               else "the whole attack (all weapons)")
    stopped = counted_words(weapon_class, convention)
    effect = (f"each doubling of {doubled} multiplies the odds that one is {stopped} by "
              f"{slope.odds_ratio:.2f} (95% interval {slope.or_low:.2f} to {slope.or_high:.2f}; "
              f"{scope}; the attack's mix and {held} held fixed{units})")
    if slope.ci_high < 0:
        return "falls", f"A smaller share is {stopped} in bigger attacks: {effect}."
    if slope.ci_low > 0:
        return "rises", f"A larger share is {stopped} in bigger attacks: {effect}."
    return "unclear", f"No clear change of the share {stopped} with the size of the attack: {effect}."


def plural(weapon_class: str) -> str:
    return {"drone": "drones", "cruise": "cruise missiles", "ballistic": "ballistic missiles",
            "sam": "S-300/S-400 missiles", "mixed": "missiles",
            "other": "other weapons"}.get(weapon_class, weapon_class)


def predict_saturation(
    fit: SaturationFit,
    sizes: np.ndarray,
    mixed_wave: float | None = None,
    years: float | None = None,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Predicted rate with its 1 - alpha band against wave size (the class's own count, or the
    whole wave, as the fit reads size), other terms held fixed.

    By default: the most common mix, and the latest month (or quarter, or time of the last wave,
    latest reporting period) of the data. The band is on the logit scale from the fit's
    prediction covariance (the size terms with months as units), Student's t on the fit's
    degrees of freedom.
    """
    sizes = np.asarray(sizes, dtype=float)
    values = {
        "const": np.ones_like(sizes),
        SIZE_TERMS[fit.size]: np.log2(sizes),
        "mixed_wave": np.full_like(sizes, fit.reference["mixed_wave"] if mixed_wave is None else mixed_wave),
        "years": np.full_like(sizes, fit.reference["years"] if years is None else years),
    }
    latest = {f"period_{fit.reference['last_period']}",
              f"{fit.time_adjust} {fit.reference['last_stratum']}"}
    exog = pd.DataFrame({
        c: values[c] if c in values else np.full_like(sizes, float(c in latest))
        for c in fit.design_columns
    })
    x = exog.to_numpy(dtype=float)
    covariance = fit.covariance if fit.covariance is not None else np.asarray(fit.result.cov_params())
    eta = x @ fit.result.params.to_numpy()
    se = np.sqrt(np.maximum(np.einsum("ij,jk,ik->i", x, covariance, x), 0.0))
    quantile = stats.t.ppf(1 - alpha / 2, fit.dof) if np.isfinite(fit.dof) else stats.norm.ppf(1 - alpha / 2)
    return pd.DataFrame({"size": sizes, "rate": special.expit(eta),
                         "ci_low": special.expit(eta - quantile * se),
                         "ci_high": special.expit(eta + quantile * se)})


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
    size: str = "class",
) -> tuple[pd.DataFrame, dict[str, SaturationFit]]:
    """Fit every class; return the stacked coefficient table and the fits by class.

    `size`: "class" (the main reading) or "wave" (the second reading, the whole wave)."""
    floors = {**MIN_LAUNCHED, **(min_launched or {})}
    fits, tables = {}, []
    for weapon_class in classes:
        data = saturation_data(waves, weapon_class, convention, command, start, end,
                               floors[weapon_class])
        if len(data) < 8:
            continue
        fit = fit_saturation(data, weapon_class, convention, alpha, time_adjust, size=size)
        fits[weapon_class] = fit
        tables.append(fit.coefficients.assign(
            weapon_class=weapon_class, dispersion=fit.dispersion, rho=fit.rho, waves=fit.waves,
            min_launched=fit.min_launched, answer=fit.answer, size=size))
    if not tables:
        raise RateError("saturation: no weapon class has 8 waves in the selection")
    table = pd.concat(tables, ignore_index=True)
    front = ["weapon_class", "term"]
    return table[front + [c for c in table.columns if c not in front]], fits


@dataclass(frozen=True)
class Reading:
    """One count whose share a saturation model follows, over the days the record gives it."""

    convention: str
    headline: bool
    split_only: bool  # drones shot down and lost to jamming are apart only in `SPLIT_PERIOD`


#: Per class, the readings of `defense_table`, the headline first: for drones the share shot down
#: and the share lost to jamming over the days the record gives them apart, and the share stopped
#: on those days and over the whole window; for missiles destroyed, then destroyed or failed to reach.
DEFENSE_READINGS: dict[str, tuple[Reading, ...]] = {
    "drone": (Reading("destroyed", True, True), Reading("not_reached", False, True),
              Reading("neutralised", False, True), Reading("neutralised", False, False)),
    **{c: (Reading("destroyed", True, False), Reading("neutralised", False, False))
       for c in MISSILE_CLASSES + ("other",)},
}
DEFENSE_COLUMNS = ["class", "counting", "convention", "headline", "start", "end", "waves", "months",
                   "odds_ratio", "or_low", "or_high", "answer", "share_smallest", "share_largest",
                   "verdict", "note"]


def size_quarter_shares(data: pd.DataFrame) -> tuple[float, float]:
    """The pooled share counted in the smallest and in the largest quarter of waves (by the
    class's own count): the size effect in plain shares, before any model."""
    if len(data) < 4:
        return float("nan"), float("nan")
    low, high = data["launched"].quantile([0.25, 0.75]).to_numpy()
    small, large = data[data["launched"] <= low], data[data["launched"] >= high]
    return (float(small["counted"].sum() / small["launched"].sum()),
            float(large["counted"].sum() / large["launched"].sum()))


def defense_table(
    waves: pd.DataFrame,
    command: str = "national",
    classes: tuple[str, ...] = ("drone", "cruise", "ballistic"),
    alpha: float = 0.05,
    start: str | pd.Timestamp | None = COMPLETE_FROM,
    end: str | pd.Timestamp | None = None,
    min_launched: dict[str, int] | None = None,
    time_adjust: TimeAdjust = "month",
    size: str = "class",
) -> tuple[pd.DataFrame, dict[tuple[str, str, bool], SaturationFit]]:
    """Saturation about the air defense: per class, the size effect for each count the record
    gives apart (`DEFENSE_READINGS`), the headline first, with months as the unit of dependence.

    One row per class and reading (`DEFENSE_COLUMNS`): the counting in words, its days, waves and
    months, the odds ratio per doubling with its 95% interval, the answer (falls, rises, unclear),
    the pooled share in the smallest and largest quarter of waves, the verdict in words; a reading
    with fewer than 8 waves (or that cannot be fitted) keeps its row with the reason in `note`.
    The fits are keyed by (class, convention, split_only)."""
    floors = {**MIN_LAUNCHED, **(min_launched or {})}
    rows, fits = [], {}
    for weapon_class in classes:
        for reading in DEFENSE_READINGS.get(weapon_class, ()):
            first = pd.Timestamp(start) if start not in (None, "") else None
            last = pd.Timestamp(end) if end not in (None, "") else None
            if reading.split_only:
                first = max(first, SPLIT_PERIOD[0]) if first is not None else SPLIT_PERIOD[0]
                last = min(last, SPLIT_PERIOD[1]) if last is not None else SPLIT_PERIOD[1]
            row = {"class": weapon_class, "counting": counted_words(weapon_class, reading.convention),
                   "convention": reading.convention, "headline": reading.headline,
                   "start": first, "end": last, "note": ""}
            data = saturation_data(waves, weapon_class, reading.convention, command, first, last,
                                   floors[weapon_class])
            row["waves"], row["months"] = len(data), int(data["calendar_month"].nunique()) if len(data) else 0
            if len(data):  # the days the reading covers, as the data give them
                row["start"], row["end"] = data["report_date"].min().normalize(), data["report_date"].max().normalize()
            row["share_smallest"], row["share_largest"] = size_quarter_shares(data)
            if first is not None and last is not None and first > last:
                row["note"] = "the window holds none of these days"
            elif len(data) < 8:
                row["note"] = f"{len(data)} attacks: too few to fit (at least 8)"
            else:
                try:
                    fit = fit_saturation(data, weapon_class, reading.convention, alpha, time_adjust, size=size)
                except (RateError, ValueError, np.linalg.LinAlgError) as error:
                    row["note"] = f"could not be fitted: {error}"
                else:
                    fit.data = data
                    fits[(weapon_class, reading.convention, reading.split_only)] = fit
                    slope = fit.slope()
                    row.update(odds_ratio=slope.odds_ratio, or_low=slope.or_low, or_high=slope.or_high,
                               answer=fit.answer, verdict=fit.verdict, months=fit.months or row["months"])
            rows.append(row)
    table = pd.DataFrame(rows, columns=DEFENSE_COLUMNS)
    return table, fits


def headline_fit(fits: dict[tuple[str, str, bool], SaturationFit], weapon_class: str) -> SaturationFit | None:
    """The fit of the class's headline reading in `defense_table`'s fits (None if it has none)."""
    reading = next((r for r in DEFENSE_READINGS.get(weapon_class, ()) if r.headline), None)
    return None if reading is None else fits.get((weapon_class, reading.convention, reading.split_only))


def defense_sentence(table: pd.DataFrame, weapon_class: str, include_headline: bool = True) -> str:
    """The class's saturation in words: the headline (shot down) reading, then what the other
    counts do (for drones: the share lost to jamming or decoys, by the size of the attack)."""
    part = table[(table["class"] == weapon_class) & table["odds_ratio"].notna()]
    if part.empty:
        return ""
    head = part[part["headline"]]
    first = head.iloc[0] if len(head) else part.iloc[0]
    text = first["verdict"] if include_headline else ""
    for _, row in part.drop(index=first.name).iterrows():
        quarters = (f"; {100 * row['share_smallest']:.0f}% in the smallest quarter of attacks, "
                    f"{100 * row['share_largest']:.0f}% in the largest" if np.isfinite(row["share_smallest"]) else "")
        when = f"{format_date(row['start'])} to {format_date(row['end'])}"
        text += (f" Share {row['counting']} ({when}): odds x{row['odds_ratio']:.2f} per doubling (95% "
                 f"interval {row['or_low']:.2f} to {row['or_high']:.2f}){quarters}.")
    return text.strip()


def leak_counts(fit: SaturationFit, sizes: np.ndarray, alpha: float = 0.05) -> pd.DataFrame:
    """Weapons expected to get through a wave of each size (the class's own count): n (1 - rate),
    with the 1 - alpha band from the predicted rate's. Needs a fit on the class's own count."""
    if fit.size != "class":
        raise RateError("leak_counts needs a fit on the class's own count (size='class')")
    predicted = predict_saturation(fit, np.asarray(sizes, dtype=float), alpha=alpha)
    n = predicted["size"]
    return pd.DataFrame({"size": n, "through": n * (1 - predicted["rate"]),
                         "through_low": n * (1 - predicted["ci_high"]),
                         "through_high": n * (1 - predicted["ci_low"]), "rate": predicted["rate"]})


def typical_sizes(data: pd.DataFrame) -> tuple[float, float]:
    """A common and a large wave of the class (its own count): the median and the 95th
    percentile of the waves fitted, rounded to two significant figures."""
    low, high = data["launched"].quantile([0.5, 0.95]).to_numpy()
    return tuple(float(f"{v:.2g}") for v in (low, max(high, 2 * low)))  # type: ignore[return-value]


def in_counts(fit: SaturationFit, data: pd.DataFrame) -> str:
    """The saturation answer in counts: what a common and a large wave let through (for a count of
    shot down or destroyed only: what they leave not shot down, which is not all "through")."""
    small, large = typical_sizes(data)
    counts = leak_counts(fit, np.array([small, large]))
    what = plural(fit.weapon_class)

    def through(row: pd.Series) -> str:
        return (f"about {_round(row['through'])} (95% interval {_round(row['through_low'])} to "
                f"{_round(row['through_high'])})")

    first, second = counts.iloc[0], counts.iloc[1]
    more = "more" if second["through"] > first["through"] else "fewer"
    share = "a smaller" if second["rate"] > first["rate"] else "a larger"
    joint = "but" if (more == "more") == (share == "a smaller") else "and"
    if fit.convention == "neutralised":
        return (f"In counts, an attack of {large:,.0f} {what} lets {through(second)} get through, an attack "
                f"of {small:,.0f} {through(first)}: bigger attacks let more through in number, {joint} "
                f"{share} share of what was launched (at the latest month's level).")
    missed = f"not {counted_words(fit.weapon_class, fit.convention)}"
    return (f"In counts, an attack of {large:,.0f} {what} leaves {through(second)} {missed}, an attack of "
            f"{small:,.0f} {through(first)}: bigger attacks leave {more} {missed} in number, {joint} {share} "
            f"share of what was launched (at the latest month's level).")


def _round(value: float) -> str:
    """Counts as a reader should quote them: whole numbers, two significant figures above 100."""
    if value >= 100:
        return f"{float(f'{value:.2g}'):,.0f}"
    return f"{value:,.0f}"


def plain_verdict(fit: SaturationFit, check: QuartileComparison | None = None,
                  data: pd.DataFrame | None = None) -> str:
    """The verdict of the GLM, in counts where `data` is given, the within-quarter check beside
    it, and what it cannot rule out, in words."""
    text = fit.verdict
    if data is not None and fit.size == "class":
        text += " " + in_counts(fit, data)
    if check is not None:
        if check.answer == fit.answer:
            agree = "this check agrees"
        elif check.answer == "unclear":
            same_side = (check.odds_ratio > 1) == (fit.slope().odds_ratio > 1)
            agree = (f"this check points {'the same' if same_side else 'the other'} way but its "
                     "interval includes no effect")
        else:
            agree = "this check disagrees"
        text += (f" Within each quarter, the largest quarter of attacks against the rest: odds "
                 f"ratio {check.odds_ratio:.2f} (95% interval {check.or_low:.2f} to "
                 f"{check.or_high:.2f}, resampling attacks); {agree}.")
    return f"{text} {caveat(fit.weapon_class, fit.convention)}"
