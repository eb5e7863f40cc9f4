"""The project's own files agree with each other."""

from __future__ import annotations

import json
import re
import tomllib

import yaml

from analysis.paths import NOTEBOOK_DIR, PROJECT_ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[ ]", requirement.strip(), maxsplit=1)[0].lower()


def _conda_names(requirement: str) -> list[str]:
    name = _name(requirement)
    return ["dask", "distributed"] if name == "dask" else [name]


def test_environment_yml_declares_the_same_dependencies_as_pyproject():
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    project = pyproject["project"]
    wanted = {
        (n, re.sub(r"^[^<>=!~]*", "", r.replace("[distributed]", "")))
        for r in project["dependencies"] + project["optional-dependencies"]["dev"]
        for n in _conda_names(r)
    }
    environment = yaml.safe_load((PROJECT_ROOT / "environment.yml").read_text())
    declared = {
        (_name(d), re.sub(r"^[^<>=!~]*", "", d))
        for d in environment["dependencies"]
        if isinstance(d, str) and _name(d) not in {"python", "pip"}
    }
    assert declared == wanted


def test_committed_notebooks_have_no_outputs_and_a_parameters_cell():
    notebooks = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))
    for path in notebooks:
        cells = json.loads(path.read_text())["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), path.name
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
        source = "".join("".join(c["source"]) for c in code)
        assert not re.search(r"^\s*(def|class) ", source, re.M), f"{path.name}: logic belongs in analysis/"


def test_cli_help_lists_every_command(capsys):
    from analysis.cli import COMMANDS, main

    assert main([]) == 2
    out = capsys.readouterr().out
    modules = {p.stem for p in (PROJECT_ROOT / "analysis" / "cli").glob("*.py")} - {"__init__", "common"}
    assert modules == set(COMMANDS)  # every command module is registered, and only those
    for command in COMMANDS:
        assert command in out
