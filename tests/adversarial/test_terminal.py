"""What reaches a terminal from an input is shown, never obeyed: ESC, BEL, a carriage return or a
direction override in claim text, a record's model name or a file name appear as escapes in every
command's output, warnings and errors (as `data check` always showed them)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest

from analysis.cli import main
from analysis.paths import DATA_DIR
from analysis.record import SAMPLE_CATALOGUE, SAMPLE_RECORD
from analysis.terminal import printable

RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TITLE = "\x1b]0;pwned\x07"  # retitles a terminal window


def _no_raw_control(captured) -> None:
    for stream in (captured.out, captured.err):
        assert not RAW_CONTROL.search(stream), repr(RAW_CONTROL.search(stream).group(0))


def test_printable_shows_every_control_character():
    shown = printable("a\x1b[2Jb\x07c\rd\u202ee\tf\ng")
    assert shown == "a\\x1b[2Jb\\x07c\\rd\\u202ee\tf\ng"
    assert printable("x\ny", keep_newlines=False) == "x\\ny"


def _record_with_model(tmp_path: Path, model: str) -> Path:
    rows = list(csv.reader(io.StringIO(SAMPLE_RECORD.read_text(encoding="utf-8"))))
    rows[1][rows[0].index("model")] = model
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path = tmp_path / "missile_attacks_daily_x.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    shutil.copy(SAMPLE_CATALOGUE, tmp_path / "missiles_and_uavs_x.csv")
    return path


@pytest.mark.parametrize("command", [["rates", "-o", "-"], ["waves", "-o", "-"],
                                     ["claims"], ["forecast", "--paths", "100", "--horizon", "1"]])
def test_a_model_name_with_escapes_is_shown_escaped(tmp_path, capsys, command):
    path = _record_with_model(tmp_path, f"Geran{TITLE}\u202eX")
    assert main([command[0], "--record", str(path), *command[1:]]) == 0
    captured = capsys.readouterr()
    assert "\\x1b]0;pwned\\x07" in captured.err  # the warning names the model, escaped
    if command[0] != "waves":
        _no_raw_control(captured)  # (the wave table is data: its CSV keeps the record's text)


def test_claim_text_with_escapes_is_shown_escaped(tmp_path, capsys):
    claims = tmp_path / "claims.yaml"
    text = (DATA_DIR / "claims" / "article-2025-10-11.yaml").read_text()
    claims.write_text(text.replace(
        "    text: >-\n      On the night of October 10-11, Russian forces launched nearly 500 drones in waves",
        '    text: "On the night \\e]0;pwned\\a of \\r October 10-11 nearly 500 drones"', 1))
    assert main(["claims", "--claims", str(claims), "--record", str(SAMPLE_RECORD)]) == 0
    captured = capsys.readouterr()
    _no_raw_control(captured)
    assert "\\x1b]0;pwned\\x07" in captured.out


def test_an_error_naming_a_file_with_escapes_is_escaped(tmp_path, capsys):
    name = tmp_path / f"odd{TITLE}.yaml"
    assert main(["simulate", str(name)]) == 1
    captured = capsys.readouterr()
    _no_raw_control(captured)
    assert "\\x1b]0;pwned" in captured.err
