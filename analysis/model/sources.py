"""The project's sources file (`data/sources.yaml`): where every default figure comes from.

Each entry: figure, value, unit, publisher, title, date, link (empty only for this project's own
labelled assumptions) and a note, in the project's own words; `values` holds the figures as
numbers where a scenario default is computed from them (analysis.model.attacker_costs). Scenario and grid files cite
entries by key in square brackets in the comment beside a figure (`# [pac3-unit-cost]`);
`citations` finds them and `uncited_figures` lists the lines of a file with a figure and no
citation (a test keeps the shipped files clean).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, model_validator

from analysis.errors import ScenarioError
from analysis.inputs import InputModel, load_yaml, parse_model
from analysis.paths import DATA_DIR

SOURCES_PATH = DATA_DIR / "sources.yaml"
CITATION = re.compile(r"\[([a-z0-9][a-z0-9\-]*)\]")
PROJECT = "this project"


class Source(InputModel):
    figure: str = Field(min_length=3)
    value: str | float | int
    unit: str = Field(min_length=1)
    publisher: str = Field(min_length=3)
    title: str = Field(min_length=3)
    # YAML reads 2025-10-10 as a date, 2025-09 and 2025 as text or a number: all kept as text
    date: Annotated[str, BeforeValidator(str), Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
    link: str
    note: str = ""
    # the figures as numbers, for the functions that derive scenario defaults from them
    # (analysis.model.attacker_costs); `value` says the same in words
    values: dict[str, float] | None = None

    @model_validator(mode="after")
    def _linked(self) -> Source:
        if not self.publisher.startswith(PROJECT) and not self.link.startswith("https://"):
            raise ValueError("a published figure needs an https:// link to where it was read")
        return self


class SourcesFile(InputModel):
    sources: dict[str, Source] = Field(min_length=1)


def load_sources(path: Path = SOURCES_PATH) -> dict[str, Source]:
    """The sources file, validated (errors name file, line, key and value)."""
    document = load_yaml(path, what="sources file", error=ScenarioError, source=path.name)
    return dict(parse_model(SourcesFile, document, error=ScenarioError).sources)


def citations(text: str) -> list[str]:
    """The source keys cited in a text (`[key]`)."""
    return CITATION.findall(text)


def uncited_figures(path: Path, skip_keys: tuple[str, ...] = ("name", "description", "period", "seed",
                                                              "horizon_days", "runs")) -> list[tuple[int, str]]:
    """(line number, line) of a YAML file's lines that hold a figure but cite no source."""
    problems: list[tuple[int, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        body, _, comment = line.partition("#")
        if ":" not in body or body.strip().startswith(skip_keys):
            continue
        value = body.split(":", 1)[1]
        if re.search(r"(?<![\w.])\d", value) and not citations(comment):
            problems.append((number, line))
    return problems


def describe(key: str, sources: dict[str, Any]) -> str:
    """'publisher, title (date)' of an entry, for captions."""
    entry = sources[key]
    return f"{entry.publisher}, {entry.title} ({entry.date})"
