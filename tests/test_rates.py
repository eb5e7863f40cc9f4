"""Tests of analysis.rates: intervals against known values, rates against independent sums."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.rates import binomial_interval


def test_wilson_matches_textbook_closed_form() -> None:
    # Wilson (1927) score interval computed by hand: centre and half-width from the quadratic.
    k, n, z = 81, 263, stats.norm.ppf(0.975)
    p = k / n
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z / (1 + z**2 / n) * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    low, high = binomial_interval(k, n, "wilson")
    assert low == pytest.approx(centre - half, abs=1e-12)
    assert high == pytest.approx(centre + half, abs=1e-12)
    # Agresti and Coull's (1998) worked example, 0/10 successes: Wilson 0 to 0.2775.
    assert binomial_interval(0, 10)[1] == pytest.approx(0.2775, abs=5e-5)


def test_jeffreys_is_beta_quantiles_with_boundary_rule() -> None:
    low, high = binomial_interval(7, 20, "jeffreys")
    assert low == pytest.approx(stats.beta.ppf(0.025, 7.5, 13.5), abs=1e-10)
    assert high == pytest.approx(stats.beta.ppf(0.975, 7.5, 13.5), abs=1e-10)
    assert binomial_interval(0, 20, "jeffreys")[0] == 0.0
    assert binomial_interval(20, 20, "jeffreys")[1] == 1.0


def test_interval_works_on_arrays_and_zero_trials() -> None:
    low, high = binomial_interval(np.array([0, 5, 10, 0]), np.array([10, 10, 10, 0]))
    assert low.shape == (4,)
    assert np.isnan(low[3]) and np.isnan(high[3])
    assert np.all(low[:3] <= np.array([0, 0.5, 1.0])) and np.all(high[:3] >= [0, 0.5, 1.0])
    scalar = binomial_interval(5, 10, alpha=0.1)
    assert isinstance(scalar[0], float)
    assert scalar[1] - scalar[0] < binomial_interval(5, 10, alpha=0.05)[1] - binomial_interval(5, 10)[0]
    with pytest.raises(ValueError):
        binomial_interval(11, 10)
    with pytest.raises(ValueError):
        binomial_interval(1, 10, method="wald")  # type: ignore[arg-type]
