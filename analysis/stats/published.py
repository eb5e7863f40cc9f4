"""Rates reported in public reconciled with the record: same period and classes, counts side by side.

A published rate ("54% of missiles in October 2025, 146 of 270") counts the same events as the
record, so it is not a sample to test against an interval: the question is whether the record's
own counts give the same figure, and if not, what makes the difference. One rule for every row:

- **matches**: the record covers every day of the period (from August 2024) and its reading with
  the same classes and counting (the Air Force's national posts) agrees with the figure: where the
  source gave its counts, both of the record's are within 2% (or 3 munitions) of them (late
  additions and corrections of the record move a count that much); where it gave a share only, the
  record's share lies within the figure's own precision (its range where one is given, else half a
  unit of its last digit);
- **differs**: the same period, but the record does not agree; the difference is explained, by the
  first other reading that does agree (the other counting, "destroyed" against "destroyed or did
  not reach", for drones "shot down or jammed"; the regional commands' posts added; the classes a
  writer may have included: for "missiles" guided bombs and unreported missile types too, for
  Shaheds every drone, for ballistic rows that mix ballistic and cruise missiles), else in counts:
  how many more or fewer stopped the published figure needs;
- **not comparable**: the record cannot hold the period's events (days missing before August 2024,
  no launches of the classes); its own counts are shown for reference, never called a match.

Drones, as the Air Force counts them, include decoys, and "shot down or jammed" includes drones
lost to electronic warfare: every drone figure says so (`figure_words`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.errors import AnalysisError
from analysis.record.conventions import COMPLETE_COVERAGE_FROM
from analysis.stats.rates import select_rows

PUBLISHED_RATES_PATH = Path(__file__).with_name("published_rates.csv")
# What each published class covers in the record: weapon classes, or one model family.
CLASS_SELECTORS: dict[str, dict[str, tuple[str, ...]]] = {
    "drone": {"weapon_class": ("drone",)},
    "shahed": {"model": ("Shahed-136/131",)},
    "cruise": {"weapon_class": ("cruise",)},
    "ballistic": {"weapon_class": ("ballistic",)},
    "missiles": {"weapon_class": ("cruise", "ballistic", "sam", "mixed")},
    "all": {"weapon_class": ("drone", "cruise", "ballistic", "sam", "mixed", "other", "unknown")},
}
# Wider selections a writer may have meant, with the words for the reason.
WIDER_CLASSES: dict[str, tuple[dict[str, tuple[str, ...]], str]] = {
    "missiles": ({"weapon_class": ("cruise", "ballistic", "sam", "mixed", "other")},
                 "guided bombs and missiles of unreported type counted as missiles"),
    "shahed": ({"weapon_class": ("drone",)}, "every drone counted (decoys and other types too)"),
    "ballistic": ({"weapon_class": ("ballistic", "sam", "mixed")},
                  "S-300/S-400 fired at ground targets and rows mixing ballistic and cruise missiles "
                  "counted as ballistic"),
}
REQUIRED = ("label", "period_start", "period_end", "class", "convention", "rate", "source")
COMPLETE_FROM = COMPLETE_COVERAGE_FROM  # the record covers every day from here (trap 9)
COUNT_TOLERANCE = 0.02  # share of a published count the record's may differ by
COUNT_SLACK = 3  # munitions: small counts may differ by this much


class PublishedRatesError(AnalysisError):
    """The table of published rates cannot be read."""


def load_published_rates(path: Path = PUBLISHED_RATES_PATH) -> pd.DataFrame:
    """The published rates (the project's own table; sources named per row), checked row by row.

    Adds `band_low`, `band_high`: the published figure's precision (its range, else half a unit of
    the last digit written).
    """
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise PublishedRatesError(f"{path.name}: missing column(s) {', '.join(missing)}")
    for i, row in table.iterrows():
        line = i + 2
        if row["class"] not in CLASS_SELECTORS:
            raise PublishedRatesError(f"{path.name}, line {line}, column class: unknown class {row['class']!r}")
        if row["convention"] not in ("destroyed", "neutralised"):
            raise PublishedRatesError(
                f"{path.name}, line {line}, column convention: {row['convention']!r} is not destroyed or neutralised")
    half_units = [0.5 * 10 ** -len(text.partition(".")[2]) for text in table["rate"]]
    table["rate_text"] = table["rate"]  # as written: its digits are the figure's precision
    for column in ("rate", "rate_low", "rate_high", "successes", "trials"):
        table[column] = pd.to_numeric(table.get(column, ""), errors="coerce")
    for column in ("period_start", "period_end"):
        table[column] = pd.to_datetime(table[column])
    table["band_low"] = table["rate_low"].fillna(table["rate"] - pd.Series(half_units))
    table["band_high"] = table["rate_high"].fillna(table["rate"] + pd.Series(half_units))
    return table


@dataclass(frozen=True)
class Reading:
    """One way of reading the record for a published figure."""

    change: str  # "" for the reading as published, else what differs, in words
    convention: str
    command: str
    selector: dict[str, tuple[str, ...]]


def readings(row: pd.Series) -> list[Reading]:
    """The reading as published, then one change of definition at a time."""
    selector = CLASS_SELECTORS[row["class"]]
    other = "neutralised" if row["convention"] == "destroyed" else "destroyed"
    drones = row["class"] in ("drone", "shahed")
    words = {"destroyed": "shot down" if drones else "destroyed",
             "neutralised": "shot down or jammed" if drones else "destroyed or failed to reach"}
    out = [Reading("", row["convention"], "national", selector),
           Reading(f"counted as {words[other]}", other, "national", selector),
           Reading("regional commands' posts added", row["convention"], "all", selector)]
    if row["class"] in WIDER_CLASSES:
        wider, words = WIDER_CLASSES[row["class"]]
        out.append(Reading(words, row["convention"], "national", wider))
    return out


def record_counts(record: pd.DataFrame, reading: Reading, start: pd.Timestamp,
                  end: pd.Timestamp) -> tuple[float, float]:
    """(launched, counted) of the record for one reading and period (report dates, inclusive).

    Rows that cannot be true (more counted than launched) are left out, as in every rate."""
    rows = select_rows(record, reading.command, start, end)
    for column, values in reading.selector.items():
        rows = rows[rows[column].isin(values)]
    launched = pd.to_numeric(rows["launched"], errors="coerce").astype(float)
    counted = pd.to_numeric(rows[reading.convention], errors="coerce").astype(float)
    keep = launched.gt(0) & counted.notna() & ~counted.gt(launched)
    return float(launched[keep].sum()), float(counted[keep].sum())


def _close(record: float, published: float) -> bool:
    return abs(record - published) <= max(COUNT_SLACK, COUNT_TOLERANCE * published)


def reproduces(row: pd.Series, launched: float, counted: float) -> bool:
    """Whether the record's counts give the published figure (see the module docstring)."""
    if launched <= 0:
        return False
    successes, trials = row.get("successes"), row.get("trials")
    if _finite(successes) and _finite(trials):
        return _close(counted, successes) and _close(launched, trials)
    return bool(row["band_low"] - 1e-9 <= counted / launched <= row["band_high"] + 1e-9)


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)


RECONCILE_COLUMNS = ["figure", "published_figure", "record_figure", "published_counts", "record_counts", "published_counted", "published_launched",
                     "record_counted", "record_launched", "record_rate", "difference_points", "status",
                     "explained_by", "explained_rate", "explanation", "other_readings"]
MATCHES, DIFFERS, NOT_COMPARABLE = "matches", "differs", "not comparable"
CLASS_WORDS = {"drone": "drones (decoys included)", "shahed": "Shahed-type drones (decoys included)",
               "cruise": "cruise missiles", "ballistic": "ballistic missiles", "missiles": "missiles",
               "all": "drones and missiles (decoys included)"}
DRONE_CLASSES = ("drone", "shahed", "all")


def counting_words(convention: str, drones: bool) -> str:
    """What a share counts as stopped: for drones, shot down, or shot down or lost to jamming."""
    if convention == "destroyed":
        return "shot down" if drones else "destroyed"
    return "shot down or lost to jamming" if drones else "destroyed or failed to reach their target"


def period_words(start: pd.Timestamp, end: pd.Timestamp) -> str:
    """"October 2025", "January to June 2024", "November 2023 to April 2024", "1-11 October 2025"."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    whole = start.day == 1 and (end + pd.Timedelta(days=1)).day == 1
    if not whole:
        if (start.year, start.month) == (end.year, end.month):
            return f"{start.day}-{end.day} {end:%B %Y}"
        return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start:%B %Y}"
    if start.year == end.year:
        return f"{start:%B} to {end:%B %Y}"
    return f"{start:%B %Y} to {end:%B %Y}"


def figure_words(row: pd.Series) -> str:
    """A published figure in words: its weapons (drones say they include decoys), what counts as
    stopped (jamming named), its period: "drones (decoys included), shot down or lost to jamming,
    October 2025"."""
    drones = row["class"] in DRONE_CLASSES
    return (f"{CLASS_WORDS.get(row['class'], row['class'])}, {counting_words(row['convention'], drones)}, "
            f"{period_words(row['period_start'], row['period_end'])}")


def _needed(row: pd.Series, launched: float, counted: float) -> str:
    """How many stopped of the record's launches the published figure needs, against the record's."""
    low = math.ceil(row["band_low"] * launched - 1e-9)
    high = math.floor(row["band_high"] * launched + 1e-9)
    if high < low:  # a band narrower than one munition: the nearest count
        low = high = round(row["rate"] * launched)
    need = f"{low:,.0f}" if low == high else f"{low:,.0f} to {high:,.0f}"
    more = sorted({low - counted, high - counted}, key=abs)
    change = " to ".join(f"{abs(m):,.0f}" for m in dict.fromkeys(sorted({abs(m) for m in more})))
    way = "more" if min(more) > 0 else "fewer" if max(more) < 0 else "more or fewer"
    return f"{need} stopped of {launched:,.0f}, {change} {way} than the record's {counted:,.0f}"


def reconcile_published(record: pd.DataFrame, published: pd.DataFrame | None = None) -> pd.DataFrame:
    """Each published figure beside the record's counts for the same period, classes and counting.

    Adds to the published table: `figure` (in words), `published_counted`, `published_launched`
    (where the source gave them), `record_counted`, `record_launched`, `record_rate` (the reading
    with the same classes and counting), `difference_points` (record minus published, in
    percentage points), `status` (matches, differs, not comparable: the module's one rule),
    `explained_by` (the other reading that agrees with the figure, if any) with its rate
    `explained_rate`, `explanation` (in words, for every row) and `other_readings` (every other
    reading's rate and launches).
    """
    published = load_published_rates() if published is None else published
    out = []
    for _, row in published.iterrows():
        start, end = row["period_start"], row["period_end"]
        found = [(reading, *record_counts(record, reading, start, end)) for reading in readings(row)]
        _, launched, counted = found[0]
        rate = counted / launched if launched > 0 else float("nan")
        agreeing = [(r, n, k) for r, n, k in found[1:] if reproduces(row, n, k)]
        others = "; ".join(f"{r.change}: {_pct(k / n)} of {n:,.0f}" if n > 0 else f"{r.change}: no launches"
                           for r, n, k in found[1:])
        figure = as_written(row)
        places = _places(row)  # the record's share to the figure's own precision
        in_record = f"{counted:,.0f} of {launched:,.0f} ({_pct(rate)})" if launched > 0 else ""
        explained, explained_rate = "", float("nan")
        if launched <= 0:
            status = f"{NOT_COMPARABLE}: the record has no launches of these classes in the period"
            explanation = "the record lists no launches of these weapons in the period"
        elif start < COMPLETE_FROM:
            status = f"{NOT_COMPARABLE}: the record does not cover every day before August 2024"
            explanation = (f"before August 2024 the record misses days: its {in_record} counts only the days it "
                           "holds, so it can neither confirm nor contradict the figure")
        elif reproduces(row, launched, counted):
            status = MATCHES
            explanation = f"the record's {in_record} gives the same figure"
        else:
            status = DIFFERS
            if agreeing:
                reading, n, k = agreeing[0]
                explained, explained_rate = reading.change, k / n
                given = f" ({row['successes']:,.0f} of {row['trials']:,.0f})" if _finite(row.get("successes")) \
                    and _finite(row.get("trials")) else ""
                explanation = (f"{reading.change}, the record gives {k:,.0f} of {n:,.0f} ({_pct(k / n)}), which agrees "
                               f"with the published figure{given}: a difference of definition; as published, "
                               f"{in_record}")
            else:
                explanation = (f"no reading of the record gives {figure}: it has {in_record}; {figure} would be "
                               + _needed(row, launched, counted))
        if row["class"] in DRONE_CLASSES and not explanation.endswith("."):
            explanation += ("; drones include decoys" + (", and drones lost to jamming count as stopped"
                                                         if row["convention"] == "neutralised" else ""))
        out.append({
            "figure": figure_words(row), "published_figure": figure,
            "record_figure": f"{100 * rate:.{places}f}%" if launched > 0 else "",
            "published_counts": (f"{row['successes']:,.0f} of {row['trials']:,.0f}"
                                 if _finite(row.get("successes")) and _finite(row.get("trials")) else ""),
            "record_counts": f"{counted:,.0f} of {launched:,.0f}",
            "published_counted": row.get("successes"), "published_launched": row.get("trials"),
            "record_counted": counted, "record_launched": launched, "record_rate": rate,
            "difference_points": 100 * (rate - row["rate"]) if launched > 0 else float("nan"),
            "status": status, "explained_by": explained, "explained_rate": explained_rate,
            "explanation": explanation, "other_readings": others,
        })
    return pd.concat([published.reset_index(drop=True), pd.DataFrame(out, columns=RECONCILE_COLUMNS)],
                     axis=1)


def describe_published(table: pd.DataFrame) -> str:
    """How the published figures compare with the record, in one rule: how many match, how many
    differ (each explained in the table), how many cannot be compared, and that drone figures
    include decoys and drones lost to jamming."""
    status = table["status"].str.split(":").str[0]
    match, differ, apart = (int((status == s).sum()) for s in (MATCHES, DIFFERS, NOT_COMPARABLE))

    def figures(n: int) -> str:
        return f"{n} figure{'s' if n != 1 else ''}"

    parts = [f"{match} {'matches' if match == 1 else 'match'} the record's own counts for the same period, "
             "weapons and counting"]
    if differ:
        parts.append(f"{figures(differ)} {'differs' if differ == 1 else 'differ'}, each for the reason the table "
                     "gives")
    if apart:
        parts.append(f"{figures(apart)} cannot be compared (before August 2024 the record misses days)")
    text = f"Of {figures(len(table))} published in the press, " + "; ".join(parts) + "."
    if table["class"].isin(DRONE_CLASSES).any():
        text += (" The drone figures count decoys as drones, and \"shot down or jammed\" includes drones lost "
                 "to electronic warfare: they are not shares of real Shaheds shot down.")
    return text


def _places(row: pd.Series) -> int:
    """Decimals of a published percentage: 0.858 was written "85.8%" (a range in whole percents)."""
    if _finite(row.get("rate_low")) and _finite(row.get("rate_high")):
        return 0
    return max(0, len(str(row.get("rate_text", "")).partition(".")[2]) - 2)


def as_written(row: pd.Series) -> str:
    """The published figure as its source wrote it: "46%", "85.8%", "37-40%"."""
    if _finite(row.get("rate_low")) and _finite(row.get("rate_high")):
        return f"{100 * row['rate_low']:g}-{100 * row['rate_high']:g}%"
    return f"{100 * row['rate']:.{_places(row)}f}%"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"
