"""The project's own files agree with each other."""

from __future__ import annotations

import json
import re
import tomllib

import pytest
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


def _nbstripout_installed() -> bool:
    """Whether git strips notebook outputs on commit here (`make setup` installs the filter)."""
    import subprocess

    found = subprocess.run(["git", "config", "--get", "filter.nbstripout.clean"], cwd=PROJECT_ROOT,
                           capture_output=True, text=True, check=False)
    return found.returncode == 0 and bool(found.stdout.strip())


def test_committed_notebooks_have_no_outputs_and_a_parameters_cell():
    notebooks = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]-*.ipynb"))
    assert notebooks
    filtered = _nbstripout_installed()
    for path in notebooks:
        cells = json.loads(path.read_text())["cells"]
        code = [c for c in cells if c["cell_type"] == "code"]
        has_outputs = any(c["outputs"] or c["execution_count"] is not None for c in code)
        # With the filter installed, a notebook run in JupyterLab keeps its outputs in the working
        # copy and git commits it stripped; without it, outputs would be committed.
        assert filtered or not has_outputs, (
            f"notebooks/{path.name} has outputs: run `make strip-notebooks` "
            "(`make setup` installs the git filter that strips them on every commit)"
        )
        tagged = [c for c in cells if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"notebooks/{path.name}: needs exactly one cell tagged 'parameters'"
        source = "".join("".join(c["source"]) for c in code)
        assert not re.search(r"^\s*(def|class) ", source, re.M), (
            f"notebooks/{path.name}: a def or class belongs in analysis/, not in a notebook")


def test_git_commits_a_notebook_run_in_place_without_its_outputs(tmp_path):
    """The JupyterLab round trip: run a notebook where it is, `git add` it, the index has no outputs."""
    import shutil
    import subprocess

    if not _nbstripout_installed():
        pytest.skip("the nbstripout filter is not installed here (`make setup` installs it)")
    clean = subprocess.run(["git", "config", "--get", "filter.nbstripout.clean"], cwd=PROJECT_ROOT,
                           capture_output=True, text=True, check=True).stdout.strip()
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / ".gitattributes", repo / ".gitattributes")
    source = PROJECT_ROOT / "tests" / "fixtures" / "notebooks" / "91-runner-fixture.ipynb"
    notebook = json.loads(source.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"] = 1
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["ran\n"]}]
    target = repo / "notebooks" / "91-runner-fixture.ipynb"
    target.write_text(json.dumps(notebook))

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True,
                              check=True).stdout

    git("init", "-q")
    git("config", "filter.nbstripout.clean", clean)
    git("config", "filter.nbstripout.smudge", "cat")
    git("add", "notebooks/91-runner-fixture.ipynb")
    staged = json.loads(git("show", ":notebooks/91-runner-fixture.ipynb"))
    code = [c for c in staged["cells"] if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert [c["id"] for c in staged["cells"]] == [c["id"] for c in notebook["cells"]]  # ids kept
    assert any("parameters" in c["metadata"].get("tags", []) for c in staged["cells"])
    assert json.loads(target.read_text())["cells"][1]["outputs"]  # the working copy keeps them


def test_cli_help_lists_every_command(capsys):
    from analysis.cli import COMMANDS, main

    assert main([]) == 2
    out = capsys.readouterr().out
    modules = {p.stem for p in (PROJECT_ROOT / "analysis" / "cli").glob("*.py")} - {"__init__", "common"}
    assert modules == set(COMMANDS)  # every command module is registered, and only those
    for command in COMMANDS:
        assert command in out


def _package_imports() -> dict[str, list[tuple[str, list[str], bool]]]:
    """module -> (imported module, names, at top level) for every `analysis` import in the package."""
    import ast

    package = PROJECT_ROOT / "analysis"
    found: dict[str, list[tuple[str, list[str], bool]]] = {}
    for path in sorted(package.rglob("*.py")):
        name = ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = {id(node) for node in tree.body}
        imports = []
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis"):
                imports.append((node.module, [a.name for a in node.names], id(node) in top))
            elif isinstance(node, ast.Import):
                imports += [(a.name, [], id(node) in top) for a in node.names if a.name.startswith("analysis")]
        found[name] = imports
    return found


def _import_graph() -> dict[str, set[str]]:
    """module -> the package modules it imports at import time (top-level imports only; a
    `from package import submodule` is an edge to the submodule, not to the package)."""
    imports = _package_imports()
    modules = set(imports)
    graph = {}
    for module, found in imports.items():
        edges = set()
        for imported, names, at_top in found:
            if not at_top:
                continue  # imported inside a function: loaded lazily, not at import time
            submodules = {f"{imported}.{n}" for n in names if f"{imported}.{n}" in modules}
            edges |= submodules
            if imported in modules and len(submodules) < len(names or [None]):
                edges.add(imported)
        graph[module] = {m for m in edges if m != module and not m.startswith(module + ".")}
    return graph


def _find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> list[str] | None:
        state[module] = 1
        for other in sorted(graph.get(module, ())):
            if state.get(other) == 1:
                return [*trail, module, other]
            if other not in state and (cycle := visit(other, [*trail, module])):
                return cycle
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module, [])):
            return cycle
    return None


def test_the_package_has_no_import_cycle_at_import_time():
    assert _find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]  # it finds one
    assert _find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
    cycle = _find_cycle(_import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_no_module_imports_a_private_name_of_another():
    offenders = [
        f"{module}: from {imported} import {name}"
        for module, found in _package_imports().items()
        for imported, names, _ in found
        for name in names
        if name.startswith("_") and not name.startswith("__") and imported != module
    ]
    assert not offenders, offenders
