"""The record's launches, destroyed and neutralised per day, in a scenario's threat classes.

The record gives each row a weapon class (analysis.record.weapons: drone, cruise, ballistic, and
`sam` for S-300/S-400 fired at ground targets where it sets them apart). A scenario may name two
more, split from those where the record's rows name the model alone:

- `kinzhal`: rows naming the X-47 Kinzhal alone (it costs the attacker far more than an
  Iskander-M and only Patriot meets it); a row naming it with another model stays with that
  row's class, since the record cannot split it.
- `sam`: the record's class `sam`; a record that does not set that class apart yet files
  S-300/S-400 with ballistic missiles, and the rows naming S-300/S-400 alone are taken instead.
  A row naming them with Iskander-M stays ballistic (it cannot be split).

A class split off is taken out of the class it came from, so nothing is counted twice. Rows of
other classes (mixed, other, unknown) are left out. `daily_counts` gives (day, class) sums over
national rows by report date, every calendar day of the period (days without a wave count zero);
`shares` gives each class's stopped share over a period: destroyed / launched for missiles (a
missile that failed to reach its target on its own was not intercepted, and firing at it spent
nothing) or, with `missiles="neutralised"`, (destroyed + failed to reach) / launched; drones
count neutralised (jammed drones are what the electronic-warfare layer stops).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

KINZHAL_MODELS = frozenset({"x-47 kinzhal"})
SAM_MODELS = frozenset({"c-300", "c-400", "c-300/c-400"})
MISSILE_CLASSES = frozenset({"cruise", "ballistic", "kinzhal", "sam"})


def row_classes(record: Any, classes: Sequence[str]) -> Any:
    """Each row's class among `classes` (module doc), as a Series (None: not counted)."""
    import pandas as pd

    from analysis.record.weapons import normalise_model

    models = record["model"] if "model" in record else pd.Series("", index=record.index)
    keys = models.astype(str).map(normalise_model)
    base = record["weapon_class"].astype(str)
    out = base.where(base.isin(list(classes)), None)
    if "kinzhal" in classes:
        out = out.mask(keys.isin(KINZHAL_MODELS), "kinzhal")
    if "sam" in classes:
        has_class = (base == "sam").any()
        out = out.mask(base == "sam", "sam") if has_class else out.mask(keys.isin(SAM_MODELS), "sam")
    return pd.Series(out, index=record.index, dtype=object)


def daily_counts(record: Any, start: Any, end: Any, classes: Sequence[str], field: str = "launched",
                 command: str = "national") -> Any:
    """(day, class) sums of `field` over rows of `command` reported on each day of [start, end]."""
    import pandas as pd

    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D")
    dates = pd.to_datetime(record["report_date"]).dt.normalize()
    chosen = record[(record["command"] == command) & (dates >= days[0]) & (dates <= days[-1])]
    frame = pd.DataFrame({
        "day": pd.to_datetime(chosen["report_date"]).dt.normalize(),
        "cls": row_classes(chosen, classes),
        "value": pd.to_numeric(chosen[field], errors="coerce").fillna(0).astype(float),
    }).dropna(subset=["cls"])
    table = frame.pivot_table(index="day", columns="cls", values="value", aggfunc="sum", fill_value=0.0)
    return table.reindex(index=days, columns=list(classes), fill_value=0.0).fillna(0.0)


def shares(record: Any, start: Any, end: Any, classes: Sequence[str], missiles: str = "destroyed") -> dict[str, float]:
    """Stopped / launched per class over [start, end] (module doc); a class nothing of which was
    launched is left out."""
    launched = daily_counts(record, start, end, classes).sum()
    destroyed = daily_counts(record, start, end, classes, "destroyed").sum()
    neutralised = daily_counts(record, start, end, classes, "neutralised").sum()
    out = {}
    for cls in classes:
        if launched[cls] <= 0:
            continue
        stopped = destroyed[cls] if cls in MISSILE_CLASSES and missiles == "destroyed" else neutralised[cls]
        out[cls] = float(min(stopped / launched[cls], 1.0))
    return out


def latest_months(record: Any, classes: Sequence[str], months: int = 3,
                  command: str = "national") -> tuple[Any, Any, dict[str, float]]:
    """(first day, last day, mean launches a day per class) of the record's last `months` whole
    calendar months (a month is whole when the record reaches its last day)."""
    import pandas as pd

    dates = pd.to_datetime(record.loc[record["command"] == command, "report_date"]).dt.normalize()
    last = dates.max()
    month_end = last + pd.offsets.MonthEnd(0)
    end = last if last == month_end else last - pd.offsets.MonthEnd(1)
    start = (end - pd.offsets.MonthBegin(months)).normalize()
    if start.day != 1:
        start = start - pd.offsets.MonthBegin(1)
    table = daily_counts(record, start, end, classes, "launched", command)
    return start.date(), end.date(), {c: float(table[c].mean()) for c in classes}


def latest_attack(record: Any, classes: Sequence[str]) -> dict[str, Any] | None:
    """{start, end, arrivals_per_day} of the record's latest three whole months in those of
    `classes` the record counts apart (None without a record or such a class)."""
    from analysis.model.schema import RECORD_THREAT_CLASSES

    counted = [c for c in classes if c in RECORD_THREAT_CLASSES]
    if record is None or not counted:
        return None
    start, end, arrivals = latest_months(record, counted)
    return {"start": start, "end": end, "arrivals_per_day": arrivals}
