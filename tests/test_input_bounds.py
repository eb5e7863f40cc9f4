"""Every YAML input goes through `analysis.inputs.load_yaml`: a few hundred bytes of aliases (a
"billion laughs" bomb) never cost more than a clear one-line error naming the file, whatever kind
of input file carries it and whichever command reads it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from analysis.paths import PROJECT_ROOT

FIXTURES = Path(__file__).parent / "fixtures"
RECORD = FIXTURES / "record" / "missile_attacks_daily_fixture.csv"


def bomb(key: str) -> str:
    """9 levels of 9 aliases under `key` (about 387 million strings once expanded: gigabytes),
    in about 400 bytes."""
    levels = ['&a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    levels += [f"&a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    return f"{key}: [{', '.join(levels)}]\n"


# A command line under a memory ceiling: it prints its own peak memory before it exits.
RUN_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
from analysis.cli import main
code = main(sys.argv[1:])
print(f"peak-rss-kb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
sys.exit(code)
"""
YAML_READERS = re.compile(r"\byaml\.(safe_load|load|full_load|unsafe_load|compose|load_all|safe_load_all|parse)\b")


def test_the_bomb_is_small():
    assert len(bomb("claims").encode()) < 500 and bomb("claims").count("*") == 72


def test_no_yaml_is_read_outside_the_bounded_loader():
    """The package and the notebooks read YAML only through analysis.inputs."""
    offenders = []
    for path in sorted((PROJECT_ROOT / "analysis").rglob("*.py")):
        if path.name == "inputs.py" and path.parent.name == "analysis":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if YAML_READERS.search(line):
                offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{number}: {line.strip()}")
    for path in sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb")):
        for index, cell in enumerate(json.loads(path.read_text())["cells"], 1):
            if cell["cell_type"] == "code" and YAML_READERS.search("".join(cell["source"])):
                offenders.append(f"{path.name}: cell {index}")
    assert offenders == [], "read these through analysis.inputs.load_yaml:\n" + "\n".join(offenders)


def _command(arguments: list[str], cwd: Path) -> tuple[int, str, float, int]:
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", RUN_LIMITED, *arguments], cwd=cwd,
                          capture_output=True, text=True, timeout=60,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(PROJECT_ROOT),
                               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
                               "AIRDEF_RECORD": str(RECORD)})
    peak = re.search(r"peak-rss-kb=(\d+)", done.stderr)
    stderr = re.sub(r"peak-rss-kb=\d+\n?", "", done.stderr)
    return done.returncode, stderr, time.monotonic() - started, int(peak.group(1)) if peak else -1


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["parameter sets", "scenario", "grid", "claims", "scenario --set"])
def test_a_yaml_bomb_in_any_input_gives_one_clear_line(tmp_path, kind):
    path = tmp_path / "bomb.yaml"
    if kind == "parameter sets":
        notebooks = tmp_path / "notebooks"
        notebooks.mkdir()
        (notebooks / "91-runner-fixture.ipynb").write_bytes(
            (FIXTURES / "notebooks" / "91-runner-fixture.ipynb").read_bytes())
        (notebooks / "91-runner-fixture.yaml").write_text(bomb("ci"))
        arguments = ["report", str(notebooks / "91-runner-fixture.ipynb"), "--all",
                     "--output-dir", str(tmp_path / "reports")]
        named = "91-runner-fixture.yaml"
    elif kind == "scenario":
        path.write_text(bomb("threats"))
        arguments, named = ["simulate", str(path), "--runs", "100"], "bomb.yaml"
    elif kind == "grid":
        path.write_text("scenario: baseline\n" + bomb("grid"))
        arguments, named = ["sweep", str(path), "-o", str(tmp_path / "out.parquet")], "bomb.yaml"
    elif kind == "claims":
        path.write_text(bomb("claims"))
        arguments, named = ["claims", "--record", str(RECORD), "--claims", str(path)], "bomb.yaml"
    else:
        value = bomb("x").removeprefix("x: ").strip()
        arguments, named = ["simulate", "baseline", "--runs", "100", "--set",
                            f"threats.drone.per_day={value}"], "threats.drone.per_day"
    code, stderr, seconds, peak_kb = _command(arguments, tmp_path)
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert code in {1, 2}, stderr
    assert "Traceback" not in stderr and "MemoryError" not in stderr, stderr[-2000:]
    assert any(named in line and "alias" in line.lower() for line in lines), lines
    assert seconds < 30 and 0 < peak_kb < 600_000, (seconds, peak_kb)
    assert not (tmp_path / "out.parquet").exists() and not (tmp_path / "reports").exists()
