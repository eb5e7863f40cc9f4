"""Which package code a report depends on: the modules a notebook imports, traced with `ast`.

The cache key of a report holds only the package files its notebook imports (followed through
their own imports, with the runner's) and the package data they name. Whatever the analysis
cannot follow (a cell that does not parse, a dynamic import, a magic that runs other code) makes
it answer with the whole package: never a stale report.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.paths import CLAIMS_DIR, DATA_DIR, GRID_DIR, PROJECT_ROOT, SCENARIO_DIR
from analysis.provenance import sha256_of

EXPERIMENT_DIR = DATA_DIR / "experiments"
SOURCES_FILE = DATA_DIR / "sources.yaml"
# Folders of the project's own inputs, searched for a bare name given as a parameter.
INPUT_DIRS = (SCENARIO_DIR, CLAIMS_DIR, EXPERIMENT_DIR, GRID_DIR)
MAX_INPUT_FILES = 64  # files one report's parameters may name (a list of scenarios, say)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
RUNNER_MODULE = "analysis.reporting.runner"  # the runner shapes every report (summary, HTML), so it counts
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

    modules: tuple[str, ...]  # dotted names, e.g. "analysis.reporting.summary"
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


def clear_import_cache() -> None:
    """Forget the parsed imports: files may come and go between two plans."""
    _IMPORTS_SEEN.clear()


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


def inputs_fingerprint(folders: Sequence[Path] | None = None, files: Sequence[Path] | None = None) -> str:
    """A hash of the project's own input files (scenarios, claims, experiments, grids, the
    sources: `INPUT_DIRS` and `SOURCES_FILE`) that notebooks read by name: editing one must
    rerun the reports, like a change of the record."""
    folders = INPUT_DIRS if folders is None else folders
    files = (SOURCES_FILE,) if files is None else files
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(p for p in Path(folder).rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(Path(folder).parent)).encode())
            digest.update(path.read_bytes())
    for path in files:
        if Path(path).is_file():
            digest.update(Path(path).name.encode())
            digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def _candidates(token: str, folders: Sequence[Path]) -> list[Path]:
    path = Path(token).expanduser()
    if path.is_absolute():
        return [path]
    found = [Path.cwd() / path, *(folder / path for folder in folders), PROJECT_ROOT / path]
    found += [folder / f"{token}.yaml" for folder in INPUT_DIRS]
    return found


def _resolve_input(token: str, folders: Sequence[Path]) -> Path | None:
    """The file a parameter value names, as the notebooks' resolvers would find it (the path as
    given, from the runner's or the kernel's folder, or a bare name in data/...); None: no file."""
    token = token.strip()
    if not token or len(token) > 4096 or "\x00" in token:
        return None
    for candidate in _candidates(token, folders):
        try:
            if candidate.is_file():
                return candidate.resolve()
        except OSError:  # a name too long, a loop: not a file the notebook could read either
            continue
    return None


def _referenced_scenario(path: Path) -> Path | None:
    """The scenario an experiment or grid file names (`scenario:`), found beside it first."""
    if path.suffix not in {".yaml", ".yml"}:
        return None
    try:
        from analysis.inputs import load_yaml

        data = load_yaml(path).data
    except Exception:  # noqa: BLE001 - a file the notebook will refuse itself; its bytes are keyed
        return None
    name = data.get("scenario") if isinstance(data, dict) else None
    if not isinstance(name, str):
        return None
    return _resolve_input(name, (path.parent, SCENARIO_DIR))


def input_file_digests(parameters: dict[str, object], notebook_dir: Path) -> dict[str, list[str]]:
    """For each parameter whose value names files (a claims file, a scenario or a list of them,
    an experiment, a grid), the sha256 of each, and of the scenario an experiment or grid file
    names: the report's key follows their content wherever they live (a file edited in place
    reruns the report; one moved does not). The record is keyed apart, by its checksum."""
    digests: dict[str, list[str]] = {}
    count = 0
    for name, value in sorted(parameters.items()):
        if name == "record" or not isinstance(value, str):
            continue
        found: list[str] = []
        for token in value.split(","):
            path = _resolve_input(token, (notebook_dir,))
            while path is not None and count < MAX_INPUT_FILES:
                found.append(sha256_of(path))
                count += 1
                path = _referenced_scenario(path)
        if found:
            digests[name] = found
    return digests
