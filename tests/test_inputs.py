"""Input files are read within bounds, and schema errors name file, line, key and value."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from pydantic import Field

from analysis.inputs import InputError, InputModel, load_yaml, parse_model, parse_yaml_text

BOMB = """\
a: &a ["x","x","x","x","x","x","x","x","x"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_an_alias_bomb_is_refused_at_once_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB)
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(InputError, match=r"bomb.yaml, line 2: YAML aliases \(\*a\) are not allowed"):
        load_yaml(path)
    seconds = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert seconds < 1.0 and peak < 5_000_000


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"a: 1\x00\n", "binary data"),
        (b"a: 1\nb: \xff\n", r"line 2: the input file is not UTF-8"),
        (b"a: [1, 2\n", r"line \d+: not valid YAML"),
        (b"[" * 40 + b"]" * 40, "nested more than 32 levels"),
    ],
)
def test_unreadable_files_get_one_clear_error(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "input.yaml"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        load_yaml(path)


def test_oversized_and_missing_files(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("a: " + "x" * 1_100_000)
    with pytest.raises(InputError, match="over the limit"):
        load_yaml(big)
    with pytest.raises(InputError, match="not found"):
        load_yaml(tmp_path / "none.yaml")
    with pytest.raises(InputError, match="not a file"):
        load_yaml(tmp_path)


class Layer(InputModel):
    shots: int = Field(ge=1)
    pk: float = Field(ge=0, le=1)


class Plan(InputModel):
    name: str
    layers: list[Layer]


def test_schema_errors_name_file_line_key_and_value() -> None:
    text = "name: test\nlayers:\n  - shots: 2\n    pk: 0.5\n  - shots: 0\n    pk: 1.5\n    colour: red\n"
    document = parse_yaml_text(text, "plan.yaml")
    with pytest.raises(InputError) as info:
        parse_model(Plan, document)
    message = str(info.value)
    assert "plan.yaml, line 5: layers.1.shots: 0: input should be greater than or equal to 1" in message
    assert "plan.yaml, line 6: layers.1.pk: 1.5: input should be less than or equal to 1" in message
    assert "plan.yaml, line 7: layers.1.colour: unknown key" in message
    good = parse_model(Plan, parse_yaml_text("name: x\nlayers: [{shots: 1, pk: 0.2}]\n", "ok.yaml"))
    assert good.layers[0].pk == 0.2


def test_a_long_value_is_quoted_short() -> None:
    document = parse_yaml_text("name: test\nlayers: " + "x" * 5000 + "\n", "plan.yaml")
    with pytest.raises(InputError) as info:
        parse_model(Plan, document)
    assert len(str(info.value)) < 300
