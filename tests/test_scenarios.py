"""Scenario files: validation with clear errors, overrides, and the shipped scenarios."""

from __future__ import annotations

import pytest
import yaml

from analysis.errors import ScenarioError
from analysis.model.scenarios import apply_overrides, load_scenario, scenario_from_dict
from analysis.paths import SCENARIO_DIR

GOOD = {
    "name": "good", "horizon_days": 30, "runs": 100, "seed": 1,
    "threats": {"drone": {"per_day": 100, "dispersion": 2.0},
                "ballistic": {"per_day": 3, "dispersion": 3.0}},
    "interceptors": {"pac3_mse": {"stock": 400, "deliveries_per_month": 40, "unit_cost_usd": 4.0e6}},
    "layers": [
        {"name": "patriot", "interceptor": "pac3_mse",
         "engages": {"ballistic": {"shots": 2, "pk": 0.7}}, "engage_probability": 0.9},
        {"name": "guns", "engages": {"drone": {"shots": 1, "pk": 0.5}}, "capacity_per_day": 80},
    ],
    "attacker_costs_usd": {"drone": 50000, "ballistic": 3.0e6},
}


def _write(tmp_path, data, name="bad.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_a_good_scenario_loads_with_its_meanings(tmp_path):
    scenario = load_scenario(_write(tmp_path, GOOD, "good.yaml"))
    assert scenario.classes == ("drone", "ballistic")
    assert scenario.interceptors["pac3_mse"].unit_cost_usd == 4.0e6
    assert scenario.interceptors["pac3_mse"].deliveries_per_day == pytest.approx(40 * 12 / 365)
    patriot, guns = scenario.layers
    assert patriot.engages["ballistic"].kill_probability == pytest.approx(1 - 0.3**2)
    assert patriot.engage_probability == {"ballistic": 0.9}
    assert guns.interceptor is None and guns.capacity_per_day == 80
    assert scenario_from_dict(scenario.to_dict(), source="good.yaml") == scenario


def _mutate(path_keys, value):
    data = yaml.safe_load(yaml.safe_dump(GOOD))
    node = data
    for key in path_keys[:-1]:
        node = node[key]
    node[path_keys[-1]] = value
    return data


@pytest.mark.parametrize(
    ("keys", "value", "key_named", "value_named"),
    [
        (["threats", "drone", "per_dya"], 3, "threats.drone.per_dya", "3"),
        (["colour"], "blue", "colour", "blue"),
        (["interceptors", "pac3_mse", "stock"], -5, "interceptors.pac3_mse.stock", "-5"),
        (["layers", 0, "engages", "ballistic", "pk"], 1.5, "layers.0.engages.ballistic.pk", "1.5"),
        (["layers", 0, "engage_probability"], -0.1, "layers.0.engage_probability", "-0.1"),
        (["layers", 0, "interceptor"], "thaad", "layers.0.interceptor", "thaad"),
        (["layers", 1, "engages", "cruise"], {"shots": 1, "pk": 0.5}, "layers.1.engages.cruise", "cruise"),
        (["threats", "drone", "dispersion"], -1, "threats.drone.dispersion", "-1"),
    ],
)
def test_bad_files_name_the_file_the_key_and_the_value(tmp_path, keys, value, key_named, value_named):
    path = _write(tmp_path, _mutate(keys, value))
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    message = str(error.value)
    assert "bad.yaml, line" in message and key_named in message
    if "unknown key" not in message:  # an unknown key is named; its value does not matter
        assert value_named in message


def test_unreadable_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nthreats: {drone: [\n")
    with pytest.raises(ScenarioError, match=r"broken\.yaml, line 3: not valid YAML"):
        load_scenario(path)


def test_overrides_by_index_and_by_layer_name():
    data = apply_overrides(scenario_from_dict(GOOD).to_dict(), {
        "threats.drone.per_day": 300,
        "interceptors.pac3_mse.deliveries_per_month": 80,
        "layers.0.engages.ballistic.pk": 0.8,
        "layers.guns.engage_probability": 0.5,
        "layers.patriot.engage_probability.ballistic": 0.6,
    })
    scenario = scenario_from_dict(data)
    assert scenario.threats["drone"].per_day == 300
    assert scenario.interceptors["pac3_mse"].deliveries_per_month == 80
    assert scenario.layers[0].engages["ballistic"].pk == 0.8
    assert scenario.layers[0].engage_probability == {"ballistic": 0.6}
    assert scenario.layers[1].engage_probability == {"drone": 0.5}
    assert GOOD["threats"]["drone"]["per_day"] == 100  # the input is not changed


@pytest.mark.parametrize("key", ["threats.drone.perday", "layers.sentinel.pk", "layers.7.name",
                                 "interceptors.thaad.stock", "horizon"])
def test_unknown_override_keys_raise(key):
    with pytest.raises(ScenarioError, match="overrides"):
        apply_overrides(GOOD, {key: 1})


def test_an_override_to_an_invalid_value_fails_validation():
    with pytest.raises(ScenarioError, match="layers.0.engages.ballistic.pk"):
        scenario_from_dict(apply_overrides(GOOD, {"layers.patriot.engages.ballistic.pk": 2}))


def test_shipped_scenarios_load():
    paths = sorted(SCENARIO_DIR.glob("*.yaml"))
    assert len(paths) >= 5
    for path in paths:
        scenario = load_scenario(path)
        assert scenario.name and scenario.horizon_days > 0
    bench = load_scenario("benchmark")
    assert bench.runs == 100_000 and bench.horizon_days == 365
    assert len(bench.classes) == 3 and len(bench.layers) >= 4


def test_every_default_figure_cites_an_entry_of_the_sources_file():
    from analysis.model.sources import citations, load_sources, uncited_figures
    from analysis.paths import GRID_DIR

    sources = load_sources()
    files = sorted(SCENARIO_DIR.glob("*.yaml")) + sorted(GRID_DIR.glob("*.yaml"))
    assert len(files) >= 7
    for path in files:
        assert uncited_figures(path) == [], f"{path.name}: a figure without a [source] citation"
        for key in citations(path.read_text()):
            assert key in sources, f"{path.name}: [{key}] is not in data/sources.yaml"
    for key, entry in sources.items():  # entries cite each other too
        for cited in citations(entry.model_dump_json()):
            assert cited in sources, f"sources.yaml: {key} cites [{cited}]"


def test_no_project_file_refers_to_anything_outside_the_repository():
    import subprocess

    from analysis.paths import PROJECT_ROOT

    listed = subprocess.run(["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    if listed.returncode != 0:
        pytest.skip("not a git checkout")
    outside = "FIGURES" + ".md"  # the reference list beside the project (spelled apart, so this file is no offender)
    offenders = []
    for name in listed.stdout.split():
        path = PROJECT_ROOT / name
        if path.suffix not in {".py", ".yaml", ".md", ".ipynb", ".cfg", ".toml"} or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if outside in text:
            offenders.append(name)
        if path.suffix == ".md" and "shared/data/public-record" in text:  # the development snapshots
            offenders.append(name)
    assert offenders == [], f"files naming what the project does not have: {offenders}"


def test_the_resupply_surge_share_of_us_output_is_its_arithmetic():
    from analysis.model.sources import load_sources

    surge = load_scenario("resupply-surge")
    yearly = surge.interceptors["pac3_mse"].deliveries_per_month * 12
    output = float(load_sources()["pac3-output"].value)
    assert yearly == 360 and yearly / output == pytest.approx(0.60)
    assert "360 a year, 60% of 2025 US output" in (SCENARIO_DIR / "resupply-surge.yaml").read_text()
    assert "360 a year, 60% of 2025 US output" in load_sources()["assumed-deliveries"].note


@pytest.mark.parametrize("seed", [2**53 + 1, 2**63 + 12345, 10**30 + 7])
def test_whole_numbers_above_2_to_the_53_keep_every_digit(seed):
    # float(2**53 + 1) == 2**53: a check through floats would reject or round these seeds
    scenario = scenario_from_dict({**GOOD, "seed": seed})
    assert scenario.seed == int(seed)
    assert isinstance(scenario.seed, int)


@pytest.mark.parametrize(("key", "value", "ok"), [
    ("runs", 3, True), ("runs", 3.0, True), ("runs", "3", False), ("runs", 2.5, False),
    ("runs", "2.5", False), ("seed", float(2**60), True), ("seed", True, False)])
def test_whole_number_check_on_floats_and_strings(key, value, ok):
    """Text is never a number, digits or not (a quoted "3" in a file is text)."""
    data = {**GOOD, key: value}
    if ok:
        assert getattr(scenario_from_dict(data), key) == int(float(value))
    else:
        with pytest.raises(ScenarioError, match=f"{key}: .*(whole number|not true/false|not text)"):
            scenario_from_dict(data)


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n" + "".join(
    f"{chr(99 + i)}: &{chr(99 + i)} [{', '.join(['*' + chr(98 + i)] * 9)}]\n" for i in range(7))


@pytest.mark.parametrize("kind", ["scenario", "grid"])
@pytest.mark.parametrize(("content", "message"), [
    (BOMB.encode(), "YAML aliases"), (b"", "is empty"), (b"name: x\n\xff\xfe\n", "not UTF-8"),
])
def test_hostile_input_files_get_one_clear_line_quickly(tmp_path, kind, content, message):
    import time

    from analysis.model.sweep import load_grid

    path = tmp_path / f"hostile-{kind}.yaml"
    path.write_bytes(content)
    started = time.perf_counter()
    with pytest.raises(ScenarioError) as error:
        (load_scenario if kind == "scenario" else load_grid)(path)
    assert time.perf_counter() - started < 1.0
    assert str(path.name) in str(error.value) and message in str(error.value)
    assert "\n" not in str(error.value)


def test_the_normalised_form_round_trips_and_names_every_class():
    scenario = scenario_from_dict(GOOD)
    data = scenario.to_dict()
    assert data["layers"][0]["engage_probability"] == {"ballistic": 0.9}
    assert data["layers"][1]["engage_probability"] == {"drone": None}  # not given
    assert data["attacker_costs_usd"] == {"drone": 50000, "ballistic": 3.0e6}
    assert scenario_from_dict(data) == scenario
    assert scenario_from_dict(data).to_dict() == data


def test_a_comparison_leaves_out_scenarios_that_need_a_missing_record(monkeypatch, tmp_path):
    from analysis import paths
    from analysis.model.scenarios import load_comparison

    monkeypatch.delenv(paths.RECORD_ENV, raising=False)
    monkeypatch.setattr(paths, "EXTERNAL_DIR", tmp_path / "external")  # nothing fetched
    comparison = load_comparison("baseline, forecast-from-record, escalation", horizon_days=30)
    assert list(comparison.scenarios) == ["baseline", "escalation"]
    assert "public record" in comparison.left_out["forecast-from-record"]
    assert all(s.horizon_days == 30 for s in comparison.scenarios.values())
    with pytest.raises(ScenarioError, match="reference scenario forecast-from-record needs the record"):
        load_comparison("forecast-from-record, baseline")
    with pytest.raises(ScenarioError, match="name at least one scenario"):
        load_comparison(" , ")


def test_a_comparison_keeps_record_scenarios_when_a_record_is_given(record_path):
    from analysis.model.scenarios import load_comparison

    comparison = load_comparison(["baseline", "forecast-from-record"], record=record_path)
    assert list(comparison.scenarios) == ["baseline", "forecast-from-record"] and not comparison.left_out
