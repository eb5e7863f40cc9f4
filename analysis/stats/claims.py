"""Published claims (YAML in `data/claims/`) checked against the wave table of the record.

A claims file lists what an article says in figures: a wave of so many drones on a given night, an
effectiveness rate, an increase in attacks. Each claim carries its source, the claimed figures with
explicit tolerances (the article's "nearly" and "about" made numeric), and the window of dates to
search. `check_claims` finds, for each claim, what the record says and gives one of four verdicts:
`holds`, `partly holds`, `does not hold`, `cannot be checked`. The rules, per kind of claim:

Every claim has one *primary* reading, fixed in the claims file before the record is looked at: the
most natural sense of the words (the quantity named, the claimed night; for a rate, the period,
weapons and convention declared `primary`). Other readings (alternative quantities, other periods)
are computed and reported, but they never rescue a claim: with many readings, one fits by chance.

- Wave claims (figures of one wave). The wave the article describes is the national wave in the
  window whose figures match best. `holds`: every figure, as named, lies within its tolerance and
  the wave was reported on the claimed date. `partly holds`: every figure holds but the wave is on
  another night (the count is right, the date is not), or some but not all figures hold.
  `does not hold`: no figure holds as named; when a figure matches only another quantity (e.g. all
  missiles for "ballistic missiles"), the reason says so ("mislabelled"), but the claim as made
  is wrong.
- Rate claims. `holds`: the primary reading's 95% interval meets the claimed band. `does not hold`:
  it excludes the band, even if some of the other readings fit; the reason gives how many of the
  distinct readings fit and warns that, with that many, one fitting by chance is likely.
  `cannot be checked`: the primary reading has no national wave. Intervals are wave-level
  (quasi-binomial): the Wilson interval on the effective sample size n / phi, phi the Pearson
  dispersion of the per-wave counts by `wave_id` (`analysis.stats.rates.quasi_interval`), because the
  rate moves far more from wave to wave than a binomial count allows; a period of one wave falls
  back to the plain Wilson interval of that wave, and says so.
- Direction claims (`period_change`: "intensifying", "harder to sustain"). `holds`: the change is
  in the claimed direction and significant (one-sided test, p < 0.05, on daily totals or per-wave
  rates, so the night-to-night variation is the yardstick). `partly holds`: the change is in the
  claimed direction but within the night-to-night noise: the record cannot tell it from no change.
  `does not hold`: no change, or a change the other way (the reason says whether that is
  significant).
- `cannot be checked`: the record has nothing to compare (no wave in the window, no such column, a
  claim the record cannot speak to).

Claims work on the wave table of `analysis.record.waves` (one row per national or regional post and
wave, counts per weapon class), so they can be tested on small synthetic tables.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from analysis.errors import AnalysisError
from analysis.stats.rates import binomial_interval, quasi_interval

HOLDS = "holds"
PARTLY = "partly holds"
DOES_NOT_HOLD = "does not hold"
CANNOT_CHECK = "cannot be checked"
VERDICTS = (HOLDS, PARTLY, DOES_NOT_HOLD, CANNOT_CHECK)

KINDS = ("wave", "rate", "period_change", "not_in_record")
WAVE_CLASSES = ("drone", "cruise", "ballistic", "mixed", "other")
# Groups of weapon classes a claim can name. "missile" is everything that is not a drone.
CLASS_GROUPS: dict[str, tuple[str, ...]] = {
    **{c: (c,) for c in WAVE_CLASSES},
    "missile": ("cruise", "ballistic", "mixed", "other"),
    "all": WAVE_CLASSES,
}
CONVENTIONS = ("neutralised", "destroyed")
MEASURES = ("launched_per_day", "rate")
DIRECTIONS = ("increase", "decrease")
DEFAULT_WINDOW_DAYS = 2
# Matching a wave claim: the score is the mean relative distance of the claimed figures plus this
# much per day between the claimed and the reported date. A day off weighs as much as a figure 5%
# off, so a near-exact figure a week away (weekly waves of similar size are common) does not beat
# a close figure on the next night when the search window is widened.
DAY_PENALTY = 0.05
INTERVAL_METHOD = "wilson"
SIGNIFICANCE = 0.05  # a change "stands out" from the night-to-night variation below this p-value
# What the interval of a rate reading is (see the module docstring).
QUASI_INTERVAL = "95% quasi-binomial Wilson (wave-level, dispersion by wave_id)"
ONE_WAVE_INTERVAL = "95% Wilson (one wave only, no wave-to-wave variation to measure)"


class ClaimsError(AnalysisError):
    """A claims file is missing, unreadable or does not follow the schema."""


# --------------------------------------------------------------------------- the schema


@dataclass(frozen=True)
class Tolerance:
    """How far below and above the claimed figure the record may be, as fractions of it."""

    below: float
    above: float
    relative: bool = True  # False: in the figure's own units (e.g. rate points)

    def band(self, claimed: float) -> tuple[float, float]:
        scale = abs(claimed) if self.relative else 1.0
        return claimed - self.below * scale, claimed + self.above * scale


@dataclass(frozen=True)
class ClaimedFigure:
    """One figure of a wave claim: a quantity of the wave table, the claimed value, its tolerance."""

    quantity: str
    claimed: float
    tolerance: Tolerance
    words: str = ""
    alternatives: tuple[str, ...] = ()  # other quantities the article may have meant


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
            return f"{self.name} ({self.start:%d %b %Y})"
        return f"{self.name} ({self.start:%d %b %Y} to {self.end:%d %b %Y})"


@dataclass(frozen=True)
class Reading:
    """One way a rate claim may be read: a period, a group of classes, a convention."""

    period: Period
    classes: str
    convention: str


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    source: dict[str, Any]
    kind: str
    date: dt.date | None = None
    window_days: int = DEFAULT_WINDOW_DAYS
    figures: tuple[ClaimedFigure, ...] = ()
    # rate claims
    claimed_rate: float | None = None
    rate_tolerance: Tolerance | None = None
    readings: tuple[Reading, ...] = ()
    primary: Reading | None = None
    # period_change claims
    measure: str = ""
    classes: str = "all"
    convention: str = "neutralised"
    direction: str = ""
    recent: Period | None = None
    baseline: Period | None = None
    # not_in_record claims
    reason: str = ""
    note: str = ""


_COMMON_KEYS = {"id", "text", "source", "kind", "note"}
_KIND_KEYS = {
    "wave": ({"date", "figures"}, {"window_days"}),
    "rate": ({"date", "claimed", "tolerance", "periods", "classes", "conventions", "primary"}, set()),
    "period_change": ({"measure", "direction", "recent", "baseline"}, {"classes", "convention", "date"}),
    "not_in_record": ({"reason"}, {"date"}),
}
_SOURCE_KEYS = ({"article", "said_by"}, {"date", "outlet", "file", "url"})
_FIGURE_KEYS = ({"quantity", "claimed", "tolerance"}, {"words", "alternatives"})
_TOLERANCE_KEYS = ({"below", "above"}, {"relative"})
_PERIOD_KEYS = ({"name"}, {"start", "end", "last_days"})
_PRIMARY_KEYS = ({"period", "classes", "convention"}, set())


class _Where:
    """Where in the YAML file a value sits, for error messages that name file, line and key."""

    def __init__(self, path: Path, lines: dict[tuple, int]):
        self.path = path
        self.lines = lines

    def fail(self, keys: tuple, message: str) -> ClaimsError:
        line = None
        for depth in range(len(keys), -1, -1):
            if keys[:depth] in self.lines:
                line = self.lines[keys[:depth]]
                break
        place = f"{self.path}" + (f", line {line}" if line else "")
        key = ".".join(str(k) for k in keys)
        return ClaimsError(f"{place}: {key}: {message}" if key else f"{place}: {message}")


def _node_lines(node: yaml.Node | None, keys: tuple = ()) -> dict[tuple, int]:
    """Line number (1-based) of every mapping key and sequence item in a composed YAML document."""
    lines: dict[tuple, int] = {}
    if node is None:
        return lines
    lines[keys] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            sub = (*keys, key_node.value)
            lines.update(_node_lines(value_node, sub))
            lines[sub] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines.update(_node_lines(item, (*keys, index)))
    return lines


def _check_keys(where: _Where, keys: tuple, mapping: Any, required: set, optional: set) -> None:
    if not isinstance(mapping, dict):
        raise where.fail(keys, f"expected a mapping, got {type(mapping).__name__} {mapping!r}")
    unknown = sorted(set(mapping) - required - optional)
    if unknown:
        allowed = ", ".join(sorted(required | optional))
        raise where.fail((*keys, unknown[0]), f"unknown key {unknown[0]!r} (allowed: {allowed})")
    missing = sorted(required - set(mapping))
    if missing:
        raise where.fail(keys, f"missing key {missing[0]!r}")


def _as_date(where: _Where, keys: tuple, value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise where.fail(keys, f"expected a date YYYY-MM-DD, got {value!r}") from None


def _as_number(where: _Where, keys: tuple, value: Any, low: float = -math.inf) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise where.fail(keys, f"expected a number, got {value!r}")
    if value < low:
        raise where.fail(keys, f"must be at least {low}, got {value!r}")
    return float(value)


def _choice(where: _Where, keys: tuple, value: Any, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise where.fail(keys, f"must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _tolerance(where: _Where, keys: tuple, value: Any) -> Tolerance:
    _check_keys(where, keys, value, *_TOLERANCE_KEYS)
    relative = value.get("relative", True)
    if not isinstance(relative, bool):
        raise where.fail((*keys, "relative"), f"expected true or false, got {relative!r}")
    return Tolerance(
        below=_as_number(where, (*keys, "below"), value["below"], 0.0),
        above=_as_number(where, (*keys, "above"), value["above"], 0.0),
        relative=relative,
    )


def _period(where: _Where, keys: tuple, value: Any, anchor: dt.date | None) -> Period:
    """A period given by `start` and `end`, or by `last_days` ending on the claim's date."""
    _check_keys(where, keys, value, *_PERIOD_KEYS)
    name = str(value["name"])
    if "last_days" in value:
        if "start" in value or "end" in value:
            raise where.fail((*keys, "last_days"), "give either last_days or start and end")
        if anchor is None:
            raise where.fail((*keys, "last_days"), "last_days needs the claim's date")
        days = value["last_days"]
        if isinstance(days, bool) or not isinstance(days, int) or days < 1:
            raise where.fail((*keys, "last_days"), f"expected a whole number >= 1, got {days!r}")
        return Period(name, anchor - dt.timedelta(days=days - 1), anchor)
    if "start" not in value or "end" not in value:
        raise where.fail(keys, "a period needs start and end, or last_days")
    start = _as_date(where, (*keys, "start"), value["start"])
    end = _as_date(where, (*keys, "end"), value["end"])
    if end < start:
        raise where.fail((*keys, "end"), f"ends ({end}) before it starts ({start})")
    return Period(name, start, end)


def _classes(where: _Where, keys: tuple, value: Any) -> str:
    return _choice(where, keys, value, tuple(CLASS_GROUPS))


def _parse_claim(where: _Where, index: int, raw: Any, seen: set[str]) -> Claim:
    keys: tuple = ("claims", index)
    if not isinstance(raw, dict):
        raise where.fail(keys, f"expected a mapping, got {raw!r}")
    kind = raw.get("kind")
    if kind not in _KIND_KEYS:
        raise where.fail((*keys, "kind"), f"must be one of {', '.join(KINDS)}; got {kind!r}")
    required, optional = _KIND_KEYS[kind]
    _check_keys(where, keys, raw, _COMMON_KEYS - {"note"} | required, optional | {"note"})
    claim_id = str(raw["id"])
    if claim_id in seen:
        raise where.fail((*keys, "id"), f"duplicate id {claim_id!r}")
    seen.add(claim_id)
    _check_keys(where, (*keys, "source"), raw["source"], *_SOURCE_KEYS)
    source = dict(raw["source"])
    if "date" in source:
        source["date"] = _as_date(where, (*keys, "source", "date"), source["date"]).isoformat()
    date = _as_date(where, (*keys, "date"), raw["date"]) if "date" in raw else None
    common = {"id": claim_id, "text": str(raw["text"]).strip(), "source": source, "kind": kind,
              "date": date, "note": str(raw.get("note", "")).strip()}

    if kind == "wave":
        window = raw.get("window_days", DEFAULT_WINDOW_DAYS)
        if isinstance(window, bool) or not isinstance(window, int) or window < 0:
            raise where.fail((*keys, "window_days"), f"expected a whole number >= 0, got {window!r}")
        figures_raw = raw["figures"]
        if not isinstance(figures_raw, list) or not figures_raw:
            raise where.fail((*keys, "figures"), "expected a non-empty list of figures")
        figures = []
        for j, fig in enumerate(figures_raw):
            fkeys = (*keys, "figures", j)
            _check_keys(where, fkeys, fig, *_FIGURE_KEYS)
            alternatives = fig.get("alternatives", [])
            if not isinstance(alternatives, list):
                raise where.fail((*fkeys, "alternatives"), "expected a list of quantities")
            for k, name in enumerate([fig["quantity"], *alternatives]):
                qkeys = (*fkeys, "quantity") if k == 0 else (*fkeys, "alternatives", k - 1)
                if name not in WAVE_QUANTITIES:
                    raise where.fail(
                        qkeys, f"unknown quantity {name!r} (known: {', '.join(WAVE_QUANTITIES)})"
                    )
            figures.append(
                ClaimedFigure(
                    quantity=fig["quantity"],
                    claimed=_as_number(where, (*fkeys, "claimed"), fig["claimed"], 0.0),
                    tolerance=_tolerance(where, (*fkeys, "tolerance"), fig["tolerance"]),
                    words=str(fig.get("words", "")),
                    alternatives=tuple(alternatives),
                )
            )
        return Claim(**common, window_days=window, figures=tuple(figures))

    if kind == "rate":
        claimed = _as_number(where, (*keys, "claimed"), raw["claimed"], 0.0)
        if claimed > 1:
            raise where.fail((*keys, "claimed"), f"a rate is a fraction between 0 and 1, got {claimed}")
        periods_raw = raw["periods"]
        if not isinstance(periods_raw, list) or not periods_raw:
            raise where.fail((*keys, "periods"), "expected a non-empty list of periods")
        periods = [_period(where, (*keys, "periods", j), p, date) for j, p in enumerate(periods_raw)]
        by_name = {p.name: p for p in periods}
        if len(by_name) != len(periods):
            raise where.fail((*keys, "periods"), "period names must be unique")
        classes = raw["classes"]
        conventions = raw["conventions"]
        if not isinstance(classes, list) or not classes:
            raise where.fail((*keys, "classes"), "expected a non-empty list of class groups")
        if not isinstance(conventions, list) or not conventions:
            raise where.fail((*keys, "conventions"), "expected a non-empty list of conventions")
        classes = [_classes(where, (*keys, "classes", j), c) for j, c in enumerate(classes)]
        conventions = [
            _choice(where, (*keys, "conventions", j), c, CONVENTIONS) for j, c in enumerate(conventions)
        ]
        readings = tuple(Reading(p, c, v) for p in periods for c in classes for v in conventions)
        pkeys = (*keys, "primary")
        _check_keys(where, pkeys, raw["primary"], *_PRIMARY_KEYS)
        primary_raw = raw["primary"]
        if primary_raw["period"] not in by_name:
            raise where.fail((*pkeys, "period"), f"no period named {primary_raw['period']!r}")
        primary = Reading(
            by_name[primary_raw["period"]],
            _classes(where, (*pkeys, "classes"), primary_raw["classes"]),
            _choice(where, (*pkeys, "convention"), primary_raw["convention"], CONVENTIONS),
        )
        if primary not in readings:
            raise where.fail(pkeys, "the primary reading must be one of the listed classes and conventions")
        return Claim(**common, claimed_rate=claimed,
                     rate_tolerance=_tolerance(where, (*keys, "tolerance"), raw["tolerance"]),
                     readings=readings, primary=primary)

    if kind == "period_change":
        measure = _choice(where, (*keys, "measure"), raw["measure"], MEASURES)
        return Claim(
            **common,
            measure=measure,
            classes=_classes(where, (*keys, "classes"), raw.get("classes", "all")),
            convention=_choice(where, (*keys, "convention"), raw.get("convention", "neutralised"),
                               CONVENTIONS),
            direction=_choice(where, (*keys, "direction"), raw["direction"], DIRECTIONS),
            recent=_period(where, (*keys, "recent"), raw["recent"], date),
            baseline=_period(where, (*keys, "baseline"), raw["baseline"], date),
        )

    return Claim(**common, reason=str(raw["reason"]).strip())


def load_claims(path: str | Path) -> list[Claim]:
    """Read and validate a claims file; errors name the file, line and key at fault."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ClaimsError(f"{path}: claims file not found") from None
    except OSError as error:
        raise ClaimsError(f"{path}: cannot read claims file ({error.strerror})") from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark else ""
        raise ClaimsError(f"{path}{line}: not valid YAML ({getattr(error, 'problem', error)})") from None
    where = _Where(path, _node_lines(node))
    _check_keys(where, (), document, {"claims"}, {"title", "description"})
    if not isinstance(document["claims"], list) or not document["claims"]:
        raise where.fail(("claims",), "expected a non-empty list of claims")
    seen: set[str] = set()
    return [_parse_claim(where, i, raw, seen) for i, raw in enumerate(document["claims"])]


def default_claims_path() -> Path:
    """The claims of the seed article (the only claims file so far)."""
    from analysis.paths import CLAIMS_DIR

    return CLAIMS_DIR / "article-2025-10-11.yaml"


def resolve_claims_path(path: str | Path | None = None) -> Path:
    """`path` as given, else relative to the project root (kernels run elsewhere), else the default."""
    from analysis.paths import PROJECT_ROOT

    if path in (None, ""):
        return default_claims_path()
    path = Path(path)
    if path.is_absolute() or path.exists():
        return path
    anchored = PROJECT_ROOT / path
    return anchored if anchored.exists() else path


# --------------------------------------------------------------------------- wave quantities


def _sum_columns(waves: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Row sums that stay missing when every column is missing (a missing count is not zero)."""
    present = [c for c in columns if c in waves.columns]
    if not present:
        return pd.Series(np.nan, index=waves.index, dtype=float)
    block = waves[present].apply(pd.to_numeric, errors="coerce").astype(float)
    return block.sum(axis=1, min_count=1)


def _group_counts(waves: pd.DataFrame, group: str) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Launched, destroyed and not-reached per wave for a group of classes."""
    classes = CLASS_GROUPS[group]
    if group == "all" and "total_launched" in waves.columns:
        cols = ["total_launched", "total_destroyed", "total_not_reached"]
        return tuple(_sum_columns(waves, [c]) for c in cols)  # type: ignore[return-value]
    return tuple(  # type: ignore[return-value]
        _sum_columns(waves, [f"{c}_{part}" for c in classes])
        for part in ("launched", "destroyed", "not_reached")
    )


def wave_quantity(waves: pd.DataFrame, name: str) -> pd.Series:
    group, _, part = name.partition("_")
    if name == "shahed_real":
        return _sum_columns(waves, ["shahed_real"])
    launched, destroyed, not_reached = _group_counts(waves, group)
    if part == "launched":
        return launched
    if part == "destroyed":
        return destroyed
    # neutralised = destroyed + did not reach; a missing not-reached count adds nothing.
    return destroyed + not_reached.fillna(0)


# The quantities a wave claim can name: class group x (launched, destroyed, neutralised), and the
# count of real Shaheds among the Shahed-type drones launched (the rest are decoys).
WAVE_QUANTITIES: tuple[str, ...] = (
    *(f"{g}_{p}" for g in CLASS_GROUPS for p in ("launched", "destroyed", "neutralised")),
    "shahed_real",
)
SHORT_UNITS = {"drone_launched": "drones", "shahed_real": "real Shaheds",
               "ballistic_launched": "ballistic missiles", "missile_launched": "missiles",
               "all_launched": "drones and missiles"}
QUANTITY_LABELS = {
    "drone_launched": "drones launched (incl. decoys)",
    "shahed_real": "real Shaheds (the rest of the Shahed-type drones are decoys)",
    "ballistic_launched": "ballistic missiles launched",
    "missile_launched": "missiles of all kinds launched",
    "cruise_launched": "cruise missiles launched",
    "all_launched": "drones and missiles launched",
    "all_neutralised": "drones and missiles neutralised (shot down or suppressed)",
}
# Shown beside every matched wave, whatever the claim names, so a reader sees the whole wave.
CONTEXT_QUANTITIES = ("drone_launched", "shahed_real", "cruise_launched", "ballistic_launched",
                      "missile_launched", "all_launched", "all_neutralised")


def _label(quantity: str) -> str:
    return QUANTITY_LABELS.get(quantity, quantity.replace("_", " "))


def national_waves(waves: pd.DataFrame) -> pd.DataFrame:
    """National-command waves only (regional posts overlap them and count differently)."""
    if "command" not in waves.columns:
        return waves
    return waves[waves["command"] == "national"]


def report_dates(waves: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(waves["report_date"]).dt.normalize()


def _in_period(waves: pd.DataFrame, period: Period) -> pd.DataFrame:
    dates = report_dates(waves)
    return waves[(dates >= pd.Timestamp(period.start)) & (dates <= pd.Timestamp(period.end))]


# --------------------------------------------------------------------------- results


@dataclass
class ClaimResult:
    """What the record says about one claim, and the verdict."""

    id: str
    claim: str
    kind: str
    verdict: str
    reason: str
    matched: dict[str, Any] | None = None
    record: dict[str, Any] = field(default_factory=dict)
    runner_up: dict[str, Any] | None = None
    claimed_night: list[dict[str, Any]] = field(default_factory=list)  # waves on the claimed date
    details: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    headline: dict[str, Any] = field(default_factory=dict)  # value, low, high, unit for summaries

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(
            {
                "id": self.id,
                "claim": self.claim,
                "kind": self.kind,
                "verdict": self.verdict,
                "matched": self.matched,
                "record": self.record,
                "reason": self.reason,
                "runner_up": self.runner_up,
                "claimed_night": self.claimed_night,
                "details": self.details,
                "source": self.source,
                "headline": self.headline,
            }
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return value.isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return round(value, 6)
    return value


def _number(value: Any) -> float | None:
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _fmt(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None or not math.isfinite(value) else f"{100 * value:.1f}%"


# --------------------------------------------------------------------------- wave claims


def _wave_summary(row: pd.Series, quantities: dict[str, pd.Series], claim_date: dt.date) -> dict:
    report_date = pd.Timestamp(row["report_date"]).date()
    return {
        "wave_id": row.get("wave_id"),
        "start": row.get("start"),
        "end": row.get("end"),
        "report_date": report_date,
        "night": _night_label(row),
        "days_from_claimed_date": (report_date - claim_date).days,
        "source": row.get("source"),
        "figures": {q: _number(s.loc[row.name]) for q, s in quantities.items()},
    }


def _night_label(row: pd.Series) -> str:
    start, end = pd.Timestamp(row.get("start")), pd.Timestamp(row.get("end"))
    if pd.isna(start) or pd.isna(end):
        return str(pd.Timestamp(row["report_date"]).date())
    if start.date() == end.date():
        return f"{end:%d %b %Y}"
    return f"night of {start:%d}-{end:%d %b %Y}" if start.month == end.month else (
        f"night of {start:%d %b}-{end:%d %b %Y}"
    )


def _figure_distance(record: float | None, claimed: float) -> float:
    """Relative distance of the record from the claim; a missing record figure is as far as can be."""
    if record is None:
        return math.inf
    return abs(record - claimed) / max(abs(claimed), 1.0)


def _within(value: float | None, band: tuple[float, float]) -> bool:
    return value is not None and band[0] - 1e-9 <= value <= band[1] + 1e-9


def check_wave_claim(claim: Claim, waves: pd.DataFrame, window_days: int | None = None) -> ClaimResult:
    """Match a claim about one wave to the national wave in the window that fits its figures best."""
    window = claim.window_days if window_days is None else window_days
    assert claim.date is not None
    national = national_waves(waves)
    low = pd.Timestamp(claim.date - dt.timedelta(days=window))
    high = pd.Timestamp(claim.date + dt.timedelta(days=window))
    in_window = report_dates(national).between(low, high)
    for column in ("start", "end"):
        if column in national.columns:
            day = pd.to_datetime(national[column]).dt.normalize()
            in_window |= day.between(low, high)
    candidates = national[in_window]
    base = {"id": claim.id, "claim": claim.text, "kind": claim.kind, "source": claim.source}
    if candidates.empty:
        return ClaimResult(
            **base, verdict=CANNOT_CHECK,
            reason=f"the record has no national wave within {window} days of {claim.date:%d %b %Y}.",
        )

    names = list(dict.fromkeys(
        [*CONTEXT_QUANTITIES, *(f.quantity for f in claim.figures),
         *(a for f in claim.figures for a in f.alternatives)]
    ))
    quantities = {q: wave_quantity(candidates, q) for q in names}
    scores = []
    for index in candidates.index:
        # Each figure scores by its closest reading (the quantity named, or an alternative the
        # article may have meant): the aim is the wave the article describes; whether it labelled
        # the figure right is judged afterwards.
        distance = float(np.mean([
            min(_figure_distance(_number(quantities[q].loc[index]), f.claimed)
                for q in (f.quantity, *f.alternatives))
            for f in claim.figures
        ]))
        days_off = abs((pd.Timestamp(candidates.loc[index, "report_date"]).date() - claim.date).days)
        size = _number(quantities["all_launched"].loc[index]) or 0.0
        scores.append((distance + DAY_PENALTY * days_off, days_off, -size, index))
    scores.sort(key=lambda s: (s[0], s[1], s[2]))
    best_index = scores[0][3]
    best = _wave_summary(candidates.loc[best_index], quantities, claim.date)
    best["score"] = scores[0][0]
    runner_up = None
    if len(scores) > 1:
        runner_up = _wave_summary(candidates.loc[scores[1][3]], quantities, claim.date)
        runner_up["score"] = scores[1][0]

    details = []
    parts_hold, parts_checkable, notes = 0, 0, []
    for fig in claim.figures:
        band = fig.tolerance.band(fig.claimed)
        value = best["figures"][fig.quantity]
        holds = _within(value, band)
        alternatives = {a: best["figures"][a] for a in fig.alternatives}
        alt_holds = [a for a, v in alternatives.items() if _within(v, band)]
        details.append({
            "quantity": fig.quantity, "claimed": fig.claimed, "words": fig.words,
            "accepted": list(band), "record": value,
            "difference": None if value is None else value - fig.claimed,
            "holds": holds, "alternatives": alternatives, "alternatives_that_hold": alt_holds,
        })
        words = f"{fig.words} {_fmt(fig.claimed)}".strip()
        if value is None:
            notes.append(f"the record has no figure for {_label(fig.quantity)} in that wave")
            continue
        parts_checkable += 1
        if holds:
            parts_hold += 1
            notes.append(f"{_label(fig.quantity)}: {_fmt(value)}, within \"{words}\" "
                         f"(accepted {_fmt(band[0])} to {_fmt(band[1])})")
        elif alt_holds:
            notes.append(
                f"{_label(fig.quantity)}: {_fmt(value)}, outside \"{words}\" "
                f"(accepted {_fmt(band[0])} to {_fmt(band[1])}); but {_label(alt_holds[0])}: "
                f"{_fmt(alternatives[alt_holds[0]])} matches: the figure is mislabelled, and the "
                f"claim as made (about {_label(fig.quantity)}) is wrong"
            )
        else:
            notes.append(f"{_label(fig.quantity)}: {_fmt(value)}, outside \"{words}\" "
                         f"(accepted {_fmt(band[0])} to {_fmt(band[1])})")

    # The primary reading of each figure is the quantity it names: a match of an alternative
    # quantity only is reported (mislabelled), never counted as the figure holding.
    on_date = best["days_from_claimed_date"] == 0
    if parts_checkable == 0:
        verdict = CANNOT_CHECK
    elif parts_hold == len(claim.figures) and on_date:
        verdict = HOLDS
    elif parts_hold > 0:
        verdict = PARTLY
    else:
        verdict = DOES_NOT_HOLD

    when = f"best match: the wave reported on {best['report_date']:%d %b %Y} ({best['night']})"
    if not on_date:
        offset = best["days_from_claimed_date"]
        when += (f", {abs(offset)} day{'s' if abs(offset) != 1 else ''} "
                 f"{'before' if offset < 0 else 'after'} the date claimed ({claim.date:%d %b %Y})")
    reason = when + "; " + "; ".join(notes) + "."
    if verdict == PARTLY:
        if parts_hold == len(claim.figures):
            reason += (" Partly holds: the figures are right, but for another night than the one "
                       "the article names.")
        else:
            reason += (f" Partly holds: {parts_hold} of {len(claim.figures)} figures hold as "
                       "named.")
    first = claim.figures[0].quantity
    on_claimed = candidates[report_dates(candidates) == pd.Timestamp(claim.date)]
    claimed_night = [_wave_summary(on_claimed.loc[i], quantities, claim.date) for i in on_claimed.index]
    if not on_date:
        if claimed_night:
            values = ", ".join(_fmt(w["figures"][first]) for w in claimed_night)
            reason += (f" The wave reported on the claimed date ({claim.date:%d %b %Y}) had "
                       f"{values} {_label(first)}.")
        else:
            reason += f" The record has no national wave reported on {claim.date:%d %b %Y}."
    if runner_up is not None and runner_up["wave_id"] not in {w["wave_id"] for w in claimed_night}:
        reason += (f" Runner-up: {runner_up['report_date']:%d %b %Y} with "
                   f"{_fmt(runner_up['figures'][first])} {_label(first)}.")
    headline_fig = claim.figures[0]
    return ClaimResult(
        **base, verdict=verdict, reason=reason,
        matched={k: best[k] for k in ("wave_id", "start", "end", "report_date", "night",
                                      "days_from_claimed_date", "source")},
        record=best["figures"], runner_up=runner_up, details=details, claimed_night=claimed_night,
        headline={"value": best["figures"][headline_fig.quantity], "low": None, "high": None,
                  "unit": SHORT_UNITS.get(headline_fig.quantity, headline_fig.quantity)},
    )


# --------------------------------------------------------------------------- rate claims


def period_rate(waves: pd.DataFrame, period: Period, classes: str, convention: str) -> dict[str, Any]:
    """The pooled interception rate of national waves in a period, with a 95% wave-level interval.

    The interval is the quasi-binomial one of `analysis.stats.rates.quasi_interval` on the per-wave counts
    (summed by `wave_id` where the table has one): Wilson on the effective sample size n / phi. A
    period with a single wave has no wave-to-wave variation to measure: its interval is the plain
    Wilson interval of that wave, and `interval` says so.
    """
    national = _in_period(national_waves(waves), period)
    launched = wave_quantity(national, f"{classes}_launched")
    successes = wave_quantity(national, f"{classes}_{convention}")
    usable = launched.notna() & successes.notna() & (launched > 0)
    n = float(launched[usable].sum())
    conventions = []
    if "convention" in national.columns:
        conventions = sorted(national.loc[usable, "convention"].dropna().astype(str).unique())
    # "destroyed" meant different things for drones under each convention (see analysis.reporting.plots.style):
    # a destroyed rate over drones that spans conventions mixes them, so it is flagged.
    mixes = convention == "destroyed" and "drone" in CLASS_GROUPS[classes] and len(conventions) > 1
    if n == 0:
        return {"period": period.name, "start": period.start, "end": period.end, "classes": classes,
                "convention": convention, "launched": 0.0, "successes": 0.0, "rate": None,
                "ci_low": None, "ci_high": None, "waves": 0, "drone_conventions": conventions,
                "mixes_conventions": False, "dispersion": None, "interval": ""}
    # one row per wave (a wave table); one row of the record reports more neutralised than
    # launched: cap each wave at its launches
    per_wave = pd.DataFrame({"launched": launched[usable].astype(float),
                             "successes": np.minimum(successes[usable], launched[usable]).astype(float)})
    k = float(per_wave["successes"].sum())
    if len(per_wave) >= 2:
        low, high, phi = quasi_interval(per_wave["successes"].to_numpy(),
                                        per_wave["launched"].to_numpy(), method=INTERVAL_METHOD)
        interval = QUASI_INTERVAL
    else:
        low, high = binomial_interval(k, n, method=INTERVAL_METHOD)
        phi, interval = float("nan"), ONE_WAVE_INTERVAL
    return {"period": period.name, "start": period.start, "end": period.end, "classes": classes,
            "convention": convention, "launched": n, "successes": k, "rate": k / n,
            "ci_low": low, "ci_high": high, "waves": len(per_wave),
            "drone_conventions": conventions, "mixes_conventions": mixes,
            "dispersion": phi if math.isfinite(phi) else None, "interval": interval}


def _reading_text(r: dict[str, Any], period: Period) -> str:
    what = {"all": "all weapons", "missile": "missiles", "drone": "drones"}.get(
        r["classes"], f"{r['classes']} weapons")
    if r["waves"] == 1:
        how = "one wave, Wilson"
    elif r["dispersion"] is not None:
        how = f"{r['waves']} waves, dispersion {r['dispersion']:.1f}"
    else:
        how = f"{r['waves']} waves"
    return (f"{what}, {r['convention']}, {period.label()}: {_pct(r['rate'])} "
            f"(95% CI {_pct(r['ci_low'])} to {_pct(r['ci_high'])}; "
            f"{_fmt(r['successes'])} of {_fmt(r['launched'])}; {how})")


def check_rate_claim(claim: Claim, waves: pd.DataFrame) -> ClaimResult:
    """Compute every listed reading of a rate claim and say which of them the claimed rate fits."""
    assert claim.claimed_rate is not None and claim.rate_tolerance and claim.primary
    band = claim.rate_tolerance.band(claim.claimed_rate)
    readings = []
    for reading in claim.readings:
        r = period_rate(waves, reading.period, reading.classes, reading.convention)
        fits = (r["rate"] is not None and not r["mixes_conventions"]
                and r["ci_low"] <= band[1] and r["ci_high"] >= band[0])
        r["fits_claim"] = bool(fits)
        r["primary"] = reading == claim.primary
        r["text"] = _reading_text(r, reading.period)
        readings.append(r)
    base = {"id": claim.id, "claim": claim.text, "kind": claim.kind, "source": claim.source}
    primary = next(r for r in readings if r["primary"])
    computable = [r for r in readings if r["rate"] is not None and not r["mixes_conventions"]]
    if not computable:
        return ClaimResult(**base, verdict=CANNOT_CHECK, details=readings,
                           reason="the record has no national wave in any of the periods read.")
    # The conventions coincide where nothing was reported as 'did not reach' (from 2025-07-23):
    # count such readings once.
    # (and where a period had only drones, "all weapons" and "drones" are the same figure).
    distinct = {(r["period"], r["successes"], r["launched"]) for r in computable}
    fitting = [r for r in computable if r["fits_claim"]]
    fitting_distinct = {(r["period"], r["successes"], r["launched"]) for r in fitting}
    claimed = f"{100 * claim.claimed_rate:g}%"
    # The verdict rests on the primary reading alone (declared in the claims file before looking):
    # other readings are reported, with their number, but cannot rescue the claim.
    if primary["rate"] is None or primary["mixes_conventions"]:
        verdict = CANNOT_CHECK
        lead = "the main reading has no comparable waves in the record"
    elif primary["fits_claim"]:
        verdict = HOLDS
        lead = f"the main reading fits {claimed}: {primary['text']}"
    else:
        verdict = DOES_NOT_HOLD
        lead = f"the main reading excludes {claimed}: {primary['text']}"
    reason = lead + "."
    if fitting and not primary["fits_claim"]:
        shown: dict[tuple, str] = {}
        for r in fitting:  # one example per distinct figure (conventions and groups can coincide)
            shown.setdefault((r["period"], r["successes"], r["launched"]), r["text"])
        examples = "; ".join(list(shown.values())[:3])
        share = len(fitting_distinct) / len(distinct)
        reason += (f" {claimed} fits {len(fitting_distinct)} of {len(distinct)} distinct "
                   f"readings ({100 * share:.0f}%), e.g. {examples}. With {len(distinct)} readings, "
                   "each with a 95% interval, some fitting by chance is likely: they do not rescue "
                   "the claim.")
    elif not fitting:
        nearest = min(computable, key=lambda r: abs(r["rate"] - claim.claimed_rate))
        reason += f" No reading fits; the nearest is {nearest['text']}."
    mixed = sum(r["mixes_conventions"] for r in readings)
    if mixed:
        reason += (f" {mixed} 'destroyed' reading{'s' if mixed != 1 else ''} spanning a change of "
                   "drone-reporting convention were left out (not comparable).")
    if len(primary.get("drone_conventions", [])) > 1:
        reason += (" The main period spans more than one drone-reporting convention "
                   f"({', '.join(primary['drone_conventions'])}).")
    return ClaimResult(
        **base, verdict=verdict, reason=reason,
        matched={"period": claim.primary.period.name, "start": claim.primary.period.start,
                 "end": claim.primary.period.end, "classes": claim.primary.classes,
                 "convention": claim.primary.convention},
        record={k: primary[k] for k in ("rate", "ci_low", "ci_high", "launched", "successes", "waves")}
        | {"interval": primary["interval"], "dispersion": primary["dispersion"]},
        details=readings,
        headline={"value": primary["rate"], "low": primary["ci_low"], "high": primary["ci_high"],
                  "unit": "fraction", "interval": primary["interval"]},
    )


# --------------------------------------------------------------------------- period changes


def daily_launches(waves: pd.DataFrame, period: Period, classes: str = "all") -> pd.Series:
    """Launches per report date of national waves, with days without a wave counted as zero."""
    national = _in_period(national_waves(waves), period)
    launched = wave_quantity(national, f"{classes}_launched").fillna(0)
    per_day = launched.groupby(report_dates(national)).sum()
    days = pd.date_range(period.start, period.end, freq="D")
    return per_day.reindex(days, fill_value=0.0)


def check_period_change(claim: Claim, waves: pd.DataFrame) -> ClaimResult:
    """Compare a recent period with a baseline: launches per day, or the interception rate."""
    assert claim.recent is not None and claim.baseline is not None
    base = {"id": claim.id, "claim": claim.text, "kind": claim.kind, "source": claim.source}
    alternative = "greater" if claim.direction == "increase" else "less"
    opposite = "less" if alternative == "greater" else "greater"
    national = national_waves(waves)
    if claim.measure == "launched_per_day":
        recent = daily_launches(waves, claim.recent, claim.classes)
        baseline = daily_launches(waves, claim.baseline, claim.classes)
        recent_value, baseline_value = float(recent.mean()), float(baseline.mean())
        # Night-to-night counts are far more variable than Poisson: a rank test on daily totals
        # respects that where a test on the pooled counts would not.
        test = stats.mannwhitneyu(recent, baseline, alternative=alternative)
        other_p = float(stats.mannwhitneyu(recent, baseline, alternative=opposite).pvalue)
        unit, fmt = "launched per day", _fmt
        interval = ""
        record = {"recent": recent_value, "baseline": baseline_value,
                  "ratio": recent_value / baseline_value if baseline_value else None,
                  "p_value": float(test.pvalue), "test": "one-sided Mann-Whitney on daily totals"}
        recent_ci = (None, None)
        checkable = baseline_value > 0 or recent_value > 0
    else:
        r = period_rate(waves, claim.recent, claim.classes, claim.convention)
        b = period_rate(waves, claim.baseline, claim.classes, claim.convention)
        recent_value, baseline_value = r["rate"], b["rate"]
        checkable = recent_value is not None and baseline_value is not None
        per_wave = []
        for period in (claim.recent, claim.baseline):
            sub = _in_period(national, period)
            launched = wave_quantity(sub, f"{claim.classes}_launched")
            successes = wave_quantity(sub, f"{claim.classes}_{claim.convention}")
            ok = launched.notna() & successes.notna() & (launched > 0)
            per_wave.append((successes[ok] / launched[ok]).clip(upper=1.0))
        p_value = other_p = None
        if checkable and len(per_wave[0]) and len(per_wave[1]):
            p_value = float(stats.mannwhitneyu(*per_wave, alternative=alternative).pvalue)
            other_p = float(stats.mannwhitneyu(*per_wave, alternative=opposite).pvalue)
        interval = r["interval"]
        unit, fmt = f"{claim.convention} rate", _pct
        record = {"recent": recent_value, "baseline": baseline_value,
                  "recent_ci": [r["ci_low"], r["ci_high"]], "baseline_ci": [b["ci_low"], b["ci_high"]],
                  "difference": (recent_value - baseline_value) if checkable else None,
                  "p_value": p_value, "test": "one-sided Mann-Whitney on per-wave rates"}
        recent_ci = (r["ci_low"], r["ci_high"])
    matched = {"period": f"{claim.recent.name} vs {claim.baseline.name}",
               "recent": [claim.recent.start, claim.recent.end],
               "baseline": [claim.baseline.start, claim.baseline.end]}
    if not checkable:
        return ClaimResult(**base, verdict=CANNOT_CHECK, matched=matched, record=record,
                           reason="the record has no national waves in one of the two periods.")
    moved = recent_value > baseline_value if claim.direction == "increase" else (
        recent_value < baseline_value)
    p_value = record["p_value"]
    record["p_value_other_direction"] = other_p
    significant = p_value is not None and p_value < SIGNIFICANCE
    what = (f"{unit}: {fmt(recent_value)} in {claim.recent.label()} against {fmt(baseline_value)} "
            f"in {claim.baseline.label()}")
    p_text = "n/a" if p_value is None else f"{p_value:.3f}"
    article = "an" if claim.direction == "increase" else "a"
    other = "decrease" if claim.direction == "increase" else "increase"
    if moved and significant:
        verdict = HOLDS
        reason = (f"{what}; {article} {claim.direction}, as claimed, that stands out from the "
                  f"night-to-night variation (p = {p_text} < {SIGNIFICANCE}, {record['test']}).")
    elif moved:
        verdict = PARTLY
        reason = (f"{what}; {article} {claim.direction}, as claimed, but within the night-to-night "
                  f"noise: the record cannot tell it from no change (p = {p_text} >= "
                  f"{SIGNIFICANCE}, {record['test']}).")
    elif recent_value == baseline_value:
        verdict = DOES_NOT_HOLD
        reason = f"{what}; no change, so no {claim.direction}."
    else:
        verdict = DOES_NOT_HOLD
        o_text = "n/a" if other_p is None else f"{other_p:.3f}"
        clear = (f"a clear {other}" if other_p is not None and other_p < SIGNIFICANCE
                 else f"{'an' if other == 'increase' else 'a'} {other} within the noise")
        reason = (f"{what}; the record moved the other way, {clear} (p = {o_text} for the "
                  f"{other}, {record['test']}), not {article} {claim.direction}.")
    headline = {"value": recent_value, "low": recent_ci[0], "high": recent_ci[1], "unit": unit,
                "interval": interval}
    return ClaimResult(**base, verdict=verdict, reason=reason, matched=matched, record=record,
                       headline=headline)


# --------------------------------------------------------------------------- all claims


def check_claim(claim: Claim, waves: pd.DataFrame, window_days: int | None = None) -> ClaimResult:
    """The verdict on one claim."""
    if claim.kind == "wave":
        result = check_wave_claim(claim, waves, window_days)
    elif claim.kind == "rate":
        result = check_rate_claim(claim, waves)
    elif claim.kind == "period_change":
        result = check_period_change(claim, waves)
    else:
        result = ClaimResult(id=claim.id, claim=claim.text, kind=claim.kind, verdict=CANNOT_CHECK,
                             reason=claim.reason, source=claim.source)
    result.reason = result.reason[:1].upper() + result.reason[1:]  # reasons read as sentences
    return result


def check_claims(
    claims: list[Claim], waves: pd.DataFrame, window_days: int | None = None
) -> list[ClaimResult]:
    """Verdicts on every claim; `window_days` overrides each wave claim's own search window."""
    if window_days is not None and window_days < 0:
        raise ValueError(f"window_days must be >= 0, got {window_days}")
    missing = {"report_date"} - set(waves.columns)
    if missing:
        raise ClaimsError(f"wave table: missing column {sorted(missing)[0]!r}")
    return [check_claim(c, waves, window_days) for c in claims]


def results_table(results: list[ClaimResult]) -> pd.DataFrame:
    """One row per claim: id, verdict, what was matched, the record's headline figure, the reason."""
    rows = []
    for r in results:
        matched = r.matched or {}
        if "report_date" in matched:
            where = f"wave of {pd.Timestamp(matched['report_date']):%Y-%m-%d}"
        elif "recent" in matched:
            where = matched["period"]
        elif "period" in matched:
            where = f"{matched['period']} ({matched['start']} to {matched['end']})"
        else:
            where = ""
        rows.append({"id": r.id, "verdict": r.verdict, "matched": where,
                     "record": r.headline.get("value"), "reason": r.reason})
    return pd.DataFrame(rows, columns=["id", "verdict", "matched", "record", "reason"])


def summary_figures(results: list[ClaimResult]) -> list[dict[str, Any]]:
    """One headline figure per claim for `analysis.reporting.summary.Summary.add`: the record's figure, its
    95% interval where there is one (which interval is named), and the verdict with its reason as
    the note. A claim the record cannot check gets its verdict as the value. The name is the
    claim's id; `labelled_name` adds the verdict for displays that show only name and value."""
    figures = []
    for r in results:
        value = r.headline.get("value")
        low, high = r.headline.get("low"), r.headline.get("high")
        figures.append({
            "name": r.id,
            "value": r.verdict if value is None else value,
            "low": low,
            "high": high,
            "unit": r.headline.get("unit", "") if value is not None else "",
            "interval": (r.headline.get("interval") or QUASI_INTERVAL) if low is not None else "",
            "note": f"{r.verdict}: {r.reason}",
        })
    return figures


def labelled_name(result: ClaimResult) -> str:
    """The claim's id with its verdict, e.g. "wave-drones (partly holds)": a card that shows only a
    name and the record's figure then still says what the figure means for the claim."""
    return f"{result.id} ({result.verdict})"
