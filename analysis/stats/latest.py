"""The questions editors ask of the latest months of the record, answered with intervals.

- How did each class's interception share change, in percentage points, between two periods
  (the last complete months against the months before, and against a year earlier)?
- The latest complete month against the previous one and the same month a year before.
- How many threats got through (were not reported stopped) per month and per large wave?
- Which regions were named as targeted or hit, and how did that change?
- What share of the Shahed-type drones were decoys, and what share was stopped with and without
  them?
- The monthly share of real Shaheds among the Shahed-type drones (the rest are decoys).

Shares are the record's `neutralised` count over launches, national reports only, with 95%
intervals over attacks (`rates.wave_interval`: `intervals.cluster_interval`, with its note when the
attacks are too few for any interval to hold its level);
a difference of two shares, in percentage points, has Newcombe's interval built on them
(`intervals.difference_interval`). A count of attacks or of launches is a fact of the record, not
an estimate: it is given as it is, with a range over months where it is an average.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.errors import ParameterError
from analysis.record.facts import RecordFacts, format_month
from analysis.record.weapons import MISSILE_CLASSES as WEAPONS_MISSILE_CLASSES
from analysis.stats.dispersion import wave_counts
from analysis.stats.intervals import difference_interval, mean_interval
from analysis.stats.rates import binomial_interval, usable_counts, wave_interval

CLASSES: tuple[str, ...] = ("drone", "cruise", "ballistic")
# Missiles launched: cruise, ballistic, S-300/S-400 fired at the ground, cruise and ballistic together.
MISSILE_CLASSES: tuple[str, ...] = WEAPONS_MISSILE_CLASSES

@dataclass(frozen=True)
class Period:
    """A run of whole days of report dates, both ends included, with a name a reader knows."""

    name: str
    start: pd.Timestamp
    end: pd.Timestamp

    @property
    def days(self) -> int:
        return int((self.end - self.start).days) + 1


def months_period(last_month: pd.Timestamp, months: int = 1) -> Period:
    """The `months` calendar months ending with `last_month` ("February–April 2026")."""
    last = pd.Timestamp(last_month).to_period("M")
    first = last - (months - 1)
    if months == 1:
        name = format_month(last.to_timestamp())
    elif first.year == last.year:
        name = f"{first.to_timestamp():%B}–{format_month(last.to_timestamp())}"
    else:
        name = f"{format_month(first.to_timestamp())}–{format_month(last.to_timestamp())}"
    return Period(name, first.to_timestamp(), last.to_timestamp(how="end").normalize())


def resolve_month(text: str, facts: RecordFacts) -> pd.Timestamp:
    """The first day of the month a report is about: `text` (YYYY-MM), or the record's latest
    complete month when empty. A month outside the record, or its unfinished last month, is
    refused with the months that can be asked for."""
    latest = facts.latest_complete_month
    first = facts.first_report.to_period("M").to_timestamp()
    if not text:
        chosen = latest
    else:
        try:
            chosen = pd.Period(text.strip(), freq="M").to_timestamp()
        except ValueError:
            raise ParameterError(f"parameter month = {text!r} is not a month (YYYY-MM)") from None
    if not first <= chosen <= latest:
        raise ParameterError(
            f"parameter month = {text or format_month(chosen)!r}: the record covers whole months "
            f"from {format_month(first)} to {format_month(latest)} (data through "
            f"{facts.data_through})")
    return chosen


def comparison_periods(latest_month: pd.Timestamp, months: int) -> tuple[Period, Period, Period]:
    """(recent, the months before, a year earlier): `months` complete months to `latest_month`."""
    last = pd.Timestamp(latest_month)
    return (months_period(last, months),
            months_period(last - pd.DateOffset(months=months), months),
            months_period(last - pd.DateOffset(months=12), months))


def class_shares(record: pd.DataFrame, period: Period,
                 classes: tuple[str, ...] = CLASSES) -> pd.DataFrame:
    """Per class: waves, launched, stopped (`neutralised`), `rate`, `low`, `high`, `note` in the
    period, national reports, rows with both counts (`rates.wave_interval` over attacks)."""
    counts = wave_counts(record, "neutralised", "national", "class", period.start, period.end)
    rows = []
    for weapon_class in classes:
        chosen = counts.loc[counts["class"] == weapon_class]
        k, n = chosen["counted"].to_numpy(float), chosen["launched"].to_numpy(float)
        low, high, note = wave_interval(k, n)
        rows.append({"class": weapon_class, "waves": len(n), "launched": int(n.sum()),
                     "stopped": int(k.sum()), "rate": k.sum() / n.sum() if n.sum() else np.nan,
                     "low": low, "high": high, "note": note})
    return pd.DataFrame(rows).set_index("class")


def launches(record: pd.DataFrame, period: Period,
             classes: tuple[str, ...] = (*CLASSES, "sam", "mixed")) -> pd.Series:
    """National launches of each class in the period, every row that gives a count."""
    rows = record.loc[(record["command"] == "national")
                      & record["report_date"].between(period.start, period.end)]
    launched = pd.to_numeric(rows["launched"], errors="coerce").groupby(rows["weapon_class"]).sum()
    return launched.reindex(list(classes), fill_value=0).astype("int64")


def compare_periods(record: pd.DataFrame, current: Period, others: list[Period],
                    classes: tuple[str, ...] = CLASSES) -> pd.DataFrame:
    """Each class in `current` against each of `others`: launches and the share stopped.

    `record` is the tidy record with wave ids (`rates.with_wave_ids`). One row per class and
    comparison. Columns: `class`, `period`, `compared_with`; `launched`, `launched_before` (every
    national row with a count) and `launched_change` (relative, 0.1 = +10%); `rate`, `low`, `high`
    and `rate_before`, `low_before`, `high_before` (the share stopped with its 95% interval that
    allows for the night-to-night spread, `class_shares`); `change_pp` with `change_low_pp`,
    `change_high_pp` (percentage points, Newcombe); `waves`, `waves_before`; `direction` (up,
    down, or no clear change when the interval of the change holds 0); `note` (too few attacks
    for an interval to hold its level, per period, or '').
    """
    now, launched_now = class_shares(record, current, classes), launches(record, current, classes)
    rows = []
    for other in others:
        then = class_shares(record, other, classes)
        launched_then = launches(record, other, classes)
        for weapon_class in classes:
            a, b = now.loc[weapon_class], then.loc[weapon_class]
            low, high = difference_interval(a["rate"], a["low"], a["high"],
                                            b["rate"], b["low"], b["high"])
            change = a["rate"] - b["rate"]
            direction = ("no clear change" if not (np.isfinite(low) and (low > 0 or high < 0))
                         else "up" if change > 0 else "down")
            before = int(launched_then[weapon_class])
            rows.append({
                "class": weapon_class, "period": current.name, "compared_with": other.name,
                "launched": int(launched_now[weapon_class]), "launched_before": before,
                "launched_change": (launched_now[weapon_class] / before - 1) if before else np.nan,
                "rate": a["rate"], "low": a["low"], "high": a["high"],
                "rate_before": b["rate"], "low_before": b["low"], "high_before": b["high"],
                "change_pp": 100 * change, "change_low_pp": 100 * low, "change_high_pp": 100 * high,
                "waves": a["waves"], "waves_before": b["waves"], "direction": direction,
                "note": "; ".join(f"{period.name}: {note}" for period, note
                                  in ((current, a["note"]), (other, b["note"])) if note),
            })
    table = pd.DataFrame(rows)
    for column in ("waves", "waves_before"):
        table[column] = table[column].astype("Int64")
    return table


# --------------------------------------------------------------------------- what got through


def _not_stopped(waves: pd.DataFrame, weapon_class: str) -> pd.Series:
    """Launched minus neutralised of one class per wave; missing where a count is missing or where
    the wave counts more stopped than launched (which cannot be true: left out, as the rates do)."""
    launched = waves[f"{weapon_class}_launched"].astype("Float64")
    stopped = (waves[f"{weapon_class}_destroyed"].astype("Float64")
               + waves[f"{weapon_class}_not_reached"].astype("Float64"))
    left = launched - stopped
    return left.mask(left < 0)


def got_through_by_wave(waves: pd.DataFrame, start: pd.Timestamp | None = None,
                        end: pd.Timestamp | None = None) -> pd.DataFrame:
    """National waves with launched and not stopped per class: drones, missiles and all.

    Columns: `wave_id`, `report_date`, `launched`, `drone_launched`, `missile_launched`,
    `drone_not_stopped`, `missile_not_stopped` (`MISSILE_CLASSES`: cruise, ballistic, S-300/S-400, mixed), `not_stopped`.
    "Not stopped" is launched minus the `neutralised` count: weapons not reported shot down,
    jammed or lost; they hit something, fell, or were not accounted for.
    """
    national = waves.loc[~waves["regional"].astype(bool)]
    if start is not None:
        national = national.loc[national["report_date"] >= start]
    if end is not None:
        national = national.loc[national["report_date"] <= end]
    missile_launched = sum(national[f"{c}_launched"].astype("Float64") for c in MISSILE_CLASSES)
    missile_not = sum(_not_stopped(national, c) for c in MISSILE_CLASSES)
    table = pd.DataFrame({
        "wave_id": national["wave_id"], "report_date": national["report_date"],
        "launched": national["total_launched"].astype("Float64"),
        "drone_launched": national["drone_launched"].astype("Float64"),
        "missile_launched": missile_launched,
        "drone_not_stopped": _not_stopped(national, "drone"),
        "missile_not_stopped": missile_not,
    })
    table["not_stopped"] = table["drone_not_stopped"] + table["missile_not_stopped"]
    return table.reset_index(drop=True)


def large_attacks(by_wave: pd.DataFrame, min_size: int, periods: list[Period]) -> pd.DataFrame:
    """Per period, the attacks of at least `min_size` drones and missiles (`got_through_by_wave`):
    `attacks`, `mean` not stopped per attack with its 95% interval `low`, `high`, `median`
    and `most`. Indexed by period name."""
    large = by_wave.loc[by_wave["launched"].fillna(0) >= min_size]
    rows = []
    for period in periods:
        values = large.loc[large["report_date"].between(period.start, period.end), "not_stopped"]
        values = values.astype("Float64").dropna().to_numpy(float)
        mean, low, high = mean_interval(values)
        rows.append({"period": period.name, "attacks": len(values), "mean": mean, "low": low,
                     "high": high, "median": float(np.median(values)) if len(values) else np.nan,
                     "most": float(values.max()) if len(values) else np.nan})
    return pd.DataFrame(rows).set_index("period")


def got_through_by_month(by_wave: pd.DataFrame) -> pd.DataFrame:
    """Per calendar month of `got_through_by_wave`: waves, launched and not stopped (sums)."""
    month = by_wave["report_date"].dt.to_period("M").dt.to_timestamp()
    columns = ["launched", "drone_launched", "missile_launched", "drone_not_stopped",
               "missile_not_stopped", "not_stopped"]
    table = by_wave.groupby(month)[columns].sum(min_count=1)
    table.insert(0, "waves", by_wave.groupby(month).size())
    table.index.name = "month"
    return table


# --------------------------------------------------------------------------- where it landed

#: The record's own columns on what got through, summed over an attack's rows (each post gives
#: them once, on one of its rows), with the words for them.
DAMAGE_COLUMNS: dict[str, str] = {
    "num_hit_location": "places_hit",
    "num_fall_fragment_location": "debris_places",
    "turbojet": "jets_launched",
    "turbojet_destroyed": "jets_destroyed",
}


def damage_by_wave(record: pd.DataFrame, waves: pd.DataFrame, start: pd.Timestamp | None = None,
                   end: pd.Timestamp | None = None) -> pd.DataFrame:
    """National attacks with what got through and where, from the record's own columns.

    `record` is the tidy record with wave ids (`rates.with_wave_ids`), `waves` its wave table.
    Columns: those of `got_through_by_wave`, then `stopped` (launched minus not stopped), the
    places hit (`num_hit_location`) and where debris fell (`num_fall_fragment_location`), jets
    launched and destroyed (`turbojet`, `turbojet_destroyed`: jet-powered Shaheds), each summed
    over the attack's rows and missing where no row gives it, and `regions_hit` (the oblasts of
    `affected region`, `regions.region_of`, joined with '; ', '' where none is named).
    """
    from analysis.record.regions import HIT_COLUMN, names_in_list, region_of

    by_wave = got_through_by_wave(waves, start, end)
    rows = record.loc[(record["command"] == "national") & record["wave_id"].isin(by_wave["wave_id"])]
    out = by_wave.copy()
    out["stopped"] = out["launched"] - out["not_stopped"]
    for column, name in DAMAGE_COLUMNS.items():
        if column in rows.columns:
            values = pd.to_numeric(rows[column], errors="coerce").groupby(rows["wave_id"]).sum(min_count=1)
            out[name] = out["wave_id"].map(values).astype("Float64")
        else:
            out[name] = pd.array([pd.NA] * len(out), dtype="Float64")
    if HIT_COLUMN in rows.columns:
        regions = {}
        for wave, text in zip(rows["wave_id"], rows[HIT_COLUMN], strict=True):
            for place in names_in_list(text):
                for region in region_of(place)[0]:
                    regions.setdefault(wave, {})[region] = None
        out["regions_hit"] = out["wave_id"].map(lambda w: "; ".join(regions.get(w, {})))
    else:
        out["regions_hit"] = ""
    return out


def damage_by_month(by_wave: pd.DataFrame) -> pd.DataFrame:
    """Per calendar month of `damage_by_wave`: attacks, launched, stopped, not stopped, and for
    places hit, debris and jets the sum over the attacks that give it with its coverage, the share
    of the month's attacks that report it (`<name>_coverage`), and `regions_hit_coverage`."""
    month = by_wave["report_date"].dt.to_period("M").dt.to_timestamp()
    table = by_wave.groupby(month)[["launched", "stopped", "not_stopped"]].sum(min_count=1)
    table.insert(0, "attacks", by_wave.groupby(month).size())
    for name in DAMAGE_COLUMNS.values():
        table[name] = by_wave[name].groupby(month).sum(min_count=1)
        table[f"{name}_coverage"] = by_wave[name].notna().groupby(month).mean()
    table["regions_hit_coverage"] = (by_wave["regions_hit"] != "").groupby(month).mean()
    table.index.name = "month"
    return table


def damage_in_large_attacks(by_wave: pd.DataFrame, min_size: int, period: Period) -> pd.DataFrame:
    """The attacks of at least `min_size` drones and missiles reported in `period`, with what got
    through and where (`damage_by_wave`), largest first."""
    inside = by_wave.loc[by_wave["report_date"].between(period.start, period.end)
                         & (by_wave["launched"].fillna(0) >= min_size)]
    return inside.sort_values("launched", ascending=False, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- places named


MIN_NAMED = 10  # fewer attacks naming any region: counts only, no shares or changes


def places_change(places: pd.DataFrame, wave_dates: pd.Series, role: str, current: Period,
                  before: Period, top: int = 10, min_named: int = MIN_NAMED) -> pd.DataFrame:
    """The places most often named in `role` (targeted or hit) in `current`, against `before`.

    `places` is `analysis.record.regions.named_places` of the national rows, counted by
    `region` (the oblast each name lies in: Dnipro city and "Dnipro oblast" are Dnipropetrovsk
    oblast) where it has that column, else by the name as written; `wave_dates` maps every
    national wave id to its report date; the column `place` of the result holds the region. A
    share is the waves naming the place over the waves naming any place in that role, with a Wilson interval (waves are the units); the change
    is in percentage points (Newcombe). Columns: `place`, `waves`, `share`, `low`, `high`,
    `waves_before`, `share_before`, `change_pp`, `change_low_pp`, `change_high_pp`; attrs hold
    `named` and `named_before` (waves naming any place) and `waves_total`, `waves_total_before`.
    A period in which fewer than `min_named` waves name any place gets counts only: a share of
    three attacks says little and its change even less.
    """
    chosen = places.loc[places["role"] == role]
    by = "region" if "region" in chosen.columns else "place"
    counts, named, totals = {}, {}, {}
    for key, period in (("now", current), ("before", before)):
        inside = chosen.loc[chosen["report_date"].between(period.start, period.end)]
        counts[key] = inside.groupby(by)["wave_id"].nunique()
        named[key] = int(inside["wave_id"].nunique())
        totals[key] = int(wave_dates.between(period.start, period.end).sum())
    order = counts["now"].sort_values(ascending=False, kind="stable").head(top).index
    def share(k: int, n: int) -> tuple[float, float, float]:
        return (k / n, *binomial_interval(k, n)) if n >= max(1, min_named) else (np.nan, np.nan, np.nan)

    rows = []
    for place in order:
        k1, k0 = int(counts["now"].get(place, 0)), int(counts["before"].get(place, 0))
        p1, low1, high1 = share(k1, named["now"])
        p0, low0, high0 = share(k0, named["before"])
        low, high = difference_interval(p1, low1, high1, p0, low0, high0)
        rows.append({"place": place, "waves": k1, "share": p1, "low": low1, "high": high1,
                     "waves_before": k0, "share_before": p0, "change_pp": 100 * (p1 - p0),
                     "change_low_pp": 100 * low, "change_high_pp": 100 * high})
    table = pd.DataFrame(rows, columns=["place", "waves", "share", "low", "high", "waves_before",
                                        "share_before", "change_pp", "change_low_pp",
                                        "change_high_pp"])
    table.attrs.update(named=named["now"], named_before=named["before"],
                       waves_total=totals["now"], waves_total_before=totals["before"])
    return table


# --------------------------------------------------------------------------- decoys and tempo


ROUNDED_TO = 10  # the posts give the number of real Shaheds in round tens ("about 250")


def decoys(shahed: pd.DataFrame, period: Period) -> dict[str, float]:
    """Decoys among the Shahed-type drones of the reports that give the real count, and the share
    stopped with and without them.

    `shahed` is `analysis.record.overview.shahed_rows` with wave ids. Decoys are the Shahed-type
    launched minus the real Shaheds (`shahed_real`). The record does not say how many of the
    stopped drones were decoys, so the share of real Shaheds stopped is a range: from "every decoy
    was among those stopped" (low) to "no decoy was" (high). Keys: `launched`, `real`, `decoys`,
    `stopped`, `waves`, `decoy_share` with `decoy_low`, `decoy_high` and `stopped_share` with
    `stopped_low`, `stopped_high` (95%, night-to-night spread), `real_stopped_low`,
    `real_stopped_high` (the range), `coverage` (share of the period's Shahed-type launches in
    reports that give the real count), `rounding`: the posts give the real count in round tens
    ("about 250"), so each may be off by up to 5; the decoy share's bounds are widened by the most
    that could move it (5 per report whose count is a multiple of 10, over the launches).
    """
    rows = shahed.loc[shahed["report_date"].between(period.start, period.end)]
    all_launched = float(pd.to_numeric(rows["launched"], errors="coerce").sum())
    given = usable_counts(rows.loc[rows["shahed_real"].notna()], "neutralised")
    result: dict[str, float] = {"launched": 0.0, "real": 0.0, "decoys": 0.0, "stopped": 0.0,
                                "waves": 0, "coverage": 0.0, "rounding": 0.0}
    nan = float("nan")
    result.update(dict.fromkeys(("decoy_share", "decoy_low", "decoy_high", "stopped_share",
                                 "stopped_low", "stopped_high", "real_stopped_low",
                                 "real_stopped_high"), nan))
    if given.empty:
        return result
    per_wave = pd.DataFrame({
        "n": given["_n"], "k": given["_k"],
        "real": np.minimum(pd.to_numeric(given["shahed_real"]).to_numpy(float), given["_n"]),
    }).groupby(given["wave_id"].to_numpy()).sum()
    n, k, real = per_wave["n"].to_numpy(), per_wave["k"].to_numpy(), per_wave["real"].to_numpy()
    launched, stopped, real_total = n.sum(), k.sum(), real.sum()
    decoy_low, decoy_high, _ = wave_interval(n - real, n)
    round_tens = pd.to_numeric(given["shahed_real"], errors="coerce").fillna(1) % ROUNDED_TO == 0
    rounding = ROUNDED_TO / 2 * float(round_tens.sum()) / n.sum()
    decoy_low, decoy_high = max(0.0, decoy_low - rounding), min(1.0, decoy_high + rounding)
    stopped_low, stopped_high, _ = wave_interval(k, n)
    decoy_total = launched - real_total
    result.update(
        launched=launched, real=real_total, decoys=decoy_total, stopped=stopped, waves=len(n),
        coverage=launched / all_launched if all_launched else nan,
        decoy_share=decoy_total / launched, decoy_low=decoy_low, decoy_high=decoy_high, rounding=rounding,
        stopped_share=stopped / launched, stopped_low=stopped_low, stopped_high=stopped_high,
    )
    if real_total > 0:
        result["real_stopped_low"] = max(0.0, stopped - decoy_total) / real_total
        result["real_stopped_high"] = min(stopped, real_total) / real_total
    return result


def monthly_shahed_share(rows: pd.DataFrame) -> pd.DataFrame:
    """Per month: real Shaheds among Shahed-type launches, on the reports that give the real count.

    `rows` are `analysis.record.overview.shahed_rows`, with wave ids (`rates.with_wave_ids`) if
    the interval is to allow for the spread between waves (without them each row is its own
    cluster). Columns: `launched_counted` (Shahed-type launched in the rows that give
    `shahed_real`), `shahed_real`, `share` with its 95% interval `low`, `high`
    (`rates.wave_interval`); `launched_all` (every Shahed-type launch of the month) and `coverage` =
    launched_counted / launched_all. Months run from the first month with a count; a later month
    without one has coverage 0 and NaN share. Empty if no row gives the count.
    """
    columns = ["launched_counted", "shahed_real", "share", "low", "high", "launched_all", "coverage"]
    given = rows["shahed_real"].notna()
    if not given.any():
        return pd.DataFrame(columns=columns, index=pd.DatetimeIndex([], name="month"))
    month = rows["report_date"].dt.to_period("M").dt.to_timestamp()
    launched = rows["launched"].astype("Float64").fillna(0)
    cluster = rows["wave_id"] if "wave_id" in rows.columns else pd.Series(rows.index, rows.index)
    frame = pd.DataFrame({
        "month": month, "cluster": cluster, "launched_all": launched,
        "launched_counted": launched.where(given, 0),
        "shahed_real": np.minimum(rows["shahed_real"].astype("Float64").fillna(0),
                                  launched.where(given, 0)),
    })
    table = frame.groupby("month")[["launched_counted", "shahed_real", "launched_all"]].sum()
    table = table.astype("int64").loc[lambda t: t.index >= month[given].min()]
    per_wave = frame.loc[given].groupby(["month", "cluster"])[["shahed_real", "launched_counted"]].sum()
    bounds = {m: wave_interval(w["shahed_real"].to_numpy(float), w["launched_counted"].to_numpy(float))
              for m, w in per_wave.groupby(level="month")}
    shares = table["shahed_real"] / table["launched_counted"].where(table["launched_counted"] > 0)
    table["share"] = shares.astype(float)
    table["low"] = [bounds.get(m, (np.nan, np.nan, ""))[0] for m in table.index]
    table["high"] = [bounds.get(m, (np.nan, np.nan, ""))[1] for m in table.index]
    table["coverage"] = table["launched_counted"] / table["launched_all"]
    return table[columns]
