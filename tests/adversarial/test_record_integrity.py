"""A damaged record is never counted in silence: a last row cut mid-line, every row twice, rows
dated 2030 and a count of 1e308 are refused (or left out with a warning) before any figure, and
`data check` lists each with its line."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.errors import RecordError
from analysis.provenance import sha256_of
from analysis.record import SAMPLE_CATALOGUE, SAMPLE_RECORD, load_record, waves
from analysis.record.validate import check_file


def _copy(tmp_path: Path, text: str, name: str = "missile_attacks_daily_x.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    shutil.copy(SAMPLE_CATALOGUE, tmp_path / "missiles_and_uavs_x.csv")
    return path


def _sample_text() -> str:
    return SAMPLE_RECORD.read_text(encoding="utf-8")


def _quiet_load(path: Path, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        record = load_record(path, **kwargs)
    return record, [str(w.message) for w in caught]


def test_a_last_row_cut_mid_line_is_refused(tmp_path, capsys):
    text = _sample_text()
    last = text.rstrip("\n").rsplit("\n", 1)[-1]
    cut = text.rstrip("\n")[: len(text.rstrip("\n")) - len(last)] + ",".join(last.split(",")[:8])
    path = _copy(tmp_path, cut)
    line = cut.count("\n") + 1
    with pytest.raises(RecordError, match=rf":{line}: .*has no newline and only 8 of the header's 22 fields"):
        load_record(path)
    assert main(["rates", "--record", str(path), "-o", "-"]) == 1
    assert main(["data", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}:{line}:" in out and "cut short" in out


def test_a_whole_last_row_without_its_newline_is_left_out_with_a_warning(tmp_path):
    path = _copy(tmp_path, _sample_text().rstrip("\n"))
    whole = load_record(SAMPLE_RECORD)
    record, said = _quiet_load(path)
    assert len(record) == len(whole) - 1 and record["line"].max() == whole["line"].max() - 1
    assert any("left out" in message and "no newline" in message for message in said)
    report = check_file(path)
    assert report.ok and any("no newline" in p.message for p in report.result.warnings)


def test_every_row_twice_is_refused_or_left_out_never_counted_twice(tmp_path, capsys):
    header, *rows = _sample_text().rstrip("\n").split("\n")
    doubled = "\n".join([header, *[row for pair in zip(rows, rows, strict=True) for row in pair]]) + "\n"
    path = _copy(tmp_path, doubled)
    with pytest.raises(RecordError, match=r":3: column '\(whole row\)'.*repeats an earlier row exactly \(line 2\)"):
        load_record(path)
    assert main(["rates", "--record", str(path), "-o", "-"]) == 1
    assert "--dedupe" in capsys.readouterr().err
    # --dedupe: the later copies are left out, and the figures are the record's own
    record, said = _quiet_load(path, dedupe=True)
    original = load_record(SAMPLE_RECORD)
    assert len(record) == len(original)
    assert int(record["launched"].sum()) == int(original["launched"].sum())
    assert len(waves(record)) == len(waves(original))
    assert any(f"left out {len(rows)} exact duplicate row(s)" in message for message in said)
    assert main(["rates", "--record", str(path), "--dedupe", "-o", str(tmp_path / "r.csv")]) == 0
    assert main(["rates", "--record", str(SAMPLE_RECORD), "-o", str(tmp_path / "o.csv")]) == 0
    assert (tmp_path / "r.csv").read_text() == (tmp_path / "o.csv").read_text()
    # data check lists them: errors without --dedupe, left out with it
    capsys.readouterr()
    assert main(["data", "check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"INVALID: {len(rows)} error(s)" in out and f"{path}:3:" in out
    assert main(["data", "check", str(path), "--dedupe"]) == 0
    assert "left out (--dedupe)" in capsys.readouterr().out


def test_rows_dated_after_today_are_refused(tmp_path, capsys):
    text = _sample_text().replace("2026-05-13", "2030-01-02")
    path = _copy(tmp_path, text)
    with pytest.raises(RecordError, match="a date after today"):
        load_record(path)
    assert main(["data", "check", str(path)]) == 1
    assert "2030-01-02" in capsys.readouterr().out


def test_rows_dated_after_the_fetch_are_refused(tmp_path):
    """A fetched copy names the day it was fetched: a row after it cannot be true."""
    path = _copy(tmp_path, _sample_text())
    (tmp_path / "PROVENANCE.json").write_text(json.dumps({
        "accessed": "2026-05-10T08:00:00+00:00",
        "files": [{"name": path.name, "sha256": sha256_of(path)}]}))
    with pytest.raises(RecordError, match=r"a date after the record was fetched \(2026-05-10\)"):
        load_record(path)
    (tmp_path / "PROVENANCE.json").write_text(json.dumps({  # another file's provenance: today counts
        "accessed": "2026-05-10T08:00:00+00:00", "files": [{"name": path.name, "sha256": "0" * 64}]}))
    assert len(load_record(path)) > 0


@pytest.mark.parametrize("command", [["rates", "-o", "-"], ["waves", "-o", "-"], ["data", "check"]])
def test_a_count_of_1e308_is_one_line(tmp_path, capsys, command):
    import csv
    import io

    rows = list(csv.reader(io.StringIO(_sample_text())))
    rows[1][rows[0].index("launched")] = "1e308"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = _copy(tmp_path, buffer.getvalue())
    args = [*command[:1], *(["check", str(path)] if command[0] == "data" else ["--record", str(path), *command[1:]])]
    assert main(args) == 1
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert "more than 100,000" in captured.err + captured.out


def test_the_shipped_sample_and_the_snapshots_have_no_exact_duplicates(record_path, older_record_path):
    for path in (SAMPLE_RECORD, record_path, older_record_path):
        report = check_file(path, dedupe=False)
        assert report.ok, report.result.errors[:3]
        assert not [p for p in report.result.warnings if "repeats" in p.message]
