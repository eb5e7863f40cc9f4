"""Notebook parameters: the typed `parameters` cell as papermill reads it, and values checked against it.

A parameters cell holds one annotated assignment per line, with its help in a comment::

    record: str = ""  # record file; empty: $AIRDEF_RECORD, then the fetched copy
    runs: int = 2000  # Monte Carlo runs, in [100, 1000000]
    convention: str = "neutralised"  # what counts as an interception, one of {neutralised, destroyed}

The cell is read by papermill's own parser (`papermill --help-notebook` lists the same names,
types and help), then checked more strictly: every assignment must be one papermill sees, the
annotation is one of int, float, str, bool and matches the literal, `in [low, high]` in the help
bounds a number (either side may be empty), `one of {a, b}` lists the allowed strings. No `=` in
the help: papermill cannot parse such a line. The same checks run inside the notebook (its
validation cell) and in the report runner before any kernel starts, so a bad value is one clear
`ParameterError` naming the notebook and the parameter.
"""

from __future__ import annotations

import ast
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from analysis.errors import ParameterError
from analysis.paths import NOTEBOOK_DIR

TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
_BOUNDS = re.compile(r"\bin \[(?P<low>[^,\]]*),(?P<high>[^\]]*)\]")
_CHOICES = re.compile(r"\bone of \{(?P<choices>[^}]*)\}")
_RULES = re.compile(r",?\s*(?:\bin \[[^\]]*\]|\bone of \{[^}]*\})")
FORMAT = "'name: type = literal  # help'"


@dataclass(frozen=True)
class ParameterSpec:
    """One declared parameter: its type, default and the values it accepts."""

    name: str
    type: type
    default: Any
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] | None = None
    description: str = ""

    def describe(self) -> str:
        """The accepted values in words, for error messages and `--help`-like listings."""
        if self.choices:
            return "one of " + ", ".join(self.choices)
        kind = self.type.__name__
        if self.low is not None and self.high is not None:
            return f"{kind} in [{_fmt(self.low)}, {_fmt(self.high)}]"
        if self.low is not None:
            return f"{kind} >= {_fmt(self.low)}"
        if self.high is not None:
            return f"{kind} <= {_fmt(self.high)}"
        return kind


def _fmt(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _bound(text: str, where: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        raise ParameterError(f"{where}: bound {text!r} is not a number") from None
    return None if math.isinf(value) else value


def papermill_parameters(source: str) -> dict[str, Any]:
    """What papermill itself reads from a parameters cell: name -> papermill's Parameter."""
    import logging

    from papermill.translators import PythonTranslator

    logger = logging.getLogger("papermill.translators")
    unparsed: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            unparsed.append(record.getMessage())

    handler = _Collect(logging.WARNING)
    logger.addHandler(handler)
    try:
        found = PythonTranslator.inspect({"source": source})
    finally:
        logger.removeHandler(handler)
    if unparsed:
        raise ValueError(unparsed[0])
    return {parameter.name: parameter for parameter in found}


def parse_parameters_cell(source: str, notebook: str = "notebook") -> dict[str, ParameterSpec]:
    """Every parameter declared in a parameters cell, in order. Raises ParameterError on bad lines."""
    try:
        tree = ast.parse(source)
    except SyntaxError as error:
        raise ParameterError(
            f"{notebook}: parameters cell, line {error.lineno}: not valid Python ({error.msg})"
        ) from None
    try:
        seen = papermill_parameters(source)
    except ValueError as why:
        raise ParameterError(f"{notebook}: parameters cell: papermill cannot read it ({why}); "
                             f"write {FORMAT} with no '=' in the help") from None
    specs: dict[str, ParameterSpec] = {}
    for node in tree.body:
        where = f"{notebook}: parameters cell, line {node.lineno}"
        if not (isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
                and node.value is not None):
            raise ParameterError(f"{where}: expected one {FORMAT}")
        name = node.target.id
        annotation = node.annotation.id if isinstance(node.annotation, ast.Name) else ""
        if annotation not in TYPES:
            raise ParameterError(f"{where}: {name}: the type must be int, float, str or bool")
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(f"{where}: {name} must be a literal value") from None
        kind = TYPES[annotation]
        if type(default) not in TYPES.values():
            raise ParameterError(
                f"{where}: {name} = {default!r} is a {type(default).__name__}; "
                "parameters are int, float, str or bool literals"
            )
        if type(default) is not kind and not (kind is float and type(default) is int):
            raise ParameterError(
                f"{where}: {name} is declared {annotation} but its default {default!r} is a "
                f"{type(default).__name__}"
            )
        if kind is float:
            default = float(default)
        if name not in seen or seen[name].inferred_type_name != annotation:
            raise ParameterError(f"{where}: papermill does not read {name} as a {annotation}; "
                                 f"write {FORMAT} on one line, with no '=' in the help")
        help_text = seen[name].help.strip()
        if not help_text:
            raise ParameterError(f"{where}: {name} needs its help in a comment: {FORMAT}")
        low = high = None
        if bounds := _BOUNDS.search(help_text):
            if kind not in (int, float):
                raise ParameterError(f"{where}: {name}: 'in [low, high]' bounds only numbers")
            low, high = _bound(bounds["low"], where), _bound(bounds["high"], where)
        choices = None
        if listed := _CHOICES.search(help_text):
            if kind is not str:
                raise ParameterError(f"{where}: {name}: 'one of {{a, b}}' lists only strings")
            choices = tuple(c.strip().strip("\"'") for c in listed["choices"].split(",") if c.strip())
        if name in specs:
            raise ParameterError(f"{where}: {name} is declared twice")
        description = _RULES.sub("", help_text).strip(" ,;")
        spec = ParameterSpec(name, kind, default, low, high, choices, description)
        check_value(spec, default, f"{notebook}: parameters cell default")
        specs[name] = spec
    return specs


def check_value(spec: ParameterSpec, value: Any, where: str = "notebook") -> Any:
    """`value` as the parameter's type, or ParameterError naming `where` and the parameter."""
    problem = f"{where}: parameter {spec.name} = {value!r}"
    if spec.type is bool:
        if not isinstance(value, bool):
            raise ParameterError(f"{problem} must be true or false")
    elif spec.type is int:
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        ):
            raise ParameterError(f"{problem} must be a whole number ({spec.describe()})")
        value = int(value)
    elif spec.type is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ParameterError(f"{problem} must be a number ({spec.describe()})")
        value = float(value)
        if not math.isfinite(value):
            raise ParameterError(f"{problem} must be finite")
    elif not isinstance(value, str):
        raise ParameterError(f"{problem} must be a string ({spec.describe()})")
    if spec.choices is not None and value not in spec.choices:
        raise ParameterError(f"{problem} is not allowed: {spec.describe()}")
    if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
        raise ParameterError(f"{problem} is out of range: {spec.describe()}")
    return value


def parse_value(spec: ParameterSpec, text: str, where: str = "notebook") -> Any:
    """A command-line value (`-p NAME=VALUE`) as the parameter's type, then checked."""
    value: Any = text
    if spec.type is bool:
        lowered = text.strip().lower()
        if lowered in {"true", "yes", "1", "on"}:
            value = True
        elif lowered in {"false", "no", "0", "off"}:
            value = False
    elif spec.type in (int, float):
        try:
            value = float(text) if spec.type is float else int(text.replace("_", ""))
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise ParameterError(
                    f"{where}: parameter {spec.name} = {text!r} is not a number ({spec.describe()})"
                ) from None
    return check_value(spec, value, where)


def resolve_notebook(notebook: str | Path) -> Path:
    """A notebook given by name ('01-explore-strike-record'), file name or path."""
    path = Path(notebook)
    if path.suffix != ".ipynb":
        path = path.with_name(path.name + ".ipynb")
    if path.is_file():
        return path.resolve()
    in_project = NOTEBOOK_DIR / path.name
    if in_project.is_file():
        return in_project
    raise ParameterError(f"notebook {notebook} not found (looked in {NOTEBOOK_DIR.name}/)")


def parameters_source(notebook_json: Mapping[str, Any]) -> str | None:
    """The source of the cell tagged `parameters` (None when there is none)."""
    for cell in notebook_json.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            return "".join(source) if isinstance(source, list) else source
    return None


@lru_cache(maxsize=64)
def _cached_parameters(path: str, mtime_ns: int, size: int) -> dict[str, ParameterSpec]:
    name = Path(path).stem
    try:
        notebook_json = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ParameterError(f"{name}: cannot read the notebook ({error})") from None
    source = parameters_source(notebook_json)
    if source is None:
        return {}
    return parse_parameters_cell(source, name)


def notebook_parameters(notebook: str | Path) -> dict[str, ParameterSpec]:
    """The parameters a notebook declares in its cell tagged `parameters` ({} when untagged)."""
    path = resolve_notebook(notebook)
    stat = path.stat()
    return dict(_cached_parameters(str(path), stat.st_mtime_ns, stat.st_size))


def validate_overrides(
    notebook: str | Path, values: Mapping[str, Any], origin: str = ""
) -> dict[str, Any]:
    """Check override values strictly: an unknown name is an error (papermill only warns)."""
    path = resolve_notebook(notebook)
    specs = notebook_parameters(path)
    where = path.stem + (f" ({origin})" if origin else "")
    unknown = sorted(set(values) - set(specs))
    if unknown:
        known = ", ".join(specs) or "none"
        raise ParameterError(
            f"{where}: unknown parameter {', '.join(unknown)} (the notebook declares: {known})"
        )
    return {name: check_value(specs[name], value, where) for name, value in values.items()}


def check_parameters(notebook: str | Path, values: Mapping[str, Any]) -> dict[str, Any]:
    """Check the declared parameters found in `values` (which may be `globals()`).

    Returns every declared parameter with its checked value (the default where `values` lacks it),
    in declaration order: the clean dict a report records as its provenance.
    """
    path = resolve_notebook(notebook)
    specs = notebook_parameters(path)
    return {
        name: check_value(spec, values.get(name, spec.default), path.stem)
        for name, spec in specs.items()
    }
