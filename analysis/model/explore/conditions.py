"""Failure conditions: comparisons of outcomes with numbers, read by a small parser (never `eval`).

Grammar (`and` binds tighter than `or`; no parentheses, no functions, no names but outcomes)::

    condition  := comparison { ("and" | "or") comparison }
    comparison := OUTCOME OP NUMBER | NUMBER OP OUTCOME
    OP         := "<" | "<=" | ">" | ">=" | "==" | "!="
    NUMBER     := a decimal number, optionally in e-notation or with "%" (74% is 0.74)
    OUTCOME    := a dotted path into simulate's JSON, e.g. days_to_depletion.pac3_mse.median

    "days_to_depletion.pac3_mse.median <= 180"
    "interception_rate.mean < 74% or leakers_per_day.mean > 40"

An experiment where an outcome is missing (NaN) does not meet a comparison on it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

MAX_LENGTH = 500  # characters of one condition
MAX_COMPARISONS = 20

_TOKEN = re.compile(
    r"\s*(?:(?P<op><=|>=|==|!=|<|>)"
    r"|(?P<number>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?)"
    r"|(?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*))"
)
_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}
_WORDS = {"<": "below", "<=": "at most", ">": "above", ">=": "at least", "==": "equal to",
          "!=": "other than"}


class ConditionError(ValueError):
    """A condition that cannot be read; the message says where and why."""


@dataclass(frozen=True)
class Comparison:
    outcome: str
    op: str
    value: float

    def text(self) -> str:
        return f"{self.outcome} {self.op} {self.value:g}"

    def words(self) -> str:
        return f"{self.outcome} {_WORDS[self.op]} {self.value:g}"


@dataclass(frozen=True)
class Condition:
    """`any` of groups, each group `all` of its comparisons."""

    groups: tuple[tuple[Comparison, ...], ...]
    source: str

    @property
    def outcomes(self) -> list[str]:
        """The outcomes the condition reads, in order of first use."""
        seen: dict[str, None] = {}
        for group in self.groups:
            for comparison in group:
                seen.setdefault(comparison.outcome, None)
        return list(seen)

    def evaluate(self, values: Mapping[str, np.ndarray]) -> np.ndarray:
        """Boolean array: which experiments meet the condition (NaN never meets a comparison)."""
        result = None
        for group in self.groups:
            meets = None
            for comparison in group:
                column = np.asarray(values[comparison.outcome], dtype=float)
                with np.errstate(invalid="ignore"):
                    hit = _compare(column, comparison.op, comparison.value) & ~np.isnan(column)
                meets = hit if meets is None else meets & hit
            result = meets if result is None else result | meets
        return np.asarray(result, dtype=bool)


def _compare(column: np.ndarray, op: str, value: float) -> np.ndarray:
    if op == "<":
        return column < value
    if op == "<=":
        return column <= value
    if op == ">":
        return column > value
    if op == ">=":
        return column >= value
    if op == "==":
        return column == value
    return column != value


def _number(text: str) -> float:
    value = float(text[:-1]) / 100.0 if text.endswith("%") else float(text)
    if not math.isfinite(value):
        raise ConditionError(f"{text!r} is not a finite number")
    return value


def _tokens(text: str) -> list[tuple[str, str, int]]:
    tokens = []
    position = 0
    stripped = text.rstrip()
    while position < len(stripped):
        match = _TOKEN.match(stripped, position)
        if match is None or match.end() == position:
            raise ConditionError(
                f"cannot read {stripped[position:position + 20].strip()!r} at character "
                f"{position + 1}: write OUTCOME OP NUMBER joined by and/or, e.g. "
                "'interception_rate.mean < 0.74'"
            )
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind), match.start(kind) + 1))
        position = match.end()
    return tokens


def parse_condition(text: str) -> Condition:
    """Read a condition (grammar in the module docstring); `ConditionError` says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("a condition is a text such as 'interception_rate.mean < 0.74'")
    if len(text) > MAX_LENGTH:
        raise ConditionError(f"longer than {MAX_LENGTH} characters")
    tokens = _tokens(text)
    groups: list[list[Comparison]] = [[]]
    index = 0
    while True:
        if len(tokens) - index < 3:
            raise ConditionError("a comparison needs OUTCOME OP NUMBER, e.g. 'interception_rate.mean < 0.74'")
        (k1, v1, p1), (k2, v2, p2), (k3, v3, p3) = tokens[index:index + 3]
        if k2 != "op":
            raise ConditionError(f"expected <, <=, >, >=, == or != at character {p2}, found {v2!r}")
        if k1 == "word" and k3 == "number":
            comparison = Comparison(v1, v2, _number(v3))
        elif k1 == "number" and k3 == "word":
            comparison = Comparison(v3, _FLIPPED[v2], _number(v1))
        else:
            raise ConditionError(
                f"compare an outcome with a number (character {p1}): {v1} {v2} {v3}")
        if comparison.outcome in {"and", "or"}:
            raise ConditionError(f"expected an outcome at character {p1 if k1 == 'word' else p3}")
        groups[-1].append(comparison)
        index += 3
        if sum(len(g) for g in groups) > MAX_COMPARISONS:
            raise ConditionError(f"more than {MAX_COMPARISONS} comparisons")
        if index == len(tokens):
            break
        kind, word, position = tokens[index]
        if kind != "word" or word not in {"and", "or"}:
            raise ConditionError(f"expected 'and' or 'or' at character {position}, found {word!r}")
        if word == "or":
            groups.append([])
        index += 1
    return Condition(tuple(tuple(g) for g in groups), text.strip())
