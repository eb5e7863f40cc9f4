"""The parameters cell is parsed into typed specs, and values are checked against them."""

from __future__ import annotations

import nbformat
import pytest

from analysis.errors import ParameterError
from analysis.reporting.parameters import (
    check_parameters,
    notebook_parameters,
    parse_parameters_cell,
    parse_value,
    validate_overrides,
)

CELL = '''\
record: str = ""  # record file; empty: $AIRDEF_RECORD, then the fetched copy
runs: int = 2000  # Monte Carlo runs, in [100, 1000000]
level: float = 0.95  # confidence level, in [0.5, 0.999]
scale: float = 2  # a float written as a whole number, in [0, ]
convention: str = "neutralised"  # what counts as an interception, one of {neutralised, destroyed}
show_code: bool = False  # show code cells
'''


def _notebook(tmp_path, source: str = CELL, name: str = "07-test-params"):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell]
    path = tmp_path / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path


def test_parse_reads_types_defaults_bounds_choices_and_descriptions():
    specs = parse_parameters_cell(CELL)
    assert list(specs) == ["record", "runs", "level", "scale", "convention", "show_code"]
    assert specs["runs"].type is int and specs["runs"].default == 2000
    assert (specs["runs"].low, specs["runs"].high) == (100, 1_000_000)
    assert specs["level"].type is float and specs["level"].high == 0.999
    assert specs["scale"].type is float and specs["scale"].default == 2.0
    assert specs["scale"].low == 0 and specs["scale"].high is None
    assert specs["convention"].choices == ("neutralised", "destroyed")
    assert specs["show_code"].type is bool
    assert specs["runs"].description == "Monte Carlo runs"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("runs: int = 2000\n", "needs its help"),
        ("runs = 2000  # count\n", "expected one"),
        ("runs: str = 2000  # count\n", "declared str"),
        ("runs: int = 20  # count, in [100, 200]\n", "out of range"),
        ("mode: str = 'x'  # mode, one of {a, b}\n", "not allowed"),
        ("runs: list = [1, 2]  # list\n", "int, float, str or bool"),
        ("runs: int = 1 +  # broken\n", "not valid Python"),
        ("print('x')  # not an assignment\n", "expected one"),
        ("runs: int = 2000  # 0 = all runs\n", "papermill cannot read"),
        ("size: str = 'big'  # size, in [1, 2]\n", "bounds only numbers"),
    ],
)
def test_parse_rejects_malformed_cells_with_the_line(source, message):
    with pytest.raises(ParameterError, match=message) as info:
        parse_parameters_cell(source, "07-bad")
    assert "07-bad" in str(info.value)


def test_check_parameters_picks_declared_names_from_globals(tmp_path):
    path = _notebook(tmp_path)
    namespace = {"runs": 500, "level": 0.9, "scale": 3, "In": [], "pd": object(), "_": None}
    clean = check_parameters(path, namespace)
    assert clean == {
        "record": "", "runs": 500, "level": 0.9, "scale": 3.0,
        "convention": "neutralised", "show_code": False,
    }
    assert isinstance(clean["scale"], float)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"runs": 50}, r"runs = 50 is out of range: int in \[100, 1000000\]"),
        ({"runs": 2.5}, "runs = 2.5 must be a whole number"),
        ({"runs": True}, "must be a whole number"),
        ({"level": "high"}, "level = 'high' must be a number"),
        ({"convention": "shot"}, "not allowed: one of neutralised, destroyed"),
        ({"show_code": "yes"}, "must be true or false"),
        ({"record": 3}, "must be a string"),
    ],
)
def test_check_parameters_names_notebook_and_parameter(tmp_path, values, message):
    path = _notebook(tmp_path)
    with pytest.raises(ParameterError, match=message) as info:
        check_parameters(path, values)
    assert str(info.value).startswith("07-test-params")


def test_overrides_refuse_unknown_names_and_list_the_known_ones(tmp_path):
    path = _notebook(tmp_path)
    with pytest.raises(ParameterError, match="unknown parameter rnus.*declares: record, runs"):
        validate_overrides(path, {"rnus": 3}, origin="set ci")
    assert validate_overrides(path, {"runs": 100}) == {"runs": 100}


def test_command_line_values_are_converted_by_the_declared_type(tmp_path):
    specs = notebook_parameters(_notebook(tmp_path))
    assert parse_value(specs["runs"], "1_000") == 1000
    assert parse_value(specs["level"], "0.9") == 0.9
    assert parse_value(specs["show_code"], "true") is True
    assert parse_value(specs["record"], "a.csv") == "a.csv"
    with pytest.raises(ParameterError, match="not a number"):
        parse_value(specs["runs"], "many")


def test_notebook_without_parameters_cell_declares_nothing(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("x = 1")]
    path = tmp_path / "plain.ipynb"
    nbformat.write(nb, path)
    assert notebook_parameters(path) == {}
    with pytest.raises(ParameterError, match="unknown parameter x"):
        validate_overrides(path, {"x": 1})


def test_missing_notebook_is_a_clear_error():
    with pytest.raises(ParameterError, match="99-nothing-here not found"):
        check_parameters("99-nothing-here", {})


def test_papermill_reads_every_parameter_of_every_notebook_with_its_type_and_help():
    import papermill

    from analysis.paths import NOTEBOOK_DIR

    notebooks = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))
    assert notebooks
    for path in notebooks:
        ours = notebook_parameters(path)
        theirs = papermill.inspect_notebook(str(path))
        assert list(theirs) == list(ours), path.name
        for name, spec in ours.items():
            assert theirs[name]["inferred_type_name"] == spec.type.__name__, (path.name, name)
            assert theirs[name]["help"].startswith(spec.description), (path.name, name)
