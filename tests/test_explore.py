"""Exploring the unknowns: Sobol indices and PRIM boxes checked against known answers.

The known case: fixed arrivals of 4 ballistic missiles a day, every one engaged with one PAC-3,
no deliveries: the stock S answers every threat for floor(S / 4) days and leaves one unanswered
on day floor(S / 4) + 1 (the day it runs out), whatever the other inputs; so S's total index is 1,
every other input's 0, and "runs out within 100 days" is exactly S < 400.
"""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from analysis.cli import main
from analysis.model import explore
from analysis.model.explore import analyse, run
from analysis.model.explore.design import build_design, transform
from analysis.model.explore.spec import InputRange
from analysis.model.parallel import local_cluster

KNOWN = {
    "name": "one-input",
    "horizon_days": 250,
    "runs": 10,
    "seed": 3,
    "threats": {"ballistic": {"per_day": 4, "dispersion": 0}},
    "interceptors": {"pac3": {"stock": 400, "deliveries_per_month": 0, "unit_cost_usd": 4.0e6},
                     "spare": {"stock": 100, "deliveries_per_month": 0, "unit_cost_usd": 1.0e6}},
    "layers": [
        {"name": "patriot", "interceptor": "pac3", "engages": {"ballistic": {"shots": 1, "pk": 0.6}},
         "engage_probability": 1.0},
        {"name": "backup", "interceptor": "spare", "engages": {"ballistic": {"shots": 1, "pk": 0.5}},
         "engage_probability": 0.5},
    ],
}
KNOWN_EXPERIMENT = {
    "scenario": "one-input.yaml",
    "runs": 10,
    "seed": 99,
    "design": {"method": "sobol", "n": 64},
    "inputs": {
        "interceptors.pac3.stock": {"dist": "uniform", "low": 100, "high": 800, "source": "test"},
        "interceptors.spare.deliveries_per_month": {"dist": "loguniform", "low": 1, "high": 50,
                                                    "source": "test"},
        "layers.patriot.engages.ballistic.pk": {"dist": "triangular", "low": 0.3, "mode": 0.6,
                                                "high": 0.9, "source": "test"},
    },
    "outcomes": ["days_to_depletion.pac3.median", "interception_rate.mean"],
    "failures": {"pac3-out-within-100-days": "days_to_depletion.pac3.median <= 100"},
    "prim": {"peel_alpha": 0.02},
}


def write_experiment(directory: Path, experiment: dict = KNOWN_EXPERIMENT, scenario: dict = KNOWN,
                     name: str = "experiment.yaml") -> Path:
    (directory / f"{scenario['name']}.yaml").write_text(yaml.safe_dump(scenario, sort_keys=False))
    path = directory / name
    path.write_text(yaml.safe_dump(experiment, sort_keys=False))
    return path


def figures(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=["seconds"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> explore.ExploreResult:
    directory = tmp_path_factory.mktemp("known")
    experiment = explore.load_experiment(write_experiment(directory))
    return explore.run_explore(experiment, workers=1, progress=False)


def test_the_known_case_is_simulated_as_its_closed_form(known: explore.ExploreResult) -> None:
    table = known.table
    assert len(table) == 64 * (3 + 3) and (table["status"] == "ok").all()
    expected = np.floor(table["interceptors.pac3.stock"] / 4) + 1
    assert (table["days_to_depletion.pac3.median"] == expected).all()


def test_sobol_finds_the_one_input_that_matters(known: explore.ExploreResult) -> None:
    indices, note = explore.sobol_indices(known, "days_to_depletion.pac3.median")
    assert note == ""
    stock = indices.loc["interceptors.pac3.stock"]
    assert stock["ST"] == pytest.approx(1.0, abs=0.05) and stock["S1"] == pytest.approx(1.0, abs=0.1)
    assert stock["ST"] - stock["ST_conf"] < 1.0 < stock["ST"] + stock["ST_conf"] + 0.05
    others = indices.drop(index="interceptors.pac3.stock")
    # the model ignores them exactly: with common random numbers their estimates are exactly 0
    assert (others["ST"].abs() < 1e-12).all() and (others["S1"].abs() < 1e-12).all()
    assert explore.NOISE_INPUT in others.index


def test_prim_recovers_the_threshold(known: explore.ExploreResult) -> None:
    boxes = explore.prim_boxes(known, "pac3-out-within-100-days")
    assert len(boxes) >= 1
    box = boxes[0]
    assert list(box.limits) == ["interceptors.pac3.stock"]
    low, high = box.limits["interceptors.pac3.stock"]
    # the threshold to within PRIM's resolution (a peel takes 2% of the box: ~6 of 700 stock units)
    assert low is None and abs(high - 400) <= 15, high
    assert box.coverage == 1.0 and box.density >= 0.95
    failing = explore.failure_flags(known)["pac3-out-within-100-days"]
    assert failing.equals(known.table["interceptors.pac3.stock"] < 400)


def test_indices_equal_salibs_on_the_same_sample(known: explore.ExploreResult) -> None:
    from SALib.analyze import sobol

    summary = explore.summarise(known, resamples=200)
    outcome = "interception_rate.mean"
    values = known.table[outcome].to_numpy(dtype=float)
    direct = sobol.analyze(known.design.problem, values, calc_second_order=False, num_resamples=200,
                           seed=known.experiment.spec.seed)
    for i, name in enumerate(known.design.problem["names"]):
        for key in ("S1", "S1_conf", "ST", "ST_conf"):
            assert summary["sobol"][outcome][name][key] == pytest.approx(direct[key][i], rel=1e-12, abs=1e-15)


def toy_evaluator(scenario: dict, runs: int, seed: int) -> dict:
    """A closed-form 'model': x1 + 2 x2 and x1 x2 of two delivery figures."""
    x1 = scenario["interceptors"]["pac3"]["deliveries_per_month"]
    x2 = scenario["interceptors"]["spare"]["deliveries_per_month"]
    return {"toy": {"sum": x1 + 2 * x2, "product": x1 * x2}}


def test_indices_match_closed_forms_with_and_without_interaction(tmp_path: Path) -> None:
    spec = {
        "scenario": "one-input.yaml", "runs": 1, "seed": 5, "design": {"method": "sobol", "n": 1024},
        "inputs": {f"interceptors.{name}.deliveries_per_month": {"dist": "uniform", "low": 0, "high": 1,
                                                                 "source": "test"}
                   for name in ("pac3", "spare")},
        "outcomes": ["toy.sum", "toy.product"],
    }
    result = explore.run_explore(explore.load_experiment(write_experiment(tmp_path, spec)), workers=1,
                                 progress=False, evaluator=toy_evaluator)
    first, second = "interceptors.pac3.deliveries_per_month", "interceptors.spare.deliveries_per_month"
    linear, _ = explore.sobol_indices(result, "toy.sum")
    # Var(x1 + 2 x2) = 1/12 + 4/12: S1 = ST = 1/5 and 4/5
    assert linear.loc[first, "S1"] == pytest.approx(0.2, abs=0.03)
    assert linear.loc[second, "ST"] == pytest.approx(0.8, abs=0.03)
    product, _ = explore.sobol_indices(result, "toy.product")
    # x1 x2 on the unit square: Var = 7/144, each main effect 3/144: S1 = 3/7, ST = 4/7
    for name in (first, second):
        assert product.loc[name, "S1"] == pytest.approx(3 / 7, abs=0.04)
        assert product.loc[name, "ST"] == pytest.approx(4 / 7, abs=0.04)
    assert product.loc[explore.NOISE_INPUT, "ST"] == 0.0


def test_common_random_numbers_and_the_noise_floor(tmp_path: Path) -> None:
    scenario = {**KNOWN, "threats": {"ballistic": {"per_day": 4, "dispersion": 1.0}}}
    spec = {**KNOWN_EXPERIMENT, "design": {"method": "sobol", "n": 16}}
    result = explore.run_explore(explore.load_experiment(write_experiment(tmp_path, spec, scenario)),
                                 workers=1, progress=False)
    table = result.table
    groups = table.groupby("random_numbers")["arrivals_per_day.ballistic"].nunique()
    # the inputs do not touch arrivals: every experiment of one seed draws the same arrivals
    assert groups.to_dict() == {0: 1, 1: 1}
    assert table.groupby("random_numbers")["seed"].nunique().to_dict() == {0: 1, 1: 1}
    assert set(table.loc[table["part"] == "A", "random_numbers"]) == {0}
    assert set(table.loc[table["part"] == "B", "random_numbers"]) == {1}
    assert set(table.loc[table["part"] == f"AB:{explore.NOISE_INPUT}", "random_numbers"]) == {1}
    # Poisson arrivals: luck now moves the depletion day a little, and the floor shows it
    indices, _ = explore.sobol_indices(result, "days_to_depletion.pac3.median")
    noise = indices.loc[explore.NOISE_INPUT, "ST"]
    assert 0 < noise < 0.05


def test_tables_are_the_same_on_every_scheduler_and_after_a_resume(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scenario = {**KNOWN, "threats": {"ballistic": {"per_day": 4, "dispersion": 2.0}}}
    spec = {**KNOWN_EXPERIMENT, "design": {"method": "lhs", "n": 24}}
    experiment = explore.load_experiment(write_experiment(tmp_path, spec, scenario))
    one = explore.run_explore(experiment, workers=1, progress=False).table
    two = explore.run_explore(experiment, workers=2, progress=False).table
    pd.testing.assert_frame_equal(figures(one), figures(two))
    dask = explore.run_explore(experiment, scheduler="processes", workers=1, progress=False).table
    pd.testing.assert_frame_equal(figures(one), figures(dask))
    cluster = local_cluster(workers=1)  # a running scheduler, reached by its address (on loopback)
    try:
        remote = explore.run_explore(experiment, scheduler=cluster.scheduler_address, progress=False)
    finally:
        cluster.close()
    assert remote.dashboard is None  # another machine's scheduler: no dashboard link of ours
    pd.testing.assert_frame_equal(figures(one), figures(remote.table))

    output = tmp_path / "out.parquet"
    real = run.evaluate_batch
    calls = {"n": 0}

    def interrupted(task: tuple) -> list:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(run, "evaluate_batch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        explore.run_explore(experiment, output=output, workers=1, progress=False)
    assert not output.exists() and len(list(Path(f"{output}.parts").glob("batch-*.parquet"))) == 2
    monkeypatch.setattr(run, "evaluate_batch", real)
    resumed = explore.run_explore(experiment, output=output, workers=1, progress=False)
    assert 0 < resumed.computed < len(one)
    pd.testing.assert_frame_equal(figures(resumed.table), figures(one))
    pd.testing.assert_frame_equal(figures(pd.read_parquet(output)), figures(one))
    assert not Path(f"{output}.parts").exists()
    # changing outcomes or failures needs no simulation; changing runs is a new study
    assert explore.run_explore(experiment, output=output, workers=1, progress=False).computed == 0


def test_designs_follow_their_distributions(tmp_path: Path) -> None:
    unit = np.linspace(0, 1, 101)
    tri = transform(unit, InputRange(dist="triangular", low=0.0, mode=0.25, high=1.0, source="x"))
    assert tri[0] == 0 and tri[-1] == 1 and tri[50] == pytest.approx(1 - math.sqrt(0.5 * 0.75))
    log = transform(unit, InputRange(dist="loguniform", low=1, high=100, source="x"))
    assert log[50] == pytest.approx(10)
    experiment = explore.load_experiment(write_experiment(tmp_path))
    design = build_design(experiment)
    stock = design.values["interceptors.pac3.stock"]
    assert stock.dtype == "int64" and stock.between(100, 800).all()
    assert design.size == 64 * 6 and list(design.part[:6]) == [
        "A", "AB:interceptors.pac3.stock", "AB:interceptors.spare.deliveries_per_month",
        "AB:layers.patriot.engages.ballistic.pk", f"AB:{explore.NOISE_INPUT}", "B"]


BAD = [
    ({"gird": 1}, r"line \d+: gird: unknown key"),
    ({"design": {"method": "sobol", "n": 100}}, r"line \d+: design.n: 100: a Sobol design needs a power of 2 \(64 or 128\)"),
    ({"inputs": {"interceptors.pac3.stock": {"dist": "loguniform", "low": 0, "high": 9, "source": "x"}}},
     r"line \d+: inputs.interceptors.pac3.stock.low: 0: a loguniform range must start above 0"),
    ({"inputs": {"interceptors.pac3.stock": {"dist": "uniform", "low": 9, "high": 9, "source": "x"}}},
     r"line \d+: inputs.interceptors.pac3.stock.high: 9: must be above low"),
    ({"inputs": {"interceptors.pac3.stock": {"dist": "triangular", "low": 0, "high": 9, "source": "x"}}},
     r"inputs.interceptors.pac3.stock.mode: None: a triangular distribution needs its mode"),
    ({"inputs": {"interceptors.pac3.stock": {"dist": "uniform", "low": 0, "high": 9}}},
     r"inputs.interceptors.pac3.stock.source: missing"),
    ({"inputs": {"interceptors.pac3.stok": {"dist": "uniform", "low": 0, "high": 9, "source": "x"}}},
     r"line \d+: inputs.interceptors.pac3.stok: 'interceptors.pac3.stok': not a key of the scenario"),
    ({"inputs": {"layers.patriot.engages.ballistic.pk": {"dist": "uniform", "low": 0.5, "high": 1.2,
                                                          "source": "x"}}},
     r"line \d+: inputs.layers.patriot.engages.ballistic.pk.high: 1.2: the scenario refuses"),
    ({"outcomes": ["days_to_depletion.pac.median"]},
     r"line \d+: outcomes.0: 'days_to_depletion.pac.median': no such figure.*days_to_depletion.pac3.median"),
    ({"failures": {"x": "__import__('os').system('touch pwned')"}}, r"line \d+: failures.x.when: .*cannot read \"\('os'\)"),
    ({"failures": {"x": "interception_rate.mean < 0.7 and"}}, "needs OUTCOME OP NUMBER"),
    ({"failures": {"x": "interception_rate.mean < leakers_per_day.mean"}}, "compare an outcome with a number"),
    ({"runs": 1_000_000, "design": {"method": "sobol", "n": 65536}}, "run-days, over the limit"),
    ({"scenario": "nowhere"}, r"line \d+: scenario: 'nowhere': no such scenario file"),
]


@pytest.mark.parametrize(("change", "message"), BAD)
def test_bad_experiment_files_name_file_line_key_and_value(tmp_path: Path, change: dict, message: str) -> None:
    spec = {**KNOWN_EXPERIMENT, **change}
    path = write_experiment(tmp_path, spec)
    with pytest.raises(explore.ExperimentError) as error:
        experiment = explore.load_experiment(path)
        explore.run_explore(experiment, workers=1, progress=False)
    text = str(error.value)
    assert "experiment.yaml" in text and len(text) < 600
    assert re.search(message, text), text
    assert not (tmp_path / "pwned").exists()


def test_the_command_writes_the_table_and_the_summary(tmp_path: Path, capsys) -> None:
    path = write_experiment(tmp_path, {**KNOWN_EXPERIMENT, "design": {"method": "sobol", "n": 8}})
    output = tmp_path / "out.parquet"
    assert main(["explore", str(path), "-o", str(output), "--json", "-", "--workers", "1"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert set(summary["sobol"]["days_to_depletion.pac3.median"]) == {
        *KNOWN_EXPERIMENT["inputs"], explore.NOISE_INPUT}
    for indices in summary["sobol"]["days_to_depletion.pac3.median"].values():
        assert set(indices) == {"S1", "S1_conf", "ST", "ST_conf"}
    boxes = summary["prim"]["pac3-out-within-100-days"]
    assert boxes and set(boxes[0]) >= {"box", "coverage", "density", "sentence"}
    assert boxes[0]["sentence"].startswith("In 100% of the experiments where interceptors.pac3.stock is at most")
    table = pd.read_parquet(output)
    assert len(table) == 8 * 6 and "wrote" in captured.err
    assert main(["explore", str(path), "-o", str(tmp_path / "out.csv")]) == 2  # a usage error
    assert "the output is a .parquet file" in capsys.readouterr().err


def test_a_shipped_experiment_loads_and_its_sources_are_given() -> None:
    from analysis.paths import DATA_DIR

    files = sorted((DATA_DIR / "experiments").glob("*.yaml"))
    assert files
    for path in files:
        experiment = explore.load_experiment(path)
        assert all(spec.source.strip() for spec in experiment.inputs.values())
        assert experiment.failures


def test_analyse_counts_censored_days_as_beyond_the_horizon(known: explore.ExploreResult) -> None:
    table = known.table.copy()
    table.loc[0, "days_to_depletion.pac3.median"] = None
    censored = explore.ExploreResult(known.experiment, known.design, table, computed=0)
    values = analyse.outcome_values(censored, "days_to_depletion.pac3.median")
    assert values[0] == KNOWN["horizon_days"] + 1


def test_conditions_read_and_evaluate_without_eval() -> None:
    from analysis.model.explore.conditions import ConditionError, parse_condition

    values = {"a": np.array([0.5, 0.8, np.nan, 0.9]), "b": np.array([10.0, 50.0, 50.0, 5.0])}
    condition = parse_condition("a < 75% and b > 20 or 6 > b")
    assert condition.outcomes == ["a", "b"]
    # and binds tighter than or; NaN meets no comparison
    assert condition.evaluate(values).tolist() == [False, False, False, True]
    assert parse_condition("a >= 0.5").evaluate(values).tolist() == [True, True, False, True]
    for bad in ("a < 1 and", "a << 1", "a < b", "a < 1e999", "len(a) > 1", "a < 1 ; b > 2", ""):
        with pytest.raises(ConditionError):
            parse_condition(bad)


def test_prim_figures_agree_with_the_workbench_and_find_a_two_input_box() -> None:
    from analysis.model.explore import prim

    rng = np.random.default_rng(4)
    x = pd.DataFrame({"a": rng.uniform(0, 1, 3000), "b": rng.uniform(0, 1, 3000), "c": rng.uniform(0, 1, 3000)})
    failing = ((x["a"] < 0.3) & (x["b"] > 0.5)).to_numpy()
    boxes = prim.find_boxes(x, failing, density=0.8, peel_alpha=0.02)
    first = boxes[0]
    assert set(first.limits) == {"a", "b"}
    assert first.limits["a"][0] is None and first.limits["a"][1] == pytest.approx(0.3, abs=0.03)
    assert first.limits["b"][1] is None and first.limits["b"][0] == pytest.approx(0.5, abs=0.03)
    assert first.coverage > 0.9 and first.density > 0.9
    # the workbench's own bookkeeping of the same box gives the same figures
    with warnings.catch_warnings():  # the library's own pandas deprecations
        warnings.simplefilter("ignore")
        found = prim.ema_prim().Prim(x, failing, threshold=0.8, peel_alpha=0.02).find_box()
    trajectory = found.peeling_trajectory
    match = trajectory[(trajectory["coverage"] == first.coverage) & (trajectory["density"] == first.density)]
    assert len(match) >= 1
    sentence = prim.box_sentence(first, "it fails", {"a": "the stock"})
    assert sentence.startswith(f"In {first.density:.0%} of the experiments where the stock is at most 0.")
    # nothing fails, or failure everywhere: no box to find
    assert prim.find_boxes(x, np.zeros(len(x), bool)) == []
    assert prim.find_boxes(x, np.ones(len(x), bool)) == []


def _probability_above(threshold: float, first: tuple[float, float], second: tuple[float, float]) -> float:
    """P(x1 + 2 x2 > threshold) for x1, x2 uniform on the given ranges (midpoint rule, fine grid)."""
    a = np.linspace(*first, 2001)[:-1] + (first[1] - first[0]) / 4000
    b = np.linspace(*second, 2001)[:-1] + (second[1] - second[0]) / 4000
    return float(((a[:, None] + 2 * b[None, :]) > threshold).mean())


def test_robustness_halves_and_widens_each_range_against_the_closed_form(tmp_path: Path) -> None:
    # x1 + 2 x2 > 1.5 with x1, x2 uniform on 0..1: halving a range keeps its centre (0.25..0.75),
    # widening doubles its width, clipped at 0 (0..1.5); the halved share reweights the design's
    # own experiments, the widened one runs new ones; both match the closed form
    first, second = "interceptors.pac3.deliveries_per_month", "interceptors.spare.deliveries_per_month"
    spec = {
        "scenario": "one-input.yaml", "runs": 1, "seed": 5, "design": {"method": "sobol", "n": 512},
        "inputs": {key: {"dist": "uniform", "low": 0, "high": 1, "source": "test"} for key in (first, second)},
        "outcomes": ["toy.sum"], "failures": {"above": "toy.sum > 1.5"},
    }
    result = explore.run_explore(explore.load_experiment(write_experiment(tmp_path, spec)), workers=1,
                                 progress=False, evaluator=toy_evaluator)
    table = explore.robustness(result, m=400, workers=1, evaluator=toy_evaluator)
    assert list(table["variant"]) == ["as given", "halved", "widened", "halved", "widened"]
    ranges = {(None, "as given"): ((0, 1), (0, 1)), (first, "halved"): ((0.25, 0.75), (0, 1)),
              (first, "widened"): ((0, 1.5), (0, 1)), (second, "halved"): ((0, 1), (0.25, 0.75)),
              (second, "widened"): ((0, 1), (0, 1.5))}
    for row in table.to_dict("records"):
        key = None if not isinstance(row["input"], str) else row["input"]
        expected = _probability_above(1.5, *ranges[(key, row["variant"])])
        error = math.sqrt(expected * (1 - expected) / row["experiments"])
        assert abs(row["share"] - expected) < 4 * error + 0.01, (row, expected)
        assert row["share_low"] <= row["share"] <= row["share_high"]
        if key is not None and row["variant"] != "as given":
            assert (row["low"], row["high"]) == pytest.approx(ranges[(key, row["variant"])][0 if key == first else 1])
    # as given, x2 drives x1 + 2 x2 (first-order 4/5 against 1/5); with x2's range halved, each has half
    given = table.iloc[0]["drivers"]
    assert [name for name, _ in given] == [second, first]
    assert given[0][1] == pytest.approx(0.8, abs=0.08) and given[1][1] == pytest.approx(0.2, abs=0.08)
    halved = dict(table.iloc[3]["drivers"])
    assert halved[first] == pytest.approx(0.5, abs=0.1) and halved[second] == pytest.approx(0.5, abs=0.1)
    assert table.iloc[0]["change"] == 0.0
