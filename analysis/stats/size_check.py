"""The second method for saturation: the largest waves against the rest, within each quarter.

Within each calendar quarter the largest quarter of waves (by the class's own count, or the whole
wave) is set against the other waves of that quarter; the 2x2 tables of munitions are pooled over
quarters by Mantel-Haenszel, with a bootstrap over waves for the interval (the night-to-night
spread makes the binomial interval far too narrow).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from statsmodels.stats.contingency_tables import StratifiedTable

from analysis.stats.rates import RateError


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
    size_column: str = "launched",
) -> QuartileComparison:
    """Compare the rate of the largest waves (size at or above the `top` quantile of their stratum)
    with the other waves of the same stratum, pooled over strata by Mantel-Haenszel.

    Each stratum gives a 2x2 table of munitions (top / rest x counted / not). The odds ratio is
    `statsmodels`' StratifiedTable; its interval treats munitions as independent, so the interval
    reported first resamples waves within each stratum and group (`boot` times) instead. An odds
    ratio below 1 means a smaller share of the largest waves is stopped. Size is `size_column`:
    `launched` (the class's own count, the main reading) or `size` (the whole wave).
    """
    rows, tops, rests = [], [], []
    for name, part in data.groupby(stratum, sort=True):
        if len(part) < 4:
            continue
        is_top = (part[size_column] >= part[size_column].quantile(top)).to_numpy()
        if is_top.all() or not is_top.any():
            continue
        k, n = part["counted"].to_numpy(dtype=float), part["launched"].to_numpy(dtype=float)
        tops.append((k[is_top], n[is_top]))
        rests.append((k[~is_top], n[~is_top]))
        rows.append({stratum: name, "waves_top": int(is_top.sum()), "waves_rest": int((~is_top).sum()),
                     "size_top_median": float(np.median(part[size_column].to_numpy()[is_top])),
                     "size_rest_median": float(np.median(part[size_column].to_numpy()[~is_top])),
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
    answer = "falls" if boot_high < 1 else "rises" if boot_low > 1 else "unclear"
    return QuartileComparison(weapon_class, convention, pd.DataFrame(rows), estimate,
                              float(boot_low), float(boot_high), float(low), float(high),
                              float(stratified.test_null_odds().pvalue), int(len(data)), answer)
