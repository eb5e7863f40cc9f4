"""Do two simulations of the depletion model agree within Monte Carlo error?

Each implementation is reduced to the same per-run figures (interception rate over the horizon,
leakers per day, defender spending per day, and per interceptor: shots per day, whether it ran out
within the horizon and the day it did, capped at H + 1). Two implementations agree on a figure
when the difference of their means is within `z` standard errors of that difference (pooled
spread, see `Comparison.z`); figures with no spread in either (a closed form) must be equal.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from benchmarks.reference_loop import NEVER, RunResults


def _ratio(kills: np.ndarray, arrivals: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(arrivals > 0, kills / np.maximum(arrivals, 1), np.nan)


def _depletion_figures(
    figures: dict[str, np.ndarray], names: list[str], days: np.ndarray, horizon: int,
    shots: np.ndarray,
) -> None:
    """days: (interceptor, run) first depletion day with NEVER; shots: (interceptor, run)."""
    for i, name in enumerate(names):
        ran_out = days[i] != NEVER
        figures[f"{name}: ran out by the horizon"] = ran_out.astype(float)
        figures[f"{name}: depletion day (capped at H+1)"] = np.where(ran_out, days[i], horizon + 1)
        figures[f"{name}: shots per day"] = shots[i] / horizon


def reference_figures(results: RunResults) -> dict[str, np.ndarray]:
    """Per-run figures of a reference model's results."""
    horizon = results.scenario.horizon_days
    arrivals = results.arrivals.sum(axis=(1, 2))
    kills = results.kills.sum(axis=(1, 2))
    figures = {
        "interception rate": _ratio(kills, arrivals),
        "leakers per day": (arrivals - kills) / horizon,
        "defender spending per day (USD)": results.defender_cost_usd() / horizon,
    }
    _depletion_figures(
        figures, results.scenario.interceptor_names, results.depletion_day.T, horizon,
        results.shots.T,
    )
    return figures


def engine_figures(result: Any) -> dict[str, np.ndarray]:
    """Per-run figures of an `analysis.model.depletion.SimulationResult` (read from its public arrays)."""
    horizon = int(result.days.size)
    arrivals = result.run_arrivals.sum(axis=0)
    kills = result.run_kills.sum(axis=0)
    figures = {
        "interception rate": _ratio(kills, arrivals),
        "leakers per day": (arrivals - kills) / horizon,
        "defender spending per day (USD)": result.run_defender_cost / horizon,
    }
    days = np.where(result.depletion_day == np.iinfo(np.int32).max, NEVER, result.depletion_day)
    _depletion_figures(figures, list(result.interceptors), days, horizon, result.run_shots)
    return figures


@dataclass
class Comparison:
    figure: str
    mean_a: float
    sd_a: float
    n_a: int
    mean_b: float
    sd_b: float
    n_b: int

    @property
    def se_a(self) -> float:
        return self.sd_a / math.sqrt(self.n_a) if self.n_a else 0.0

    @property
    def se_b(self) -> float:
        return self.sd_b / math.sqrt(self.n_b) if self.n_b else 0.0

    @property
    def z(self) -> float:
        """|difference| in standard errors of the difference (0 when equal, inf when exact and not).

        Under the hypothesis that both draw from one distribution, its spread is best estimated
        from both samples together (pooled): a reference model with a handful of runs then gets
        the engine's well-estimated spread instead of a noisy (or zero) one of its own.
        """
        diff = abs(self.mean_a - self.mean_b)
        dof = self.n_a + self.n_b - 2
        pooled = (
            math.sqrt(((self.n_a - 1) * self.sd_a**2 + (self.n_b - 1) * self.sd_b**2) / dof)
            if dof > 0 else 0.0
        )
        se = pooled * math.sqrt(1 / max(self.n_a, 1) + 1 / max(self.n_b, 1))
        if se == 0:
            return 0.0 if math.isclose(self.mean_a, self.mean_b, rel_tol=1e-9, abs_tol=1e-12) else math.inf
        return diff / se

    def agrees(self, z: float = 4.0) -> bool:
        return self.z <= z


def _mean_sd(values: np.ndarray) -> tuple[float, float, int]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return math.nan, 0.0, 0
    mean = float(values.mean())
    if values.size == 1 or np.ptp(values) <= 1e-12 * max(1.0, abs(mean)):
        return mean, 0.0, int(values.size)  # the same in every run (rounding aside): no spread
    return mean, float(values.std(ddof=1)), int(values.size)


def compare(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> list[Comparison]:
    """Compare the figures two implementations share."""
    return [Comparison(name, *_mean_sd(a[name]), *_mean_sd(b[name])) for name in a if name in b]


def format_comparison(rows: list[Comparison], label_a: str, label_b: str, z: float = 4.0) -> str:
    """A plain-text table of a comparison."""
    lines = [f"  {'figure':<44} {label_a:>22} {label_b:>22} {'|z|':>6}  agree"]
    for row in rows:
        lines.append(
            f"  {row.figure:<44} {row.mean_a:>12.5g} ±{row.se_a:<9.2g}"
            f"{row.mean_b:>12.5g} ±{row.se_b:<9.2g}{row.z:>6.2f}  {'yes' if row.agrees(z) else 'NO'}"
        )
    return "\n".join(lines)
