"""Scenario sweeps: grid files, per-point seeds, resume, failures, and the three scheduler kinds."""

from __future__ import annotations

import urllib.parse
from pathlib import Path

import pandas as pd
import pytest
import yaml

from analysis.cli import main
from analysis.errors import ScenarioError
from analysis.model import sweep
from analysis.model.parallel import local_cluster

BASE = {
    "name": "tiny",
    "horizon_days": 40,
    "runs": 60,
    "seed": 11,
    "threats": {
        "drone": {"per_day": 30, "dispersion": 2.0},
        "ballistic": {"per_day": 2, "dispersion": 1.0},
    },
    "interceptors": {
        "pac3_mse": {"stock": 60, "deliveries_per_month": 20, "unit_cost_usd": 4.0e6},
        "drones": {"stock": 500, "deliveries_per_month": 300, "unit_cost_usd": 5000},
    },
    "layers": [
        {"name": "patriot", "interceptor": "pac3_mse",
         "engages": {"ballistic": {"shots": 2, "pk": 0.7}}, "engage_probability": 0.9},
        {"name": "interceptor_drones", "interceptor": "drones",
         "engages": {"drone": {"shots": 1, "pk": 0.6}}, "engage_probability": 0.8},
    ],
    "attacker_costs_usd": {"drone": 50000, "ballistic": 3.0e6},
}
AXES = {
    "threats.drone.per_day": [20, 40],
    "interceptors.pac3_mse.deliveries_per_month": [0, 30, 60],
}


def write_grid(directory: Path, axes: dict = AXES, **extra) -> Path:
    (directory / "tiny.yaml").write_text(yaml.safe_dump(BASE, sort_keys=False))
    grid = {"scenario": "tiny.yaml", "runs": 60, **extra, "grid": axes}
    path = directory / "grid.yaml"
    path.write_text(yaml.safe_dump(grid, sort_keys=False))
    return path


def figures(table: pd.DataFrame) -> pd.DataFrame:
    """The table without the wall-clock column (the only thing that may differ between runs)."""
    return table.drop(columns=["seconds"]).reset_index(drop=True)


def test_points_cover_every_combination_and_rows_carry_values(tmp_path: Path) -> None:
    grid = sweep.load_grid(write_grid(tmp_path))
    result = sweep.run_sweep(grid, progress=False)
    table = result.table
    assert len(table) == 6 and result.computed == 6
    assert list(table["point"]) == list(range(6))
    combos = set(zip(table["threats.drone.per_day"], table["interceptors.pac3_mse.deliveries_per_month"], strict=True))
    assert combos == {(d, p) for d in (20, 40) for p in (0, 30, 60)}
    assert (table["status"] == "ok").all()
    # each row is the engine's own summary of that point: check one against a direct simulation
    from analysis.model import depletion, scenarios

    row = table.iloc[4]
    direct = scenarios.scenario_from_dict(scenarios.apply_overrides(
        BASE, {"threats.drone.per_day": 40, "interceptors.pac3_mse.deliveries_per_month": 30}))
    summary = depletion.simulate(direct, runs=60, seed=int(row["seed"])).summary()
    assert row["days_to_depletion.pac3_mse.median"] == summary["days_to_depletion"]["pac3_mse"]["median"]
    assert row["interception_rate.mean"] == pytest.approx(summary["interception_rate"]["mean"])
    # more deliveries can only delay depletion on average (a model check, not just plumbing)
    by_delivery = table[table["threats.drone.per_day"] == 20].set_index(
        "interceptors.pac3_mse.deliveries_per_month")["days_to_depletion.pac3_mse.p10"]
    assert by_delivery.is_monotonic_increasing


def test_seeds_follow_values_not_positions(tmp_path: Path) -> None:
    forward = sweep.load_grid(write_grid(tmp_path))
    reversed_axes = {key: list(reversed(values)) for key, values in reversed(AXES.items())}
    backward = sweep.load_grid(write_grid(tmp_path, axes=reversed_axes))
    a = sweep.run_sweep(forward, progress=False).table
    b = sweep.run_sweep(backward, progress=False).table
    keys = list(AXES)
    a = figures(a).drop(columns=["point"]).set_index(keys).sort_index()
    b = figures(b).drop(columns=["point"]).set_index(keys).sort_index()[a.columns]
    pd.testing.assert_frame_equal(a, b)
    assert a["seed"].nunique() == len(a)  # distinct streams per point
    assert sweep.point_seed(5, {"x": 1}) == sweep.point_seed(5, {"x": 1.0})
    assert sweep.point_seed(5, {"x": 1}) != sweep.point_seed(6, {"x": 1})


def test_common_random_numbers_use_the_base_seed(tmp_path: Path) -> None:
    grid = sweep.load_grid(write_grid(tmp_path, common_random_numbers=True))
    table = sweep.run_sweep(grid, progress=False).table
    assert set(table["seed"]) == {BASE["seed"]}
    # same arrivals at every point with the same drone rate: arrivals do not depend on deliveries
    same_rate = table[table["threats.drone.per_day"] == 20]
    assert same_rate["arrivals_per_day.ballistic"].nunique() == 1


def test_resume_after_an_interrupted_sweep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    grid = sweep.load_grid(write_grid(tmp_path))
    output = tmp_path / "out.parquet"
    reference = sweep.run_sweep(grid, progress=False).table

    real = sweep.evaluate_point
    calls = {"n": 0}

    def interrupted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(sweep, "evaluate_point", interrupted)
    with pytest.raises(KeyboardInterrupt):
        sweep.run_sweep(grid, output=output, progress=False)
    assert not output.exists()
    assert len(list(sweep.parts_dir(output).glob("point-*.parquet"))) == 2
    monkeypatch.setattr(sweep, "evaluate_point", real)

    resumed = sweep.run_sweep(grid, output=output, progress=False)
    assert resumed.computed == 4
    pd.testing.assert_frame_equal(figures(resumed.table), figures(reference))
    pd.testing.assert_frame_equal(figures(pd.read_parquet(output)), figures(reference))
    assert not sweep.parts_dir(output).exists()
    # a finished output is itself resumed from: nothing is simulated again
    assert sweep.run_sweep(grid, output=output, progress=False).computed == 0
    # a changed base (other runs) is a different sweep: nothing is reused
    assert sweep.run_sweep(grid, output=output, runs=30, progress=False).computed == 6


def test_a_bad_grid_value_is_refused_before_any_point_runs(tmp_path: Path, capsys) -> None:
    path = write_grid(tmp_path, axes={"threats.drone.per_day": [20, -5, 40]})
    output = tmp_path / "out.parquet"
    assert main(["sweep", str(path), "-o", str(output), "--runs", "30"]) == 1
    err = capsys.readouterr().err
    assert "grid.yaml, line" in err and "grid.threats.drone.per_day.1" in err
    assert "-5" in err and "cannot be negative" in err and "Traceback" not in err
    assert not output.exists() and not sweep.parts_dir(output).exists()


def test_a_grid_mixing_numbers_and_text_fails_before_running(tmp_path: Path, capsys) -> None:
    path = write_grid(tmp_path, axes={"interceptors.pac3_mse.stock": [60, "lots"]})
    output = tmp_path / "out.parquet"
    assert main(["sweep", str(path), "-o", str(output)]) == 1
    err = capsys.readouterr().err
    assert "grid.threats" not in err and "interceptors.pac3_mse.stock" in err
    assert "mixes number and text" in err and not sweep.parts_dir(output).exists()


def _fail_on_forty(scenario: dict, runs: int, seed: int) -> dict:
    if scenario["threats"]["drone"]["per_day"] == 40:
        raise RuntimeError("this point fails")
    return {"interception_rate": {"mean": 0.5}}


def test_a_failing_point_is_reported_and_the_rest_kept(tmp_path: Path) -> None:
    grid = sweep.load_grid(write_grid(tmp_path, axes={"threats.drone.per_day": [20, 40, 60]}))
    output = tmp_path / "out.parquet"
    result = sweep.run_sweep(grid, output=output, progress=False, evaluator=_fail_on_forty)
    table = pd.read_parquet(output)
    assert list(table["status"]) == ["ok", "error", "ok"]
    assert table["interception_rate.mean"].notna().tolist() == [True, False, True]
    lines = sweep.describe_failures(result, grid.axes)
    assert lines == ["point 1 (threats.drone.per_day=40): RuntimeError: this point fails"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"grid": {"threats.drone.per_dya": [1, 2]}}, "threats.drone.per_dya"),
        ({"grid": {"threats.drone.per_day": []}}, "at least 1 item"),
        ({"grid": {"threats.drone.per_day": [1, 1.0]}}, "repeated values"),
        ({"gird": {}}, "gird: unknown key"),
        ({"scenario": "missing.yaml"}, "missing.yaml"),
        ({"overrides": {"layers.nope.engage_probability": 0.5}}, "layers.nope"),
    ],
)
def test_bad_grid_files_name_the_key(tmp_path: Path, change: dict, message: str) -> None:
    path = write_grid(tmp_path)
    data = yaml.safe_load(path.read_text())
    data.update(change)
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ScenarioError) as error:
        sweep.load_grid(path)
    assert message in str(error.value) and "grid.yaml" in str(error.value)


def _listening_ips(pids: set[int]) -> set[str]:
    psutil = pytest.importorskip("psutil")
    ips = set()
    for connection in psutil.net_connections(kind="inet"):
        if connection.status == psutil.CONN_LISTEN and connection.pid in pids:
            ips.add(connection.laddr.ip)
    return ips


def test_local_cluster_listens_on_loopback_and_an_address_runs_the_sweep(tmp_path: Path) -> None:
    grid = sweep.load_grid(write_grid(tmp_path))
    local = sweep.run_sweep(grid, progress=False).table
    cluster = local_cluster(workers=1)
    try:
        assert urllib.parse.urlparse(cluster.scheduler_address).hostname == "127.0.0.1"
        assert urllib.parse.urlparse(cluster.dashboard_link).hostname == "127.0.0.1"
        for worker in cluster.scheduler_info["workers"]:
            assert urllib.parse.urlparse(worker).hostname == "127.0.0.1"
        psutil = pytest.importorskip("psutil")
        me = psutil.Process()
        pids = {me.pid, *(child.pid for child in me.children(recursive=True))}
        try:
            ips = _listening_ips(pids)
        except psutil.AccessDenied:
            ips = None  # the OS hides sockets: the addresses above are the check
        if ips is not None:
            assert ips, "no listening socket seen: the check would prove nothing"
            assert ips <= {"127.0.0.1", "::1"}, ips
        remote = sweep.run_sweep(grid, scheduler=cluster.scheduler_address, progress=False)
    finally:
        cluster.close()
    assert remote.dashboard is None
    pd.testing.assert_frame_equal(figures(remote.table), figures(local))


def test_processes_scheduler_gives_the_local_numbers(tmp_path: Path) -> None:
    grid = sweep.load_grid(write_grid(tmp_path))
    local = sweep.run_sweep(grid, progress=False).table
    links: list[str] = []
    distributed = sweep.run_sweep(grid, scheduler="processes", progress=False, on_dashboard=links.append)
    assert links and urllib.parse.urlparse(links[0]).hostname == "127.0.0.1"
    pd.testing.assert_frame_equal(figures(distributed.table), figures(local))

