"""The report runner: parameterized notebooks run by papermill, shared as self-contained HTML.

One runner serves the command line (`python -m analysis report`), `make reports` and the tests.
For each notebook x parameter set it writes, under the report directory::

    <notebook>/<set>.ipynb          the executed notebook
    <notebook>/<set>.html           code hidden       <set>.code.html  code shown
    <notebook>/<set>.summary.json   headline figures with uncertainty, and the run's provenance
    <notebook>/<set>.status.json    the outcome of the latest attempt (ok, failed, skipped)
    index.html                      every report, its figures, thumbnail, parameters and data

Parameters are checked before any kernel starts. A report whose notebook, parameters, data and
package code are unchanged is not rerun; the package code is the modules the notebook imports,
followed through their own imports, with the runner's (see `code_dependencies`). A failing
notebook never replaces a good report: the executed notebook with the error is kept as
`<set>.failed.ipynb` beside it. Every file is written
to a temporary name and renamed; a lock per report keeps two runs at once apart.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import yaml

from analysis.errors import AnalysisError, ParameterError, RecordNotFoundError
from analysis.io import atomic_write_text
from analysis.parameters import notebook_parameters, resolve_notebook, validate_overrides
from analysis.paths import (
    CLAIMS_DIR,
    GRID_DIR,
    NOTEBOOK_DIR,
    PROJECT_ROOT,
    RECORD_ENV,
    REPORT_DIR,
    SCENARIO_DIR,
)
from analysis.provenance import code_version, file_provenance, sha256_of
from analysis.summary import format_figure

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
PACKAGE_DIR = Path(__file__).resolve().parent
NOTEBOOK_GLOB = "[0-9][0-9]-*.ipynb"
EXECUTION_TIMEOUT_S = 900
HOW_TO_GET_RECORD = (
    "get the record with `python -m analysis data fetch` (or `make data-fetch`), "
    f"or pass --record PATH / set {RECORD_ENV}"
)


# --------------------------------------------------------------------------------------------
# What to run


@dataclass(frozen=True)
class ReportJob:
    """One notebook with one parameter set, and where its report goes."""

    notebook: str  # absolute path of the source notebook
    name: str  # notebook stem, e.g. "01-explore-strike-record"
    set_name: str
    parameters: dict[str, Any]  # every declared parameter, checked (defaults filled in)
    injected: dict[str, Any]  # what papermill injects: the set's overrides (+ record)
    needs_record: bool
    uses_record: bool
    output_dir: str
    record: str | None = None
    catalogue: str | None = None
    cache_key: str = ""
    code: CodeDependencies | None = None  # the package code in the key

    @property
    def report_dir(self) -> Path:
        return Path(self.output_dir) / self.name

    def path(self, suffix: str) -> Path:
        return self.report_dir / f"{self.set_name}{suffix}"


@dataclass
class JobResult:
    name: str
    set_name: str
    status: str  # ok, cached, failed, skipped
    message: str = ""
    seconds: float = 0.0


def numbered_notebooks(notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """Every notebooks/NN-*.ipynb, in order."""
    return sorted(notebook_dir.glob(NOTEBOOK_GLOB))


def notebook_metadata(path: Path) -> dict[str, Any]:
    """The notebook's `airdef` metadata ({} when absent)."""
    try:
        notebook_json = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AnalysisError(f"{path.name}: cannot read the notebook ({error})") from None
    return dict(notebook_json.get("metadata", {}).get("airdef", {}))


def parameter_sets(notebook: str | Path) -> dict[str, dict[str, Any]]:
    """The parameter sets in the YAML beside a notebook, each checked; {'default': {}} if none."""
    path = resolve_notebook(notebook)
    yaml_path = path.with_suffix(".yaml")
    if not yaml_path.is_file():
        return {"default": {}}
    try:
        loaded = yaml.safe_load(yaml_path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise ParameterError(f"{yaml_path.name}{line}: not valid YAML") from None
    if not isinstance(loaded, dict):
        raise ParameterError(f"{yaml_path.name}: expected a mapping of set name -> parameters")
    sets: dict[str, dict[str, Any]] = {}
    for set_name, overrides in loaded.items():
        set_name = str(set_name)
        if not re.fullmatch(r"[A-Za-z0-9_.-]+", set_name):
            raise ParameterError(f"{yaml_path.name}: set name {set_name!r} must be a plain word")
        if overrides is None:
            overrides = {}
        if not isinstance(overrides, dict):
            raise ParameterError(f"{yaml_path.name}: set {set_name} must map parameter -> value")
        sets[set_name] = validate_overrides(path, overrides, origin=f"{yaml_path.name}, set {set_name}")
    sets.setdefault("default", {})
    return sets


def parse_overrides(notebook: Path, pairs: Sequence[str]) -> dict[str, Any]:
    """`-p NAME=VALUE` pairs as typed values checked against the notebook."""
    from analysis.parameters import parse_value

    specs = notebook_parameters(notebook)
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise ParameterError(f"-p {pair!r}: expected NAME=VALUE")
        if name not in specs:
            known = ", ".join(specs) or "none"
            raise ParameterError(
                f"{notebook.stem} (-p): unknown parameter {name} (the notebook declares: {known})"
            )
        values[name] = parse_value(specs[name], text, f"{notebook.stem} (-p)")
    return values


def _override_label(overrides: Mapping[str, Any]) -> str:
    text = ",".join(f"{k}={v}" for k, v in sorted(overrides.items()) if k != "record")
    label = re.sub(r"[^A-Za-z0-9_.=,-]+", "_", text)[:60]
    digest = hashlib.sha256(json.dumps(overrides, sort_keys=True, default=str).encode()).hexdigest()
    return f"{label}-{digest[:6]}" if label else digest[:8]


# --------------------------------------------------------------------------------------------
# The record, and what the cache key is made of


def find_record(explicit: str | Path | None) -> Path | None:
    """The record file to use (the loader's order: --record, $AIRDEF_RECORD, the fetched copy);
    None when there is none. An explicit path or variable naming a missing file is an error."""
    from analysis.record import resolve_record_path

    if explicit or os.environ.get(RECORD_ENV):
        return Path(resolve_record_path(explicit or None)).resolve()
    try:
        return Path(resolve_record_path(None)).resolve()
    except RecordNotFoundError:
        return None


def fetch_record() -> str | None:
    """Run `python -m analysis data fetch`; None on success, else why it failed (one line)."""
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "analysis", "data", "fetch"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600, check=False,
        )
    except (OSError, subprocess.SubprocessError) as error:
        return f"data fetch could not run ({error})"
    if completed.returncode == 0:
        return None
    lines = [line for line in (completed.stderr or completed.stdout).splitlines() if line.strip()]
    return "data fetch failed: " + (lines[-1].strip() if lines else f"exit {completed.returncode}")


def find_catalogue(record: Path | None) -> Path | None:
    """The weapon catalogue the loader will pair with `record` (None when it finds none)."""
    if record is None:
        return None
    try:
        from analysis.record import resolve_catalogue_path

        return Path(resolve_catalogue_path(record)).resolve()
    except (ImportError, AnalysisError, OSError):
        return None


def cache_key(notebook: Path, parameters: Mapping[str, Any], data: Mapping[str, str | None],
              package: str) -> str:
    """Same notebook, parameters, data and package code -> same key -> the report is not rerun."""
    payload = {
        "notebook": sha256_of(notebook),
        "parameters": parameters,
        "data": dict(data),
        "package": package,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_fresh(job: ReportJob) -> bool:
    """The good report on disk was made from exactly this notebook, parameters, data and code."""
    summary = _read_json(job.path(".summary.json"))
    return bool(
        summary
        and summary.get("report", {}).get("cache_key") == job.cache_key
        and job.path(".html").is_file()
        and job.path(".ipynb").is_file()
    )


# --------------------------------------------------------------------------------------------
# Which package code a report depends on


RUNNER_MODULE = "analysis.report"  # the runner shapes every report (summary, HTML), so it counts
# Calls that import code the static analysis cannot see: a notebook or module making one keys
# on the whole package.
DYNAMIC_CALLS = frozenset({"__import__", "exec", "eval", "import_module", "reload", "run_module",
                           "run_path", "load_module", "exec_module"})
# IPython magics that run no other code, and those that run the code given to them (which is
# then analysed too); any other magic, and shell escapes, mean "whole package".
HARMLESS_MAGICS = frozenset({"matplotlib", "config", "precision", "pprint", "who", "whos", "xmode"})
CODE_MAGICS = frozenset({"time", "timeit", "capture"})


class DependencyError(ValueError):
    """The static analysis cannot tell what a notebook imports (the key then uses every file)."""


@dataclass(frozen=True)
class CodeDependencies:
    """The package files a notebook's report depends on, and how they were found."""

    modules: tuple[str, ...]  # dotted names, e.g. "analysis.summary"
    data: tuple[str, ...]  # non-Python package files, relative to the package, e.g. "weapon_classes.csv"
    scope: str  # "imports", or "whole package: <why the imports could not be traced>"


def _module_file(name: str, package_dir: Path) -> Path | None:
    """analysis.a.b -> <package>/a/b.py or <package>/a/b/__init__.py (None: no such module)."""
    parts = name.split(".")[1:]
    base = package_dir.joinpath(*parts)
    if (base / "__init__.py").is_file():
        return base / "__init__.py"
    if parts and base.with_suffix(".py").is_file():
        return base.with_suffix(".py")
    return None


def _check_static(node: ast.Call, where: str) -> str:
    """Raise DependencyError for a call that may import or run code the analysis cannot see;
    return the code a magic such as %time runs ('' for none), to be analysed in turn."""
    func = node.func
    called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    if called in DYNAMIC_CALLS:
        raise DependencyError(f"{where}: dynamic import or code execution ({called})")
    if called in {"run_line_magic", "run_cell_magic"}:
        texts = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
        magic = texts[0] if texts else None
        if magic in CODE_MAGICS and texts and isinstance(texts[-1], str):
            return texts[-1]
        if magic not in HARMLESS_MAGICS:
            raise DependencyError(f"{where}: IPython magic %{magic}")
    if called in {"system", "getoutput"} and isinstance(func, ast.Attribute) \
            and isinstance(func.value, ast.Call) and getattr(func.value.func, "id", "") == "get_ipython":
        raise DependencyError(f"{where}: shell command")
    return ""


def _imported(tree: ast.AST, current: str | None, is_package: bool, package: str,
              package_dir: Path, where: str) -> set[str]:
    """The package's modules an AST imports (`current`: the importing module, for relative imports)."""
    found: set[str] = set()

    def add(name: str, required: bool = True) -> bool:
        if name != package and not name.startswith(package + "."):
            return False
        if _module_file(name, package_dir) is None:
            if required:
                raise DependencyError(f"{where}: imports {name}, which is not in the package")
            return False
        found.add(name)
        return True

    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            inner = _check_static(node, where)
            if inner:  # %time / %%capture ...: the code it runs may import too
                try:
                    found |= _imported(ast.parse(inner), current, is_package, package,
                                       package_dir, where)
                except SyntaxError:
                    raise DependencyError(f"{where}: cannot parse the code of a magic") from None
        elif isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if current is None:
                    raise DependencyError(f"{where}: relative import outside the package")
                anchor = current.split(".") if is_package else current.split(".")[:-1]
                if node.level - 1 >= len(anchor):
                    raise DependencyError(f"{where}: relative import beyond the package")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if not add(base):
                continue
            for alias in node.names:
                if alias.name == "*":  # every submodule might be meant: take them all
                    root = package_dir.joinpath(*base.split(".")[1:])
                    found.update(
                        ".".join([package, *p.relative_to(package_dir).with_suffix("").parts])
                        .removesuffix(".__init__")
                        for p in root.rglob("*.py") if "__pycache__" not in p.parts
                    )
                else:
                    add(f"{base}.{alias.name}", required=False)  # a submodule, or just a name
    return found


def notebook_sources(notebook: Path) -> list[str]:
    """The code cells of a notebook, as text."""
    try:
        cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError) as error:
        raise DependencyError(f"{Path(notebook).name}: cannot read the notebook ({error})") from None
    sources = []
    for cell in cells:
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


def _parse_cell(source: str, where: str) -> ast.AST:
    try:
        return ast.parse(source)
    except SyntaxError:
        pass
    try:  # IPython syntax (%magic, !shell): as the kernel would run it
        from IPython.core.inputtransformer2 import TransformerManager

        return ast.parse(TransformerManager().transform_cell(source))
    except Exception as error:
        raise DependencyError(f"{where}: cannot parse a code cell ({type(error).__name__})") from None


def module_closure(roots: Sequence[str], package_dir: Path | None = None,
                   package: str = "analysis") -> list[str]:
    """`roots` and every package module they import, transitively, with the packages on the way."""
    package_dir = PACKAGE_DIR if package_dir is None else package_dir
    seen: set[str] = set()
    todo = [package, *roots]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        parts = name.split(".")
        todo.extend(".".join(parts[:i]) for i in range(1, len(parts)))  # parent __init__s run too
        path = _module_file(name, package_dir)
        if path is None:
            raise DependencyError(f"{name}: no such module in the package")
        todo.extend(_module_imports(name, path, package, package_dir))
    return sorted(seen)


# Module -> its imports, within one plan (plan_jobs clears it: files may come and go between plans).
_IMPORTS_SEEN: dict[tuple[str, str, str], frozenset[str] | str] = {}


def _module_imports(name: str, path: Path, package: str, package_dir: Path) -> frozenset[str]:
    """The package modules one module imports (parsed once per content: plans of many notebooks
    share it)."""
    where = str(path.relative_to(package_dir.parent))
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError) as error:
        raise DependencyError(f"{where}: cannot read ({type(error).__name__})") from None
    key = (str(path), name, text)
    if key not in _IMPORTS_SEEN:
        try:
            tree = ast.parse(text, filename=where)
            _IMPORTS_SEEN[key] = frozenset(
                _imported(tree, name, path.name == "__init__.py", package, package_dir, where))
        except SyntaxError as error:
            _IMPORTS_SEEN[key] = f"{where}: cannot parse ({type(error).__name__})"
        except DependencyError as error:
            _IMPORTS_SEEN[key] = str(error)
    found = _IMPORTS_SEEN[key]
    if isinstance(found, str):
        raise DependencyError(found)
    return found


def _package_files(package_dir: Path) -> list[Path]:
    return sorted(
        path for path in package_dir.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc"
    )


def _data_files(modules: Sequence[str], package_dir: Path) -> list[Path]:
    """Non-Python package files whose name, or a folder they are in, a module's source mentions."""
    text = "\n".join(_module_file(m, package_dir).read_text(encoding="utf-8") for m in modules)
    return [
        path for path in _package_files(package_dir)
        if path.suffix != ".py"
        and any(part in text for part in path.relative_to(package_dir).parts)
    ]


def code_dependencies(notebook: str | Path, package_dir: Path | None = None) -> CodeDependencies:
    """What package code a notebook's report depends on: the modules its code cells import,
    closed over their own imports, with the runner's; and the package data they name.

    Whatever the analysis cannot follow (a cell that does not parse, a dynamic import, a magic
    that runs other code) makes it answer with the whole package: never a stale report.
    """
    package_dir = PACKAGE_DIR if package_dir is None else package_dir
    package = "analysis"
    notebook = Path(notebook)
    try:
        roots = {RUNNER_MODULE}
        for number, source in enumerate(notebook_sources(notebook), 1):
            where = f"{notebook.name}, code cell {number}"
            tree = _parse_cell(source, where)
            roots |= _imported(tree, None, False, package, package_dir, where)
        modules = module_closure(sorted(roots), package_dir, package)
        data = _data_files(modules, package_dir)
        scope = "imports"
    except DependencyError as why:
        files = _package_files(package_dir)
        modules = sorted(
            ".".join([package, *p.relative_to(package_dir).with_suffix("").parts]).removesuffix(".__init__")
            for p in files if p.suffix == ".py"
        )
        data = [p for p in files if p.suffix != ".py"]
        scope = f"whole package: {why}"
    return CodeDependencies(
        modules=tuple(modules),
        data=tuple(p.relative_to(package_dir).as_posix() for p in data),
        scope=scope,
    )


def package_fingerprint(dependencies: CodeDependencies | None = None) -> str:
    """A hash of the package's source, templates and tables a report depends on (all of them
    when `dependencies` is None)."""
    files = _package_files(PACKAGE_DIR)
    if dependencies is not None:
        chosen = [_module_file(m, PACKAGE_DIR) for m in dependencies.modules]
        chosen += [PACKAGE_DIR / d for d in dependencies.data]
        if all(path is not None and path.is_file() for path in chosen):  # else: edited meanwhile
            files = sorted(chosen)
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(PACKAGE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_fingerprint(folders: Sequence[Path] = (SCENARIO_DIR, CLAIMS_DIR, GRID_DIR)) -> str:
    """A hash of the project's own input files (scenarios, claims, grids) that notebooks read by
    name: editing one must rerun the reports, like a change of the record."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(Path(folder).parent)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Writing safely (files: analysis.io.atomic_write_text)


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock (flock) held for the block; another run waits for it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _write_status(job: ReportJob, status: str, message: str = "", **extra: Any) -> None:
    record = {"notebook": job.name, "set": job.set_name, "status": status, "message": message,
              "at": _now(), **extra}
    atomic_write_text(job.path(".status.json"), json.dumps(record, indent=2))


# --------------------------------------------------------------------------------------------
# Running one report (in a worker process)


def _describe_data(job: ReportJob) -> dict[str, Any]:
    if not (job.uses_record or job.needs_record) or not job.record:
        return {}
    data = {"record": file_provenance(Path(job.record))}
    if job.catalogue:
        data["catalogue"] = file_provenance(Path(job.catalogue))
    return data


def _data_line(data: Mapping[str, Any]) -> str:
    parts = []
    for role, info in data.items():
        if info:
            version = f" version {info['version']}" if info.get("version") else ""
            parts.append(f"{role}: {info['file']}{version} sha256 {info['sha256'][:12]}")
    return "; ".join(parts) or "no data file"


def _shown_parameters(parameters: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters for display: a record path shows only its file name (no machine paths)."""
    return {k: (Path(v).name if k == "record" and v else v) for k, v in parameters.items()}


def export_html(notebook: Any, job: ReportJob, show_code: bool, provenance: Mapping[str, Any],
                failed: str = "") -> str:
    """Self-contained HTML of an executed notebook with the project's template."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR)],
        template_name="airdef",
        exclude_input=not show_code,
        exclude_input_prompt=not show_code,
        exclude_output_prompt=not show_code,
    )
    stem = job.set_name + (".failed" if failed else "")
    other = f"{stem}.html" if show_code else f"{stem}.code.html"
    code = provenance.get("code", {})
    resources = {
        "metadata": {"name": f"{job.name} / {job.set_name}"},
        "airdef": {
            "notebook": job.name,
            "set": job.set_name,
            "parameters": json.dumps(_shown_parameters(provenance.get("parameters", {}))),
            "data": _data_line(provenance.get("data", {})),
            "code": f"{code.get('package')} {code.get('version')} commit {code.get('git_commit')}",
            "run_at": provenance.get("run_at", ""),
            "code_variant": other,
            "code_variant_label": "hide code" if show_code else "show code",
            "failed": failed,
        },
    }
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    return body


def _failed_cell(error: Exception, executed: Any, source_path: str) -> str:
    """'cell 4 (In [3]: its first line): ValueError: ...', counting cells of the source notebook."""
    import nbformat

    where = "a cell"
    failing = next(
        (cell for cell in executed.cells
         if any(o.get("output_type") == "error" for o in cell.get("outputs", []))),
        None,
    ) if executed is not None else None
    if failing is not None:
        source_cells = nbformat.read(source_path, as_version=4).cells
        ids = [cell.get("id") for cell in source_cells]
        position = ids.index(failing.get("id")) + 1 if failing.get("id") in ids else None
        lines = failing.source.strip().splitlines()
        first = lines[0][:60] if lines else ""
        count = failing.get("execution_count")
        label = f"cell {position}" if position else "the injected parameters cell"
        where = f"{label} (In [{count}]: {first})"
    ename = getattr(error, "ename", type(error).__name__)
    evalue = str(getattr(error, "evalue", error)).strip().splitlines()
    return f"{where}: {ename}: {evalue[-1] if evalue else ''}"


def run_job(job: ReportJob, force: bool = False) -> JobResult:
    """Execute one report and write its files; never raises for a notebook's own failure."""
    started = time.perf_counter()
    with file_lock(job.report_dir / f".{job.set_name}.lock"):
        # Another run may have produced this very report while we waited for the lock.
        if not force and is_fresh(job):
            return JobResult(job.name, job.set_name, "cached")
        try:
            return _execute(job, started)
        except AnalysisError as error:
            _write_status(job, "failed", str(error))
            return JobResult(job.name, job.set_name, "failed", str(error),
                             time.perf_counter() - started)


def _execute(job: ReportJob, started: float) -> JobResult:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from analysis.summary import extract_summary

    if job.record:
        os.environ[RECORD_ENV] = job.record
    run_at = _now()
    provenance = {
        "parameters": _shown_parameters(job.parameters),
        "data": _describe_data(job),
        "code": code_version(),
        "run_at": run_at,
    }
    job.report_dir.mkdir(parents=True, exist_ok=True)
    handle, running = tempfile.mkstemp(dir=job.report_dir, prefix=f".{job.set_name}.", suffix=".running.ipynb")
    os.close(handle)
    running_path = Path(running)
    os.chmod(running_path, 0o644)  # it becomes the shared executed notebook
    failure = ""
    try:
        try:
            papermill.execute_notebook(
                job.notebook,
                str(running_path),
                parameters=dict(job.injected),
                kernel_name="python3",
                progress_bar=False,
                request_save_on_cell_execute=False,
                execution_timeout=EXECUTION_TIMEOUT_S,
                # The kernel's warning about TCP on loopback is noise in the progress display.
                extra_arguments=["--IPKernelApp.log_level=ERROR"],
                # The work is done and saved: stop the kernel at once, without the interrupt and
                # wait of a graceful shutdown.
                shutdown_kernel="immediate",
                cwd=str(Path(job.notebook).parent),
            )
        except PapermillExecutionError as error:
            failure = _failed_cell(error, nbformat.read(running_path, as_version=4), job.notebook)
        except Exception as error:  # a kernel that dies or never starts is a failed report too
            failure = f"the notebook could not run: {type(error).__name__}: {error}"
        executed = None
        if running_path.stat().st_size:
            executed = nbformat.read(running_path, as_version=4)
        summary = extract_summary(executed) if executed is not None and not failure else None
        if not failure and summary is None:
            failure = "the notebook displayed no Summary (its last cell should display one)"
        seconds = round(time.perf_counter() - started, 2)
        if failure:
            message = f"{job.name}/{job.set_name}: {failure}"
            if executed is not None:
                nbformat.write(executed, str(running_path))
                os.replace(running_path, job.path(".failed.ipynb"))
                atomic_write_text(job.path(".failed.html"),
                                  export_html(executed, job, True, provenance, failed=failure))
            _write_status(job, "failed", message, seconds=seconds,
                          failed_notebook=job.path(".failed.ipynb").name)
            return JobResult(job.name, job.set_name, "failed", message, seconds)

        summary["report"] = {
            "notebook": job.name,
            "set": job.set_name,
            "cache_key": job.cache_key,
            "seconds": seconds,
            "html": job.path(".html").name,
            "html_with_code": job.path(".code.html").name,
            "executed_notebook": job.path(".ipynb").name,
            **provenance,
        }
        if job.code is not None:  # what the figures depend on, as far as the cache key knows
            summary["report"].update(code_scope=job.code.scope, code_modules=list(job.code.modules),
                                     code_data=list(job.code.data))
        hidden = export_html(executed, job, False, provenance)
        shown = export_html(executed, job, True, provenance)
        # The summary goes last: it is what marks the report complete and fresh.
        os.replace(running_path, job.path(".ipynb"))
        atomic_write_text(job.path(".html"), hidden)
        atomic_write_text(job.path(".code.html"), shown)
        atomic_write_text(job.path(".summary.json"), json.dumps(summary, indent=2, default=str))
        for stale in (".failed.ipynb", ".failed.html"):
            job.path(stale).unlink(missing_ok=True)
        _write_status(job, "ok", seconds=seconds)
        return JobResult(job.name, job.set_name, "ok", "", seconds)
    finally:
        running_path.unlink(missing_ok=True)


def _worker_init() -> None:
    """Pay the imports once per worker process, not once per notebook."""
    from analysis.paths import keep_runtime_state_in_project

    keep_runtime_state_in_project()
    # Kernels import `analysis` from this checkout, even when another one is installed in the venv.
    path = os.environ.get("PYTHONPATH", "")
    if str(PROJECT_ROOT) not in path.split(os.pathsep):
        os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), path) if p)
    # Kernels fit many small models: one BLAS thread each is several times faster than threads
    # competing for the same cores, and reports already run in parallel processes.
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(variable, "1")
    # papermill warns about lines it cannot parse and names it does not know; the runner has
    # already checked every parameter against the notebook, more strictly.
    logging.getLogger("papermill").setLevel(logging.ERROR)
    import nbconvert  # noqa: F401
    import nbformat  # noqa: F401
    import papermill  # noqa: F401


# --------------------------------------------------------------------------------------------
# Planning and running a set of reports


@dataclass
class RunOutcome:
    results: list[JobResult] = field(default_factory=list)
    index_path: Path | None = None

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status == "failed"]

    @property
    def skipped(self) -> list[JobResult]:
        return [r for r in self.results if r.status == "skipped"]


def plan_jobs(
    notebooks: Sequence[str | Path],
    set_name: str | None,
    all_sets: bool,
    overrides: Sequence[str] = (),
    record: Path | None = None,
    output_dir: Path = REPORT_DIR,
) -> list[ReportJob]:
    """Check every notebook, set and override, and return the jobs (no kernel started)."""
    _IMPORTS_SEEN.clear()
    record_sha = sha256_of(record) if record else None
    catalogue = find_catalogue(record)
    catalogue_sha = sha256_of(catalogue) if catalogue else None
    inputs = inputs_fingerprint()
    jobs = []
    for notebook in notebooks:
        path = resolve_notebook(notebook)
        specs = notebook_parameters(path)
        metadata = notebook_metadata(path)
        sets = parameter_sets(path)
        # Only the package code this notebook imports (and the runner's) enters its key.
        code = code_dependencies(path)
        package = package_fingerprint(code)
        if set_name is not None:
            if set_name not in sets:
                raise ParameterError(
                    f"{path.stem}: no parameter set {set_name!r} in {path.with_suffix('.yaml').name} "
                    f"(it has: {', '.join(sets)})"
                )
            chosen = {set_name: sets[set_name]}
        elif all_sets:
            chosen = sets
        else:
            chosen = {"default": sets["default"]}
        extra = parse_overrides(path, overrides)
        uses_record = "record" in specs
        needs_record = bool(metadata.get("needs_record", False))
        for name, values in chosen.items():
            injected = {**values, **extra}
            label = name if not extra else f"{name}+{_override_label(extra)}"
            if uses_record and record and "record" not in extra:
                injected["record"] = str(record)
            parameters = {k: injected.get(k, spec.default) for k, spec in specs.items()}
            # The record enters the key by checksum, not by path: moving the file reruns nothing.
            keyed = {k: v for k, v in parameters.items() if k != "record"}
            data = ({"record": record_sha, "catalogue": catalogue_sha}
                    if (uses_record or needs_record) else {})
            data["inputs"] = inputs
            jobs.append(ReportJob(
                notebook=str(path), name=path.stem, set_name=label, parameters=parameters,
                injected=injected, needs_record=needs_record, uses_record=uses_record,
                output_dir=str(output_dir), record=str(record) if record else None,
                catalogue=str(catalogue) if catalogue else None,
                cache_key=cache_key(path, keyed, data, package), code=code,
            ))
    return jobs


class _Progress:
    """tqdm on a terminal; one line per report otherwise; only problems when CI=true."""

    def __init__(self, total: int, stream: Any = sys.stderr) -> None:
        self.stream = stream
        self.quiet = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
        self.bar = None
        if not self.quiet and total and hasattr(stream, "isatty") and stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="report", file=stream, dynamic_ncols=True)

    def started(self, names: Sequence[str]) -> None:
        if self.bar is not None:
            self.bar.set_description(", ".join(names)[:50])

    def done(self, result: JobResult) -> None:
        line = f"{result.status:>7}  {result.name}/{result.set_name}"
        if result.seconds:
            line += f"  ({result.seconds:.1f} s)"
        if result.message:
            line += f"\n         {result.message}"
        if self.bar is not None:
            self.bar.write(line, file=self.stream)
            self.bar.update(1)
        elif not self.quiet or result.status in {"failed", "skipped"}:
            print(line, file=self.stream, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run_reports(
    notebooks: Sequence[str | Path] | None = None,
    *,
    set_name: str | None = None,
    all_sets: bool = False,
    overrides: Sequence[str] = (),
    record: str | Path | None = None,
    fetch_if_missing: bool = False,
    jobs: int = 1,
    force: bool = False,
    output_dir: Path | str = REPORT_DIR,
    stream: Any = sys.stderr,
) -> RunOutcome:
    """Run reports (all numbered notebooks when `notebooks` is empty) and rebuild the index."""
    output_dir = Path(output_dir).resolve()
    chosen = list(notebooks) if notebooks else numbered_notebooks()
    if not chosen:
        raise AnalysisError(f"no notebooks to run ({NOTEBOOK_DIR.name}/{NOTEBOOK_GLOB} is empty)")
    record_path = find_record(record)
    fetch_problem = ""
    if record_path is None and fetch_if_missing:
        needing = [p for p in chosen if notebook_metadata(resolve_notebook(p)).get("needs_record")]
        if needing:
            print("no record found: trying `python -m analysis data fetch`", file=stream, flush=True)
            fetch_problem = fetch_record() or ""
            record_path = find_record(None)
            if record_path is None and not fetch_problem:
                fetch_problem = "data fetch reported success but no record was found"
    planned = plan_jobs(chosen, set_name, all_sets, overrides, record_path, output_dir)

    outcome = RunOutcome()
    to_run: list[ReportJob] = []
    progress = _Progress(len(planned), stream)
    missing_record_reason = "needs the public record, and none was found"
    if fetch_problem:
        missing_record_reason += f" ({_shorten(fetch_problem, 300)})"
    missing_record_reason += f"; {HOW_TO_GET_RECORD}"
    waiting = [job for job in planned if job.needs_record]
    if record_path is None and waiting:
        print(
            f"no record: {len(waiting)} of {len(planned)} reports need it and are skipped; the "
            f"others run.\n  why: {_shorten(fetch_problem, 300) or 'no record was found'}"
            f"\n  to fix: {HOW_TO_GET_RECORD}",
            file=stream, flush=True,
        )
    for job in planned:
        if job.needs_record and record_path is None:
            _write_status(job, "skipped", missing_record_reason)
            result = JobResult(job.name, job.set_name, "skipped", "needs the record (see above)")
            outcome.results.append(result)
            progress.done(result)
        elif not force and is_fresh(job):
            _write_status(job, "ok", "unchanged: not rerun")
            result = JobResult(job.name, job.set_name, "cached")
            outcome.results.append(result)
            progress.done(result)
        else:
            to_run.append(job)

    workers = max(1, min(int(jobs), len(to_run)))
    try:
        if workers == 1:
            if to_run:
                _worker_init()
            for job in to_run:
                progress.started([f"{job.name}/{job.set_name}"])
                result = run_job(job, force)
                outcome.results.append(result)
                progress.done(result)
        else:
            import multiprocessing

            context = multiprocessing.get_context("spawn")  # no forked copies of locks or threads
            # A pool of `workers` long-lived processes: each pays its imports once and runs
            # its share of notebooks in turn (kernels are not started from threads).
            with ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_init) as pool:
                futures = {pool.submit(run_job, job, force): job for job in to_run}
                for future in as_completed(futures):
                    job = futures[future]
                    try:
                        result = future.result()
                    except Exception as error:  # a worker that died: report it, keep going
                        result = JobResult(job.name, job.set_name, "failed",
                                           f"{job.name}/{job.set_name}: worker failed: {error}")
                    outcome.results.append(result)
                    progress.done(result)
    finally:
        progress.close()
    outcome.index_path = write_index(output_dir)
    return outcome


# --------------------------------------------------------------------------------------------
# The index page


def _figure_rows(figures: Sequence[Mapping[str, Any]], limit: int = 8) -> str:
    rows = []
    for figure in figures[:limit]:
        value, unit, interval = format_figure(dict(figure))
        if interval and figure.get("interval"):
            interval += f" ({figure['interval']})"
        rows.append(
            f"<tr><td>{escape(str(figure.get('name', '')))}</td>"
            f"<td class='num'>{escape(value)} {escape(unit)}</td>"
            f"<td>{escape(interval)}</td></tr>"
        )
    more = len(figures) - limit
    if more > 0:
        rows.append(f"<tr><td colspan='3'><em>and {more} more in the report</em></td></tr>")
    return "<table class='figures'>" + "".join(rows) + "</table>"


def _report_card(directory: Path, set_name: str) -> tuple[str, str]:
    """(status, HTML) for one report in the index."""
    summary = _read_json(directory / f"{set_name}.summary.json")
    status = _read_json(directory / f"{set_name}.status.json") or {}
    state = status.get("status", "ok" if summary else "missing")
    notes = ""
    if state in {"failed", "skipped"}:
        label = "FAILED" if state == "failed" else "SKIPPED"
        link = ""
        if state == "failed" and (directory / f"{set_name}.failed.html").is_file():
            link = f" <a href='{directory.name}/{set_name}.failed.html'>failed run</a>"
        kept = " The previous good report is shown below." if summary else ""
        notes = (f"<p class='{state}'><strong>{label}</strong> {escape(status.get('at', ''))}: "
                 f"{escape(status.get('message', ''))}{link}{kept}</p>")
    if not summary:
        return state, (f"<section class='card'><h3>{escape(directory.name)} / {escape(set_name)}</h3>"
                       f"{notes}</section>")
    report = summary.get("report", {})
    thumb = ""
    if summary.get("thumbnail_png_base64"):
        try:
            base64.b64decode(summary["thumbnail_png_base64"], validate=True)
            thumb = (f"<img class='thumb' alt='main figure of {escape(directory.name)}' "
                     f"src='data:image/png;base64,{summary['thumbnail_png_base64']}'>")
        except ValueError:
            thumb = ""
    parameters = json.dumps(_shown_parameters(report.get("parameters", {})))
    code = report.get("code", {})
    html = (
        f"<section class='card'>"
        f"<h3><a href='{directory.name}/{set_name}.html'>{escape(summary.get('title') or directory.name)}</a>"
        f" <span class='set'>{escape(directory.name)} / {escape(set_name)}</span></h3>{notes}"
        f"<div class='body'>{thumb}<div>{_figure_rows(summary.get('figures', []))}"
        f"<dl><dt>parameters</dt><dd>{escape(parameters)}</dd>"
        f"<dt>data</dt><dd>{escape(_data_line(report.get('data', {})))}</dd>"
        f"<dt>code</dt><dd>{escape(str(code.get('version')))} commit {escape(str(code.get('git_commit')))}</dd>"
        f"<dt>run at</dt><dd>{escape(report.get('run_at', ''))} ({report.get('seconds', '?')} s)</dd></dl>"
        f"<p><a href='{directory.name}/{set_name}.html'>report</a> &middot; "
        f"<a href='{directory.name}/{set_name}.code.html'>with code</a> &middot; "
        f"<a href='{directory.name}/{set_name}.ipynb'>notebook</a> &middot; "
        f"<a href='{directory.name}/{set_name}.summary.json'>summary JSON</a></p>"
        f"</div></div></section>"
    )
    return state, html


INDEX_CSS = """
body { font-family: system-ui, sans-serif; max-width: 1150px; margin: 1.5em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #4C72B0; padding-bottom: 0.2em; margin-top: 1.5em; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 0.6em 1em; margin: 0.8em 0; }
.card h3 { margin: 0.2em 0 0.5em; font-size: 1.1em; } .set { color: #777; font-weight: normal; font-size: 0.85em; }
.body { display: flex; gap: 1.2em; align-items: flex-start; }
.body > div { flex: 1 1 0; min-width: 0; }
nav table { border-collapse: collapse; font-size: 0.92em; } nav td { padding: 0.15em 0.8em 0.15em 0; }
.thumb { width: 320px; flex: none; border: 1px solid #eee; }
table.figures { border-collapse: collapse; font-size: 0.92em; }
table.figures td { padding: 0.15em 0.6em; border-bottom: 1px solid #eee; } td.num { text-align: right; font-weight: 600; }
dl { display: grid; grid-template-columns: max-content auto; gap: 0.1em 0.8em; font-size: 0.82em; color: #555; }
dt { font-weight: 600; } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
.failed { color: #a00; } .skipped { color: #8a5a00; } a { color: #1f5fa8; }
"""


def write_index(output_dir: Path | str = REPORT_DIR) -> Path:
    """reports/index.html from every report on disk (so it also lists reports of earlier runs)."""
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    sections = []
    contents = []
    counts: dict[str, int] = {}
    with file_lock(output_dir / ".index.lock"):
        for directory in sorted(p for p in output_dir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            sets = sorted(
                {p.name.split(".")[0] for p in directory.glob("*.summary.json")}
                | {p.name.split(".")[0] for p in directory.glob("*.status.json")},
                key=lambda s: (s != "default", s),
            )
            cards = []
            for set_name in sets:
                state, html = _report_card(directory, set_name)
                counts[state] = counts.get(state, 0) + 1
                anchor = f"{directory.name}--{set_name}"
                cards.append(html.replace("<section class='card'>",
                                          f"<section class='card' id='{escape(anchor)}'>", 1))
                contents.append(
                    f"<tr><td><a href='#{escape(anchor)}'>{escape(directory.name)}</a></td>"
                    f"<td>{escape(set_name)}</td><td class='{state}'>{escape(state)}</td></tr>"
                )
            if cards:
                sections.append(f"<h2>{escape(directory.name)}</h2>" + "".join(cards))
        tally = ", ".join(f"{n} {state}" for state, n in sorted(counts.items()))
        page = (
            "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>airdef-analysis reports</title><style>{INDEX_CSS}</style></head><body>"
            "<h1>airdef-analysis reports</h1>"
            f"<p>Index written {escape(_now())}: {escape(tally or 'no reports yet')}. Every report opens "
            "offline; figures carry their intervals; each lists the parameters, data checksum and code "
            "version it was made with.</p>"
            + (f"<nav><table>{''.join(contents)}</table></nav>" if contents else "")
            + ("".join(sections) or "<p>No reports yet: run <code>make reports</code>.</p>")
            + "</body></html>"
        )
        index = output_dir / "index.html"
        atomic_write_text(index, page)
    return index


def result_table(results: Sequence[JobResult]) -> dict[str, int]:
    """How many reports ended in each state."""
    counts: dict[str, int] = {}
    for result in results:
        counts[result.status] = counts.get(result.status, 0) + 1
    return counts


__all__ = [
    "CodeDependencies", "JobResult", "ReportJob", "RunOutcome", "cache_key", "code_dependencies",
    "export_html",
    "find_record", "is_fresh", "numbered_notebooks", "parameter_sets", "plan_jobs",
    "run_job", "run_reports", "write_index",
]
