"""The claims file, declared: pydantic models read through `analysis.inputs` (bounded YAML).

A claims file has a `title`, a `description`, the `sources` the claims quote (named once, referred
to by key) and the `claims`, each of one `kind`: `wave` (figures of one night's wave), `rate` (a
share intercepted), `period_change` (more attacks, a falling share) or `not_in_record` (what the
record cannot speak to, with the reason). Unknown keys are refused; every error names the file,
the line, the key and the value.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from analysis.errors import AnalysisError
from analysis.inputs import InputModel, YamlDocument, load_yaml, parse_model

WAVE_CLASSES = ("drone", "cruise", "ballistic", "sam", "mixed", "other")
# Groups of weapon classes a claim can name. "missile" is everything that is not a drone.
CLASS_GROUPS: dict[str, tuple[str, ...]] = {
    **{c: (c,) for c in WAVE_CLASSES},
    "missile": ("cruise", "ballistic", "sam", "mixed", "other"),
    "all": WAVE_CLASSES,
}
# The quantities a wave claim can name: class group x (launched, destroyed, neutralised), and the
# count of real Shaheds among the Shahed-type drones launched (the rest are decoys).
WAVE_QUANTITIES: tuple[str, ...] = (
    *(f"{g}_{p}" for g in CLASS_GROUPS for p in ("launched", "destroyed", "neutralised")),
    "shahed_real",
)
KINDS = ("wave", "rate", "period_change", "not_in_record")
DEFAULT_WINDOW_DAYS = 2
#: Widest 95% interval (as a fraction: 0.12 = 12 points) with which a reading of a rate claim is
#: informative, unless the claims file (`precision`) or the claim says otherwise.
DEFAULT_PRECISION = 0.12

ClassGroup = Literal["drone", "cruise", "ballistic", "sam", "mixed", "other", "missile", "all"]
Convention = Literal["neutralised", "destroyed"]
Quantity = Literal[WAVE_QUANTITIES]  # type: ignore[valid-type]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Fraction = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Precision = Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)]


class ClaimsError(AnalysisError):
    """A claims file is missing, unreadable or does not follow the schema."""


class Source(InputModel):
    """Who said it, where: the article (described, with its outlet, headline, date and link where
    known) and the person or body quoted."""

    article: Text
    said_by: Text
    date: dt.date | None = None
    outlet: Name | None = None
    title: Annotated[str, Field(min_length=1, max_length=300)] | None = None  # the headline
    url: Annotated[str, Field(max_length=500, pattern=r"^https?://\S+$")] | None = None


class Tolerance(InputModel):
    """How far below and above the claimed figure the record may be, as fractions of it."""

    below: Fraction
    above: Fraction
    relative: bool = True  # False: in the figure's own units (rate points as fractions)

    def band(self, claimed: float) -> tuple[float, float]:
        scale = abs(claimed) if self.relative else 1.0
        return claimed - self.below * scale, claimed + self.above * scale


class Figure(InputModel):
    """One figure of a wave claim: a quantity of the wave table, the claimed value, its tolerance."""

    quantity: Quantity
    claimed: Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]
    tolerance: Tolerance
    words: Annotated[str, Field(max_length=200)] = ""
    alternatives: list[Quantity] = Field(default_factory=list, max_length=10)


class PeriodSpec(InputModel):
    """A named span of report dates: `start` and `end`, or the `last_days` up to the claim's date."""

    name: Name
    start: dt.date | None = None
    end: dt.date | None = None
    last_days: Annotated[int, Field(ge=1, le=3660, strict=True)] | None = None


class Primary(InputModel):
    period: Name
    classes: ClassGroup
    convention: Convention


class ClaimBase(InputModel):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")]
    text: Text
    source: Name
    note: Annotated[str, Field(max_length=4000)] = ""

    @field_validator("text", "note")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()


class WaveClaim(ClaimBase):
    kind: Literal["wave"]
    date: dt.date
    window_days: Annotated[int, Field(ge=0, le=30, strict=True)] = DEFAULT_WINDOW_DAYS
    figures: list[Figure] = Field(min_length=1, max_length=20)


class RateClaim(ClaimBase):
    kind: Literal["rate"]
    date: dt.date
    claimed: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
    tolerance: Tolerance
    periods: list[PeriodSpec] = Field(min_length=1, max_length=20)
    classes: list[ClassGroup] = Field(min_length=1, max_length=7)
    conventions: list[Convention] = Field(min_length=1, max_length=2)
    primary: Primary
    # What the claim leaves unsaid. Empty: the claim states its period, weapons and counting, and
    # only the primary reading counts; else every listed reading does (see the verdict rule).
    unstated: list[Literal["period", "weapons", "counting"]] = Field(default_factory=list)
    # Widest 95% interval with which a reading is informative (a fraction: 0.12 = 12 points); the
    # claims file's `precision` when not given here.
    precision: Precision | None = None


class PeriodChangeClaim(ClaimBase):
    kind: Literal["period_change"]
    date: dt.date | None = None
    measure: Literal["launched_per_day", "rate"]
    classes: ClassGroup = "all"
    convention: Convention = "neutralised"
    direction: Literal["increase", "decrease"]
    recent: PeriodSpec
    baseline: PeriodSpec
    # The least change that makes the claim true: a ratio above 1 + margin (tempo), or a
    # difference beyond margin rate points as a fraction (rate). 0: any change in the direction.
    margin: Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)] = 0.0


class NotInRecordClaim(ClaimBase):
    kind: Literal["not_in_record"]
    date: dt.date | None = None
    reason: Text


Claim = WaveClaim | RateClaim | PeriodChangeClaim | NotInRecordClaim
CLAIM_MODELS: dict[str, type[ClaimBase]] = {
    "wave": WaveClaim, "rate": RateClaim, "period_change": PeriodChangeClaim,
    "not_in_record": NotInRecordClaim,
}


class ClaimsFile(InputModel):
    title: Annotated[str, Field(max_length=300)] = ""
    description: Annotated[str, Field(max_length=4000)] = ""
    # Widest 95% interval with which a reading of a rate claim is informative (0.12 = 12 points).
    precision: Precision = DEFAULT_PRECISION
    sources: dict[Name, Source] = Field(min_length=1, max_length=100)
    claims: list[dict[str, Any]] = Field(min_length=1, max_length=500)


def _short_date(day: dt.date) -> str:
    """'5 Oct 2025' (no leading zero), for dates in brackets."""
    return f"{day.day} {day:%b %Y}"


@dataclass(frozen=True)
class Period:
    """A named span of report dates, both ends included."""

    name: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def label(self) -> str:
        if self.start == self.end:
            return f"{self.name} ({_short_date(self.start)})"
        return f"{self.name} ({_short_date(self.start)} to {_short_date(self.end)})"


@dataclass(frozen=True)
class Reading:
    """One way a rate claim may be read: a period, a group of classes, a convention."""

    period: Period
    classes: str
    convention: str


@dataclass(frozen=True)
class LoadedClaims:
    """A validated claims file: its claims, their sources by key, and where it came from."""

    path: Path
    title: str
    claims: list[Claim]
    sources: dict[str, Source]

    def __iter__(self):
        return iter(self.claims)

    def __len__(self) -> int:
        return len(self.claims)


def resolve_period(spec: PeriodSpec, anchor: dt.date | None, document: YamlDocument,
                   keys: tuple) -> Period:
    """The dates of a period: `start` and `end`, or `last_days` ending on the claim's date."""
    if spec.last_days is not None:
        if spec.start is not None or spec.end is not None:
            raise document.fail((*keys, "last_days"), "give either last_days or start and end",
                                ClaimsError)
        if anchor is None:
            raise document.fail((*keys, "last_days"), "last_days needs the claim's date", ClaimsError)
        return Period(spec.name, anchor - dt.timedelta(days=spec.last_days - 1), anchor)
    if spec.start is None or spec.end is None:
        raise document.fail(keys, "a period needs start and end, or last_days", ClaimsError)
    if spec.end < spec.start:
        raise document.fail((*keys, "end"), f"ends ({spec.end}) before it starts ({spec.start})",
                            ClaimsError)
    return Period(spec.name, spec.start, spec.end)


def rate_readings(claim: RateClaim, document: YamlDocument, keys: tuple) -> tuple[list[Reading], Reading]:
    """Every (period, classes, convention) reading of a rate claim, and the primary one."""
    periods = [resolve_period(p, claim.date, document, (*keys, "periods", j))
               for j, p in enumerate(claim.periods)]
    by_name = {p.name: p for p in periods}
    if len(by_name) != len(periods):
        raise document.fail((*keys, "periods"), "period names must be unique", ClaimsError)
    if claim.primary.period not in by_name:
        raise document.fail((*keys, "primary", "period"),
                            f"{claim.primary.period!r}: no period of that name", ClaimsError)
    readings = [Reading(p, c, v) for p in periods for c in claim.classes for v in claim.conventions]
    primary = Reading(by_name[claim.primary.period], claim.primary.classes, claim.primary.convention)
    if primary not in readings:
        raise document.fail((*keys, "primary"), "the primary reading must be one of the listed "
                            "classes and conventions", ClaimsError)
    return readings, primary


def load_claims(path: str | Path) -> LoadedClaims:
    """Read and validate a claims file; errors name the file, line, key and value at fault."""
    path = Path(path)
    document = load_yaml(path, "claims file", ClaimsError)
    if not isinstance(document.data, dict):
        raise document.fail((), "expected a mapping with sources and claims", ClaimsError)
    parsed = parse_model(ClaimsFile, document, error=ClaimsError)
    claims: list[Claim] = []
    seen: set[str] = set()
    for index, raw in enumerate(parsed.claims):
        keys = ("claims", index)
        kind = raw.get("kind")
        if kind not in CLAIM_MODELS:
            raise document.fail((*keys, "kind"), f"{kind!r}: must be one of {', '.join(KINDS)}",
                                ClaimsError)
        claim = parse_model(CLAIM_MODELS[kind], document, keys, ClaimsError)
        if claim.id in seen:
            raise document.fail((*keys, "id"), f"{claim.id!r}: duplicate id", ClaimsError)
        seen.add(claim.id)
        if claim.source not in parsed.sources:
            raise document.fail((*keys, "source"), f"{claim.source!r}: not a key of sources "
                                f"({', '.join(parsed.sources)})", ClaimsError)
        if isinstance(claim, RateClaim):
            rate_readings(claim, document, keys)
            if claim.precision is None:  # the file's precision stands for the claim's own
                claim = claim.model_copy(update={"precision": parsed.precision})
        elif isinstance(claim, PeriodChangeClaim):
            for name in ("recent", "baseline"):
                resolve_period(getattr(claim, name), claim.date, document, (*keys, name))
        claims.append(claim)
    return LoadedClaims(path, parsed.title, claims, dict(parsed.sources))


def claim_periods(claim: PeriodChangeClaim) -> tuple[Period, Period]:
    """(recent, baseline) of a validated period-change claim."""
    document = YamlDocument(data=None, source="claim")
    return (resolve_period(claim.recent, claim.date, document, ()),
            resolve_period(claim.baseline, claim.date, document, ()))


def claim_readings(claim: RateClaim) -> tuple[list[Reading], Reading]:
    """`rate_readings` of a validated rate claim."""
    return rate_readings(claim, YamlDocument(data=None, source="claim"), ())
