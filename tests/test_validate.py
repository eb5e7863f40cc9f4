"""`data check`: every problem found with file, line, column and value; bad files fail clearly."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.errors import RecordError
from analysis.paths import PROJECT_ROOT
from analysis.record import load_record
from analysis.record.validate import check_file, format_problems

FIXTURES = Path(__file__).parent / "fixtures" / "record"
FIXTURE = FIXTURES / "missile_attacks_daily_fixture.csv"
CATALOGUE = FIXTURES / "missiles_and_uavs_fixture.csv"
HEADER = ("time_start,time_end,model,launched,destroyed,not_reach_goal,source\n")


def _record_file(tmp_path: Path, text: str | bytes, catalogue: bool = True) -> Path:
    path = tmp_path / "missile_attacks_daily.csv"
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    if catalogue:
        shutil.copy(CATALOGUE, tmp_path / "missiles_and_uavs.csv")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "analysis", *args], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)


BAD = HEADER + "".join([
    "2025-10-09 19:00,2025-10-10 10:00,Shahed-136/131,465.0,405.0,0.0,kpszsu/posts/a\n",  # 2 ok
    "2025-10-09 19:00,2025-10-10 10:00,Shahed-136/131,-4,0,,kpszsu/posts/a\n",  # 3 negative
    "2025-10-09 19:00,2025-10-10 10:00,Kalibr,5,2.5,,kpszsu/posts/a\n",  # 4 not whole
    "2025-10-09 19:00,2025-10-10 10:00,Kalibr,5,6,,kpszsu/posts/a\n",  # 5 destroyed > launched
    '2025-13-01,2025-10-10 10:00,"Kalibr\nand X-59",5,1,,kpszsu/posts/a\n',  # 6-7 bad month
    "2025-10-10 10:00,2025-10-09 09:00,Kalibr,5,1,,kpszsu/posts/a\n",  # 8 end before start
    "2025-10-09 19:00,2025-10-10 10:00,Kalibr,many,1,,kpszsu/posts/a\n",  # 9 not a number
    "2025-10-09 19:00,,Kalibr,5,1,,kpszsu/posts/a\n",  # 10 missing end
    "2025-10-09 19:00,2025-10-10 10:00,Kalibr,5,3,4,kpszsu/posts/a\n",  # 11 warning only
])
EXPECTED = {
    (3, "launched", "-4"), (4, "destroyed", "2.5"), (5, "destroyed", "6"),
    (6, "time_start", "2025-13-01"), (8, "time_end", "2025-10-09 09:00"),
    (9, "launched", "many"), (10, "time_end", ""),
}


def test_every_problem_is_found_with_line_column_and_value(tmp_path):
    report = check_file(_record_file(tmp_path, BAD))
    found = {(p.line, p.column, p.value) for p in report.result.errors}
    assert found == EXPECTED
    assert report.result.error_count == len(EXPECTED)
    warnings = {(p.line, p.column) for p in report.result.warnings}
    assert (11, "not_reach_goal") in warnings
    assert not report.ok


def test_the_loader_refuses_the_same_file_naming_the_lines(tmp_path):
    with pytest.raises(RecordError, match=r"missile_attacks_daily.csv:3: column 'launched'"):
        load_record(_record_file(tmp_path, BAD))


def test_data_check_lists_problems_and_exits_non_zero(tmp_path):
    path = _record_file(tmp_path, BAD)
    before = sorted(p.name for p in tmp_path.iterdir())
    done = _cli("data", "check", str(path), "--max-errors", "3")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert f"{path}:3: column 'launched', value '-4': negative count" in done.stdout
    assert "... and 4 more" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # writes nothing


def test_data_check_on_a_valid_file_summarises(tmp_path):
    done = _cli("data", "check", str(FIXTURE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid record" in done.stdout
    assert "rows: 16 (14 national, 2 regional)" in done.stdout
    assert "period: 2023-05-16 .. 2025-10-10" in done.stdout
    assert "'Zmey-9'" in done.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "no data"),
        (bytes(range(256)) * 4, "binary"),
        (b"time_start;time_end;model;launched;destroyed;source\n1;2;3;4;5;6\n", "semicolons"),
        (HEADER.encode(), "no rows"),
        (b"model,launched\nKalibr,3\n", "required column"),
        ("caf\xe9,x\n".encode("latin-1"), "UTF-8"),
        (HEADER.encode() + b'2025-10-09,2025-10-09,"Kalibr,5,1,,a\n', "CSV"),
    ],
)
def test_bad_files_fail_with_one_clear_message(tmp_path, content, message):
    path = _record_file(tmp_path, content)
    with pytest.raises(RecordError, match=message):
        check_file(path)
    with pytest.raises(RecordError):
        load_record(path)
    done = _cli("data", "check", str(path)) if message in ("empty", "binary") else None
    if done is not None:
        assert done.returncode != 0 and "Traceback" not in done.stderr
        assert done.stderr.startswith("error: ") and str(path) in done.stderr


def test_missing_catalogue_is_a_clear_error(tmp_path):
    path = _record_file(tmp_path, FIXTURE.read_bytes(), catalogue=False)
    done = _cli("data", "check", str(path))
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "no weapon catalogue" in done.stderr and "--catalogue" in done.stderr
    done = _cli("data", "check", str(path), "--catalogue", str(CATALOGUE))
    assert done.returncode == 0, done.stderr


def test_format_problems_caps_the_list():
    from analysis.record.validate import Problem

    problems = [Problem("f.csv", line, "launched", "-1", "negative count") for line in range(2, 50)]
    text = format_problems(problems, total=100, limit=5)
    assert text.count("\n") == 5 and text.endswith("... and 95 more")


def test_a_large_file_is_checked_in_chunks_with_exact_lines(tmp_path):
    rows = 200_000
    rng = np.random.default_rng(7)
    launched = rng.integers(1, 500, rows)
    frame = pd.DataFrame({
        "time_start": "2025-10-09 19:00",
        "time_end": "2025-10-10 10:00",
        "model": "Shahed-136/131",
        "launched": launched.astype(float),
        "destroyed": (launched // 2).astype(float),
        "not_reach_goal": 0.0,
        "source": [f"kpszsu/posts/{i}" for i in range(rows)],  # one post a row: no exact duplicates
    })
    bad_rows = [0, 69_999, 70_000, 199_999]  # both sides of a chunk boundary
    frame.loc[bad_rows, "destroyed"] = frame.loc[bad_rows, "launched"] + 1
    path = tmp_path / "missile_attacks_daily.csv"
    frame.to_csv(path, index=False)
    shutil.copy(CATALOGUE, tmp_path / "missiles_and_uavs.csv")
    started = time.perf_counter()
    report = check_file(path, chunk_rows=70_000)
    elapsed = time.perf_counter() - started
    assert report.rows == rows
    assert sorted(p.line for p in report.result.errors) == [r + 2 for r in bad_rows]
    assert report.launched_by_class == {"drone": int(launched.sum())}
    assert elapsed < 60, f"check of {rows} rows took {elapsed:.1f} s"


@pytest.mark.record
def test_both_snapshots_are_valid(record_path, older_record_path):
    for path in (record_path, older_record_path):
        report = check_file(path)
        assert report.ok, format_problems(report.result.errors, report.result.error_count)
        # 3 missing launched + 6 missing destroyed + 1 destroyed + not_reach_goal > launched
        assert report.result.warning_count == 10


def test_a_count_that_is_not_a_number_is_one_error_not_also_a_missing_count(tmp_path):
    from analysis.record.validate import check_frame

    raw = pd.DataFrame({
        "time_start": ["2025-01-01 20:00", "2025-01-02 20:00"],
        "time_end": ["2025-01-02 08:00", "2025-01-03 08:00"],
        "model": ["Shahed-136/131"] * 2, "launched": ["10", "12"], "destroyed": ["abc", ""],
        "source": ["kpszsu/posts/a", "kpszsu/posts/b"],
    })
    result = check_frame(raw, np.array([2, 3]), tmp_path / "r.csv")
    messages = [(p.line, p.column, p.message) for p in result.errors + result.warnings]
    assert (2, "destroyed", "not a number") in messages
    assert (3, "destroyed", "missing count") in messages
    assert not any(line == 2 and message == "missing count" for line, _, message in messages)


def test_data_check_lists_rows_that_cannot_be_true_apart(tmp_path):
    from analysis.record.validate import IMPOSSIBLE, summarise

    report = check_file(_record_file(tmp_path, BAD))
    flagged = [p for p in report.result.warnings if p.message == IMPOSSIBLE]
    assert [(p.line, p.column) for p in flagged] == [(11, "not_reach_goal")]
    text = summarise(report)
    assert "rows that cannot be true (left out of every rate, not capped): 1" in text
