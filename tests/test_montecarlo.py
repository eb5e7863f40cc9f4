"""Monte Carlo errors of the summary: shares with a binomial interval, and the standard errors of
the figures that had none, checked against their closed forms."""

from __future__ import annotations

import math

import pytest

from analysis.cli.simulate import describe
from analysis.model.depletion import simulate
from analysis.model.montecarlo import share_interval, share_text
from analysis.model.scenarios import scenario_from_dict


def test_a_share_of_none_or_all_runs_gets_the_exact_one_sided_bound():
    # P(0 of N | p) = (1 - p)^N = 0.05 at p = 1 - 0.05^(1/N): about 3 / N (the rule of three)
    low, high = share_interval(0, 200)
    assert low == 0 and high == pytest.approx(1 - 0.05 ** (1 / 200)) and high == pytest.approx(3 / 200, rel=0.01)
    assert share_text(0, 200) == "under 1.5% (0 of 200 runs)"
    assert share_interval(200, 200) == pytest.approx((0.05 ** (1 / 200), 1.0))
    assert share_text(200, 200) == "over 98.5% (200 of 200 runs)"
    # the bound as written still holds: rounded away from the runs seen, never to 0% or 100%
    assert share_text(10_000, 10_000) == "over 99.9% (10,000 of 10,000 runs)"  # bound 0.99970
    assert share_text(0, 2_000) == "under 0.2% (0 of 2,000 runs)"  # bound 0.00150, not "0.1%"
    assert share_text(0, 100_000) == "under 0.1% (0 of 100,000 runs)"  # bound 0.00003


def test_a_share_in_between_gets_wilsons_interval():
    # Wilson: (p + z^2/2n -+ z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)
    count, runs, z = 87, 200, 1.959963984540054
    p = count / runs
    centre, half = p + z**2 / (2 * runs), z * math.sqrt(p * (1 - p) / runs + z**2 / (4 * runs**2))
    expected = ((centre - half) / (1 + z**2 / runs), (centre + half) / (1 + z**2 / runs))
    assert share_interval(count, runs) == pytest.approx(expected)
    assert share_text(count, runs) == "43.5% (95%: 36.8% to 50.4%, 87 of 200 runs)"


def _never_short(runs: int) -> tuple[dict, float, int, float]:
    per_day, horizon, q = 8, 50, 0.6
    data = {
        "name": "stocked", "horizon_days": horizon, "runs": runs, "seed": 4,
        "threats": {"x": {"per_day": per_day, "dispersion": 0}},
        "interceptors": {"a": {"stock": 10**6}},
        "layers": [{"name": "A", "interceptor": "a", "engages": {"x": {"shots": 1, "pk": q}}}],
    }
    return data, per_day, horizon, q


def test_leakers_and_the_rate_while_stocked_carry_their_closed_form_errors():
    # 8 a day for 50 days, each killed with chance 0.6, never short: a run's leakers a day are
    # Binomial(400, 0.4) / 50 and its rate Binomial(400, 0.6) / 400, so over N runs the standard
    # errors are sqrt(400 x 0.24) / 50 / sqrt(N) and sqrt(0.24 / 400 / N)
    runs = 4000
    data, per_day, horizon, q = _never_short(runs)
    summary = simulate(scenario_from_dict(data)).summary()
    threats = per_day * horizon
    leak_se = math.sqrt(threats * q * (1 - q)) / horizon / math.sqrt(runs)
    rate_se = math.sqrt(q * (1 - q) / threats / runs)
    # the estimates of a standard deviation from 4,000 runs are within a few percent of it
    assert summary["mcse"]["leakers_per_day_by_class"]["x"] == pytest.approx(leak_se, rel=0.06)
    assert summary["mcse"]["interception_rate_while_stocked"]["x"] == pytest.approx(rate_se, rel=0.06)
    assert summary["interception_rate_while_stocked"]["x"] == pytest.approx(q, abs=4 * rate_se)
    assert summary["leakers_per_day_by_class"]["x"] == pytest.approx(per_day * (1 - q), abs=4 * leak_se)


def test_the_terminal_gives_every_quantile_its_error_and_every_share_its_interval():
    data, *_ = _never_short(200)
    text = describe(simulate(scenario_from_dict(data)).summary())
    assert "runs out within 50 days in under 1.5% (0 of 200 runs)" in text
    assert "0.0% ±0.0%" not in text
    rate_line = next(line for line in text.splitlines() if line.startswith("  interception rate:"))
    assert rate_line.count("±") == 3  # the mean, the 10th and the 90th percentile
    leak_line = next(line for line in text.splitlines() if line.startswith("  threats getting through"))
    assert leak_line.count("±") == 3


def test_the_terminal_gives_the_days_quantiles_their_errors():
    import re

    data, *_ = _never_short(400)
    data["threats"]["x"]["dispersion"] = 1
    data["interceptors"]["a"]["stock"] = 100  # runs out around day 13 (Poisson 8 a day)
    text = describe(simulate(scenario_from_dict(data)).summary())
    line = next(line for line in text.splitlines() if line.startswith("    a "))
    assert re.search(r"day \d+ ±[\d.]+ \(10-90% of runs: \d+ ±[\d.]+ to \d+ ±[\d.]+\)", line), line
    assert "over 99.2% (400 of 400 runs)" in line  # the bound 0.99254, rounded down so that it holds
