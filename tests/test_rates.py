"""Tests of analysis.stats.rates: intervals against known values, rates against independent sums."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.stats.rates import binomial_interval


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


# --- rates on synthetic tidy records ------------------------------------------------------------

import pandas as pd  # noqa: E402

from analysis.stats.dispersion import fit_beta_binomial, overdispersion_table  # noqa: E402
from analysis.stats.intervals import INTERVAL_METHOD, share_interval  # noqa: E402
from analysis.stats.rates import RateError, quasi_dispersion, rate_table, wave_interval  # noqa: E402


def _convention_on(date: pd.Timestamp) -> str:
    if date < pd.Timestamp("2024-07-10"):
        return "early"
    return "split" if date < pd.Timestamp("2025-07-23") else "combined"


def synthetic_record(seed: int = 0, waves: int = 60) -> pd.DataFrame:
    """A tidy record of drone and ballistic rows, two national waves a week from June 2024."""
    rng = np.random.default_rng(seed)
    rows = []
    dates = pd.date_range("2024-06-01", periods=waves, freq="3D")
    for i, date in enumerate(dates):
        night = dict(start=date - pd.Timedelta(hours=6), end=date + pd.Timedelta(hours=8),
                     publisher="kpszsu", shahed_real=pd.NA)
        for model, weapon_class, size, p_destroy, p_lost in (
            ("Shahed-136/131", "drone", 80, 0.6, 0.2),
            ("Iskander-M", "ballistic", 4, 0.3, 0.0),
        ):
            n = int(rng.integers(1, 2 * size))
            destroyed = int(rng.binomial(n, p_destroy))
            lost = int(rng.binomial(n - destroyed, p_lost))
            rows.append(dict(line=len(rows) + 2, report_date=date, model=model, **night,
                             weapon_class=weapon_class, command="national", source=f"kpszsu/{i}",
                             launched=n, destroyed=destroyed, not_reached=lost,
                             neutralised=destroyed + lost, convention=_convention_on(date)))
        rows.append(dict(line=len(rows) + 2, report_date=date, model="Orlan-10", weapon_class="other",
                         **{**night, "publisher": "PvKPivden"},
                         command="regional", source=f"PvKPivden/{i}", launched=3, destroyed=3,
                         not_reached=0, neutralised=3, convention=_convention_on(date)))
    frame = pd.DataFrame(rows)
    for column in ("launched", "destroyed", "not_reached", "neutralised", "shahed_real"):
        frame[column] = frame[column].astype("Int64")
    return frame


def test_rate_table_sums_counts_per_group() -> None:
    record = synthetic_record()
    table = rate_table(record, by="class,month", convention="neutralised")
    national = record[record["command"] == "national"]
    expected = national.groupby(
        [national["weapon_class"], national["report_date"].dt.to_period("M")]
    )[["launched", "neutralised"]].sum()
    assert len(table) == len(expected)
    for row in table.itertuples():
        launched, neutralised = expected.loc[(row[1], row[2])]
        assert row.launched == launched and row.neutralised == neutralised
        assert row.rate == pytest.approx(neutralised / launched)
        assert (row.ci_low, row.ci_high) == pytest.approx(binomial_interval(neutralised, launched))
    # the interval over waves is the time-series interval of the group's per-wave counts, in order
    drones = national[(national["weapon_class"] == "drone")
                      & (national["report_date"].dt.to_period("M") == pd.Period("2024-08", "M"))]
    drones = drones.sort_values("report_date")
    low, high, _df = share_interval(drones["neutralised"].astype(float), drones["launched"].astype(float))
    row = table[(table["class"] == "drone") & (table["month"] == pd.Period("2024-08", "M"))].iloc[0]
    assert (row.od_low, row.od_high) == pytest.approx((low[0], high[0]))
    assert "in time order" in row.method and "only 10 attacks" in row.note
    assert "other" not in set(table["class"])  # regional rows left out under command=national
    assert "other" in set(rate_table(record, by="class", command="all")["class"])


def test_destroyed_series_is_split_at_convention_changes_or_refused() -> None:
    record = synthetic_record()
    table = rate_table(record, by=["class", "month"], convention="destroyed")
    assert "convention" in table.columns
    july = table[(table["class"] == "drone") & (table["month"] == pd.Period("2024-07", "M"))]
    # July 2024 straddles the change on the 10th: two rows, one per convention, never pooled.
    assert sorted(july["convention"]) == ["early", "split"]
    with pytest.raises(RateError, match="convention"):
        rate_table(record, by=["class", "month"], convention="destroyed", mixing="refuse")
    # Neutralised is comparable across periods: one row per month.
    neutralised = rate_table(record, by=["class", "month"], convention="neutralised")
    assert "convention" not in neutralised.columns
    assert neutralised.duplicated(["class", "month"]).sum() == 0


def test_bad_grouping_key_names_the_key() -> None:
    with pytest.raises(RateError, match="'weekday'"):
        rate_table(synthetic_record(), by="class,weekday")


def test_quasi_dispersion_near_one_for_binomial_and_interval_widens_when_overdispersed() -> None:
    rng = np.random.default_rng(3)
    n = rng.integers(20, 300, size=400)
    binomial = rng.binomial(n, 0.7)
    assert quasi_dispersion(binomial, n) == pytest.approx(1.0, abs=0.2)
    spread = rng.binomial(n, rng.beta(7, 3, size=len(n)))  # rho = 1 / 11
    phi = quasi_dispersion(spread, n)
    # Expected phi = 1 + (mean n - 1) rho for the beta-binomial, weighted by n (second method).
    expected = 1 + (np.sum(n * (n - 1)) / np.sum(n)) / 11
    assert phi == pytest.approx(expected, rel=0.25)
    low, high, note = wave_interval(spread, n)
    w_low, w_high = binomial_interval(spread.sum(), n.sum())
    assert high - low > 3 * (w_high - w_low) and note == ""


def test_beta_binomial_recovers_known_dispersion() -> None:
    rng = np.random.default_rng(11)
    mu, rho = 0.75, 0.04
    a, b = mu * (1 - rho) / rho, (1 - mu) * (1 - rho) / rho
    n = rng.integers(10, 400, size=300)
    k = rng.binomial(n, rng.beta(a, b, size=len(n)))
    fit = fit_beta_binomial(k, n)
    assert fit.converged
    assert fit.rho_low <= rho <= fit.rho_high
    assert fit.mu_low <= mu <= fit.mu_high
    assert fit.rho == pytest.approx(rho, rel=0.35)
    # The reported log-likelihood is scipy's beta-binomial pmf at the fitted parameters.
    scale = (1 - fit.rho) / fit.rho
    reference = stats.betabinom.logpmf(k, n, fit.mu * scale, (1 - fit.mu) * scale).sum()
    assert fit.loglik == pytest.approx(reference, rel=1e-9)
    # Plain binomial data: rho near zero.
    flat = fit_beta_binomial(rng.binomial(n, 0.6), n)
    assert flat.rho < 0.005


def test_a_row_counting_more_than_launched_is_left_out_with_a_note_not_capped() -> None:
    record = synthetic_record()
    first = record.index[(record["weapon_class"] == "drone")][0]
    record.loc[first, ["launched", "destroyed", "not_reached", "neutralised"]] = [16, 15, 11, 26]
    table = rate_table(record, by="class")
    national = record[(record["command"] == "national") & (record["weapon_class"] == "drone")]
    drone = table.set_index("class").loc["drone"]
    assert drone.launched == national["launched"].sum() - 16
    assert drone.neutralised == national["neutralised"].sum() - 26
    assert table.attrs["impossible_lines"] == [int(record.loc[first, "line"])]
    assert "cannot be true" in table.attrs["note"] and str(record.loc[first, "line"]) in table.attrs["note"]
    # under destroyed the row (15 of 16) is possible and counted
    destroyed = rate_table(record, by="class", convention="destroyed")
    assert destroyed.attrs["impossible_lines"] == []


def test_overdispersion_table_on_synthetic_record() -> None:
    table = overdispersion_table(synthetic_record(), convention="neutralised")
    assert list(table["class"]) == ["drone", "ballistic"]
    assert {"dispersion", "rho", "od_low", "bb_mu"} <= set(table.columns)
    by_period = overdispersion_table(synthetic_record(), convention="destroyed")
    assert set(by_period["convention"]) == {"early", "split"}


# --- the real snapshot -------------------------------------------------------------------------

import csv  # noqa: E402
from pathlib import Path  # noqa: E402


def _raw_sums(record_path: Path, model: str, first: str, last: str) -> tuple[float, float]:
    """Launched and neutralised of one model in national posts, summed straight from the file."""
    launched = neutralised = 0.0
    with record_path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            day = row["time_end"][:10]
            if (row["model"] == model and not row["source"].lower().startswith("pvk")
                    and first <= day <= last and row["launched"] and row["destroyed"]):
                n = float(row["launched"])
                launched += n
                neutralised += min(n, float(row["destroyed"]) + float(row["not_reach_goal"] or 0))
    return launched, neutralised


@pytest.fixture(scope="module")
def real_record(record_path: Path) -> pd.DataFrame:
    from analysis.record import load_record

    return load_record(record_path)


def test_rates_on_real_snapshot_match_raw_sums(real_record: pd.DataFrame, record_path: Path) -> None:
    table = rate_table(real_record, by="model,month").set_index(["model", "month"])
    for month, first, last in (("2025-10", "2025-10-01", "2025-10-31"), ("2024-03", "2024-03-01", "2024-03-31")):
        launched, neutralised = _raw_sums(record_path, "Shahed-136/131", first, last)
        row = table.loc[("Shahed-136/131", pd.Period(month, "M"))]
        assert (row.launched, row.neutralised) == (launched, neutralised)


def test_overdispersed_interval_is_wider_on_real_snapshot(real_record: pd.DataFrame) -> None:
    table = overdispersion_table(real_record)
    assert list(table["class"]) == ["drone", "cruise", "ballistic"]
    assert (table["dispersion"] > 1).all()
    assert ((table["od_high"] - table["od_low"]) > (table["ci_high"] - table["ci_low"])).all()
    assert (table["rho_low"] > 0).all()


def test_rates_command_writes_the_issue_columns(record_path: Path, tmp_path: Path) -> None:
    from analysis.cli import main

    output = tmp_path / "rates.csv"
    assert main(["rates", "--record", str(record_path), "--by", "class,quarter",
                 "--convention", "destroyed", "-o", str(output)]) == 0
    written = pd.read_csv(output)
    assert list(written.columns) == ["class", "quarter", "convention", "launched", "destroyed", "rate",
                                     "ci_low", "ci_high", "method", "waves", "dispersion", "od_low",
                                     "od_high", "note"]
    tolerance = 1e-6  # the CSV keeps 6 significant digits
    assert (written["ci_low"] <= written["rate"] + tolerance).all()
    assert (written["rate"] <= written["ci_high"] + tolerance).all()
    assert (written["method"] == f"wilson; {INTERVAL_METHOD}").all()
    assert written.loc[written["waves"].between(2, 29), "note"].str.contains("rough guide").all()
    assert (written["waves"] >= 1).all()
    assert (written["dispersion"].dropna() > 0).all() and written["dispersion"].notna().any()
    several = written["waves"] >= 2  # a single wave has no spread to measure: od left empty
    assert written.loc[several, ["od_low", "od_high"]].notna().all().all()
    assert written.loc[~several, ["dispersion", "od_low", "od_high"]].isna().all().all()
    assert (written.loc[several, "od_low"] <= written.loc[several, "ci_low"] + tolerance).all()
    assert (written.loc[several, "ci_high"] <= written.loc[several, "od_high"] + tolerance).all()
    wide = tmp_path / "wide.csv"
    assert main(["rates", "--record", str(record_path), "--by", "class,quarter", "--convention", "destroyed",
                 "--overdispersed", "-o", str(wide)]) == 0
    wide_table = pd.read_csv(wide)
    assert wide_table["ci_low"].equals(wide_table["od_low"])
    assert wide_table["ci_high"].equals(wide_table["od_high"])
    assert main(["rates", "--record", str(record_path), "--by", "weekday", "-o", str(output)]) == 2  # a usage error


# --- one wave definition: rows mapped to the wave table of analysis.record.waves ----------------


def test_rows_map_to_the_wave_table_waves() -> None:
    from analysis.record import waves
    from analysis.stats.rates import row_wave_ids

    t = pd.Timestamp
    base = dict(command="national", publisher="kpszsu", weapon_class="drone", model="Shahed-136/131",
                launched=10, destroyed=8, not_reached=1, shahed_real=pd.NA)
    rows = [
        # post A, night 1: the drone window and a Kinzhal strike inside it form one wave
        dict(base, line=2, source="kpszsu/A", start=t("2025-01-01 18:00"), end=t("2025-01-02 07:00")),
        dict(base, line=3, source="kpszsu/A", start=t("2025-01-02 03:00"), end=t("2025-01-02 03:30"),
             weapon_class="ballistic", model="X-47 Kinzhal"),
        # post A again, two nights later: a second wave of the same post
        dict(base, line=4, source="kpszsu/A", start=t("2025-01-03 19:00"), end=t("2025-01-04 06:00")),
        # post B overlaps post A's first night in time, but is another post: its own wave
        dict(base, line=5, source="kpszsu/B", start=t("2025-01-01 20:00"), end=t("2025-01-02 05:00")),
        # no start time: the wave table leaves the row out, it becomes a wave of its own
        dict(base, line=6, source="kpszsu/C", start=pd.NaT, end=t("2025-01-05 06:00")),
    ]
    record = pd.DataFrame(rows)
    for column in ("launched", "destroyed", "not_reached", "shahed_real"):
        record[column] = record[column].astype("Int64")
    record["report_date"] = record["end"].dt.normalize()
    ids = row_wave_ids(record)
    table = waves(record).set_index("first_line")
    assert list(ids) == [table.loc[2, "wave_id"], table.loc[2, "wave_id"], table.loc[4, "wave_id"],
                         table.loc[5, "wave_id"], "row-6"]
    assert ids.nunique() == 4


def test_row_wave_ids_sum_to_the_wave_table_on_real_snapshot(real_record: pd.DataFrame) -> None:
    from analysis.record import waves
    from analysis.stats.rates import row_wave_ids

    ids = row_wave_ids(real_record)
    table = waves(real_record).set_index("wave_id")
    summed = real_record["launched"].groupby(ids).sum(min_count=1)
    timed = table.index
    assert set(ids[~ids.str.startswith("row-")]) == set(timed)
    complete = table["total_launched"].notna()
    # Launches summed over the rows given each wave equal the wave table's own totals.
    assert (summed.reindex(timed[complete]).astype(float)
            == table.loc[complete, "total_launched"].astype(float)).all()
    # The rate table clusters by these waves: its wave count is the number of distinct waves.
    drones = real_record.assign(wave_id=ids)
    drones = drones[(drones["weapon_class"] == "drone") & (drones["command"] == "national")
                    & drones["launched"].gt(0) & drones["neutralised"].notna()
                    & ~drones["neutralised"].gt(drones["launched"])]  # the row that cannot be true
    row = rate_table(real_record, by="class").set_index("class").loc["drone"]
    assert row.waves == drones["wave_id"].nunique()


def test_rates_command_all_warns_about_pooled_regional_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from analysis import record as record_module
    from analysis.cli import main

    record = synthetic_record(seed=3, waves=20)
    monkeypatch.setattr(record_module, "load_record", lambda *args, **kwargs: record)
    output = tmp_path / "rates.csv"
    assert main(["rates", "--command", "all", "--by", "class", "-o", str(output)]) == 0
    err = capsys.readouterr().err
    assert "regional" in err and "--by command" in err
    assert main(["rates", "--command", "all", "--by", "class,command", "-o", str(output)]) == 0
    assert "warning" not in capsys.readouterr().err
    written = pd.read_csv(output)
    assert set(written["command"]) == {"national", "regional"}
    assert main(["rates", "--by", "class", "-o", str(output)]) == 0
    assert "warning" not in capsys.readouterr().err


@pytest.mark.parametrize("method", ["wilson", "jeffreys"])
def test_interval_bounds_are_exact_at_zero_and_all_successes(method: str) -> None:
    for n in (1, 2, 43, 56, 1000, 123457):
        assert binomial_interval(0, n, method)[0] == 0.0
        assert binomial_interval(n, n, method)[1] == 1.0
    low, high = binomial_interval(np.array([0, 3, 56]), np.array([56, 56, 56]), method)
    assert low[0] == 0.0 and high[-1] == 1.0
    assert ((low >= 0) & (high <= 1)).all()
    # The interval over waves of 0/56 over three waves: its low bound too is exactly 0.
    od_low, od_high, _note = wave_interval(np.array([0, 0, 0]), np.array([20, 20, 16]))
    assert od_low == 0.0 and 0 < od_high < 1
    od_low, od_high, _note = wave_interval(np.array([20, 20, 16]), np.array([20, 20, 16]))
    assert od_high == 1.0 and 0 < od_low < 1


def test_notebook_02_functions_keep_their_columns_on_a_three_row_record() -> None:
    """Notebook 02's calls on a 3-row record: every table has its documented columns, NaN + note."""
    from analysis.stats import trend

    record = synthetic_record(seed=5, waves=1)
    assert len(record) == 3
    classes = ("drone", "cruise", "ballistic")
    for convention in ("neutralised", "destroyed"):
        by_class = rate_table(record, by="class", convention=convention)
        assert {"waves", "dispersion", "od_low", "od_high"} <= set(by_class.columns)
        table = overdispersion_table(record, convention=convention, classes=classes)
        assert {"bb_mu", "bb_mu_low", "bb_mu_high", "rho", "rho_low", "rho_high", "note", "dispersion",
                "od_low", "od_high"} <= set(table.columns)
        assert table[["bb_mu", "rho"]].isna().all().all()
        assert table["note"].str.contains("not fitted").all()
        assert list(table["class"]) == ["drone", "ballistic"]
        series = {(convention, k): trend.monthly_series(record, k, convention) for k in classes}
        trends = trend.trend_table(series)
        assert list(trends.columns) == ["convention", "class", *trend.TREND_COLUMNS, "note"]
        assert len(trends) == 3 and (trends["direction"] == "not tested").all()
        assert trends["note"].str.contains("at least 6 whole months").all()
        assert trends["slope_logit_per_year"].isna().all()
    empty = overdispersion_table(record[record["weapon_class"] == "other"], classes=classes)
    assert empty.empty and "bb_mu" in empty.columns and "note" in empty.columns
