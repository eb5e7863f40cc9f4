"""Input files (scenarios, claims, grids, experiments, parameter sets): bounded YAML, declared schemas.

Every YAML file the project reads goes through `load_yaml`, which refuses what could exhaust the
machine before building any Python object: files over `MAX_BYTES`, aliases (`*name`: an alias
bomb of a few hundred bytes expands to gigabytes), nesting deeper than `MAX_DEPTH`, more than
`MAX_NODES` values, numbers longer than `MAX_NUMBER_CHARS` characters (a 5,000-digit integer
would stop Python's int parser with a traceback) and a key given twice in one mapping (YAML lets
the last one win in silence; here both lines are named). Numbers are read as YAML 1.2 reads them
(`1e20` and `4.0e6` are numbers, not text), so that a quoted "365" can stay text and be refused
where a number belongs. It keeps the line of every key, so that `parse_model` can report a failed
pydantic validation as `file, line N: key.path: value: what is wrong`, and code then works on the
validated model, not on raw dictionaries.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from analysis.errors import AnalysisError

MAX_BYTES = 1_000_000  # the shipped inputs are a few kilobytes
MAX_DEPTH = 32
MAX_NODES = 100_000
MAX_PROBLEMS = 5  # problems listed in one error; the rest are counted
SHOWN_VALUE_CHARS = 60
MAX_NUMBER_CHARS = 60  # the longest number any input needs (a 128-bit seed) has 39 digits

Model = TypeVar("Model", bound=BaseModel)


class InputError(AnalysisError):
    """An input file that cannot be read or does not fit its schema."""


class InputModel(BaseModel):
    """Base of every input schema: unknown keys are refused, values are not coerced across types
    (strict: a quoted "365" is text, not a number; 1 is not true)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class InputLoader(yaml.SafeLoader):
    """PyYAML's safe loader, reading numbers as YAML 1.2 does: `1e20`, `4.0e6` and `-2E-3` are
    floats (YAML 1.1 wants a dot and a signed exponent, and reads them as text)."""


_NUMBER_FIRST = list("-+0123456789.")
_FLOAT_12 = re.compile(r"^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)$")
InputLoader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12, _NUMBER_FIRST)


@dataclass(frozen=True)
class YamlDocument:
    """A YAML file's data and the line (1-based) of each key path, e.g. ("layers", 0, "shots")."""

    data: Any
    source: str  # how errors name the file
    lines: Mapping[tuple, int] = field(default_factory=dict)

    def line_of(self, keys: tuple) -> int | None:
        """The line of `keys`, or of the nearest enclosing key that has one."""
        for depth in range(len(keys), -1, -1):
            if keys[:depth] in self.lines:
                return self.lines[keys[:depth]]
        return None

    def where(self, keys: tuple = ()) -> str:
        """'file, line N: a.b.c' (as much of it as is known)."""
        line = self.line_of(keys)
        place = self.source + (f", line {line}" if line else "")
        dotted = ".".join(str(k) for k in keys)
        return f"{place}: {dotted}" if dotted else place

    def fail(self, keys: tuple, message: str, error: type[AnalysisError] = InputError) -> AnalysisError:
        """An error naming file, line and key."""
        return error(f"{self.where(keys)}: {message}")


def shown(value: Any, limit: int = SHOWN_VALUE_CHARS) -> str:
    """A value as an error message quotes it: repr, cut short (never a whole file)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_events(text: str, source: str, error: type[AnalysisError]) -> None:
    """Refuse aliases, deep nesting, huge documents and overlong numbers while parsing events,
    before any object is built (the event parser is iterative: no recursion, no expansion)."""
    depth = nodes = 0
    resolver = InputLoader("")
    for event in yaml.parse(text, Loader=InputLoader):
        line = event.start_mark.line + 1
        if (isinstance(event, yaml.ScalarEvent) and event.implicit[0]
                and len(event.value) > MAX_NUMBER_CHARS
                and resolver.resolve(yaml.ScalarNode, event.value, (True, False))
                in {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}):
            raise error(f"{source}, line {line}: a number of {len(event.value):,} characters, beyond "
                        f"any input's range (at most {MAX_NUMBER_CHARS})")
        if isinstance(event, yaml.AliasEvent):
            raise error(f"{source}, line {line}: YAML aliases (*{event.anchor}) are not allowed "
                        "in input files; write the value out")
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise error(f"{source}, line {line}: nested more than {MAX_DEPTH} levels deep")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
        if isinstance(event, yaml.NodeEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise error(f"{source}, line {line}: more than {MAX_NODES:,} values")


def _node_lines(root: yaml.Node | None, source: str = "<input>",
                error: type[AnalysisError] = AnalysisError) -> dict[tuple, int]:
    """Line (1-based) of every mapping key and sequence item of a composed document; a key given
    twice in one mapping is an error naming both lines."""
    lines: dict[tuple, int] = {}
    stack: list[tuple[yaml.Node, tuple]] = [(root, ())] if root is not None else []
    while stack:
        node, keys = stack.pop()
        lines.setdefault(keys, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: dict[tuple[str, str], int] = {}
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                identity = (key_node.tag, str(key_node.value))
                if identity in seen:
                    dotted = ".".join(str(k) for k in (*keys, key_node.value))
                    raise error(f"{source}, lines {seen[identity]} and {line}: {shown(dotted)} is "
                                "given twice (YAML would keep the last in silence); keep one")
                seen[identity] = line
                sub = (*keys, key_node.value)
                lines[sub] = key_node.start_mark.line + 1
                stack.append((value_node, sub))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*keys, index)))
    return lines


def parse_yaml_text(text: str, source: str, error: type[AnalysisError] = InputError) -> YamlDocument:
    """`load_yaml` for text already in memory (a `--set` value, a test)."""
    if len(text.encode("utf-8", errors="replace")) > MAX_BYTES:
        raise error(f"{source}: larger than {MAX_BYTES:,} bytes; input files are small")
    try:
        _check_events(text, source, error)
        root = yaml.compose(text, Loader=InputLoader)
        lines = _node_lines(root, source, error)
        data = yaml.load(text, Loader=InputLoader)  # noqa: S506 - InputLoader is a SafeLoader
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None) or getattr(problem, "context_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        what = getattr(problem, "problem", None) or "not valid YAML"
        raise error(f"{source}{line}: not valid YAML ({what})") from None
    except RecursionError:
        raise error(f"{source}: nested too deeply to read") from None
    except (ValueError, OverflowError) as problem:  # a value PyYAML's constructors cannot build
        raise error(f"{source}: a value cannot be read ({str(problem).splitlines()[0][:120]})") from None
    return YamlDocument(data=data, source=source, lines=lines)


def load_yaml(path: str | os.PathLike[str], what: str = "input file",
              error: type[AnalysisError] = InputError, source: str | None = None) -> YamlDocument:
    """Read a YAML input file within the bounds above; every failure is one `error` naming it.

    `source` is how messages name the file (default: the path as given)."""
    path = Path(path)
    source = source or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise error(f"{source}: {what} not found") from None
    except OSError as problem:
        raise error(f"{source}: cannot read the {what} ({problem.strerror})") from None
    if not path.is_file():
        raise error(f"{source}: the {what} is not a file")
    if size > MAX_BYTES:
        raise error(f"{source}: the {what} is {size:,} bytes, over the limit of {MAX_BYTES:,}")
    try:
        raw = path.read_bytes()
    except OSError as problem:
        raise error(f"{source}: cannot read the {what} ({problem.strerror})") from None
    if b"\x00" in raw:
        raise error(f"{source}: the {what} is not a text file (it holds binary data)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as problem:
        line = raw[: problem.start].count(b"\n") + 1
        raise error(f"{source}, line {line}: the {what} is not UTF-8 text "
                    f"(byte {problem.start} cannot be decoded)") from None
    if not text.strip():
        raise error(f"{source}: the {what} is empty")
    return parse_yaml_text(text, source, error)


def _describe(problem: Mapping[str, Any]) -> str:
    kind = problem.get("type", "")
    message = str(problem.get("msg", "invalid"))
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing"
    if kind in {"value_error", "assertion_error"} and "error" in problem.get("ctx", {}):
        message = str(problem["ctx"]["error"])  # a validator's own words, without pydantic's prefix
    return message[0].lower() + message[1:] if message else "invalid"


def validation_messages(problem: ValidationError, document: YamlDocument,
                        base: tuple = ()) -> list[str]:
    """One 'file, line N: key: value: what is wrong' per pydantic error."""
    messages = []
    for item in problem.errors():
        keys = (*base, *(k for k in item.get("loc", ()) if not _is_union_tag(k)))
        where = document.where(keys)
        if item.get("type") in {"missing", "extra_forbidden"}:
            messages.append(f"{where}: {_describe(item)}")
        else:
            messages.append(f"{where}: {shown(item.get('input'))}: {_describe(item)}")
    return messages


def _is_union_tag(key: Any) -> bool:
    """pydantic names the member of a union it tried ('function-after[...]', 'int'): not a key."""
    return isinstance(key, str) and ("[" in key or key in {"int", "float", "str", "bool"})


def kind_of(model: type[BaseModel]) -> str:
    """How messages name a file of `model`: ScenarioFile -> 'scenario file'."""
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()
    return words if words.endswith("file") else f"{words} section"


def _article(noun: str) -> str:
    return ("an " if noun[:1] in "aeiou" else "a ") + noun


def wrong_kind(model: type[BaseModel], data: Any, document: YamlDocument, keys: tuple = (),
               error: type[AnalysisError] = InputError) -> None:
    """Refuse a file that is not of the expected kind at all (a `.env`, a CSV, another tool's
    YAML), naming the file and the line but quoting nothing of it: errors reach shared pages,
    and a wrong file may hold secrets. A file of the right kind with mistakes gets the usual
    messages, which quote the key and value at fault."""
    if keys:
        return
    expected = ", ".join(list(model.model_fields)[:6]) + (", ..." if len(model.model_fields) > 6 else "")
    where = document.where(())
    if not isinstance(data, Mapping):
        held = ("a list" if isinstance(data, list) else "a single value" if data is not None else "nothing")
        raise error(f"{where}: not {_article(kind_of(model))}: it holds {held}, not a mapping of keys "
                    f"(expected keys such as {expected})")
    if data and not any(str(key) in model.model_fields for key in data):
        raise error(f"{where}: not {_article(kind_of(model))}: none of its {len(data)} top-level key(s) is "
                    f"one (expected keys such as {expected})")


def parse_model(model: type[Model], document: YamlDocument, keys: tuple = (),
                error: type[AnalysisError] = InputError, context: Mapping[str, Any] | None = None) -> Model:
    """Validate `document.data` (or the part of it at `keys`) against `model`; on failure one
    `error` listing up to MAX_PROBLEMS problems, each with file, line, key and value."""
    data: Any = document.data
    for key in keys:
        data = data[key]
    wrong_kind(model, data, document, keys, error)
    try:
        return model.model_validate(data, context=dict(context or {}))
    except ValidationError as problem:
        messages = validation_messages(problem, document, keys)
        more = len(messages) - MAX_PROBLEMS
        text = "\n".join(messages[:MAX_PROBLEMS]) + (f"\n(and {more} more)" if more > 0 else "")
        raise error(text) from None
