"""Interception at the grain readers ask about: weapon families, not only classes.

A class average hides its families' stories (Kinzhal is not Kh-101). This module gives:

- `family_table`: one row per family (`analysis/record/weapon_classes.csv` decides each model's
  family) with the raw share and its interval over attacks, from `rates.rate_table`, the function
  the class rates use, beside the partially pooled share of `analysis.stats.pooling` and how far
  pooling moved it. A combined label ("C-400 and Iskander-M": models of different families in one
  count) is a row of its own, and `combined_share` says how much of each class sits in such rows.
- `sam_readings`: the ballistic share with and without the S-300/S-400 surface-to-air missiles
  fired at ground targets (class `sam`, never destroyed: no layer engages them on such short
  flights), the one place the project shows the old pooled figure beside its own.

Shares are the record's counts over launches, national posts unless asked otherwise. Under the
`destroyed` counting a drone family is split by reporting period (its meaning changed twice); a
missile's `destroyed` kept its meaning, so missile families are not split.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.record.weapons import WEAPON_CLASSES, is_combined
from analysis.stats.pooling import MIN_LAUNCHED, pool_families, within_unit_correlation
from analysis.stats.rates import (
    RateError,
    rate_columns,
    rate_table,
    select_rows,
    usable_counts,
    wave_interval,
    with_wave_ids,
)

#: The classes whose `destroyed` count changed meaning with the reporting conventions.
CONVENTION_CLASSES: tuple[str, ...] = ("drone",)
#: The label of the one counting period of a class whose count kept its meaning.
THROUGHOUT = "throughout"
#: Units of dependence the pooling can use: calendar months, or attacks (within a short period).
UNITS: dict[str, str] = {"month": "months", "wave": "attacks"}
POOLED_COLUMNS = ["combined", "share_of_class", "units", "pooled", "pooled_low", "pooled_high",
                  "moved_pp"]


def counting_periods(record: pd.DataFrame) -> pd.DataFrame:
    """The record with `convention` kept only where the count's meaning changed for the row's
    class (`CONVENTION_CLASSES`); `THROUGHOUT` for every other row."""
    out = record.copy()
    out["convention"] = out["convention"].where(out["weapon_class"].isin(CONVENTION_CLASSES),
                                                THROUGHOUT)
    out.attrs = dict(record.attrs)
    return out


def unit_position(rows: pd.DataFrame, unit: str) -> pd.Series:
    """Each row's unit of dependence as a whole number in time order, so that units next to each
    other in time are 1 apart: its report month (months since year 0), or its attack (the rank of
    the attack's first start among the rows' attacks)."""
    if unit == "month":
        dates = pd.to_datetime(rows["report_date"])
        return (dates.dt.year * 12 + dates.dt.month - 1).astype("int64")
    if unit == "wave":
        first = pd.to_datetime(rows["start"]).groupby(rows["wave_id"].astype(str)).transform("min")
        order = pd.DataFrame({"first": first, "wave": rows["wave_id"].astype(str)})
        ranks = order.drop_duplicates("wave").sort_values(["first", "wave"]).reset_index(drop=True)
        return order["wave"].map(dict(zip(ranks["wave"], ranks.index, strict=True))).astype("int64")
    raise RateError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")


def family_table(record: pd.DataFrame, convention: str = "neutralised", command: str = "national",
                 start: pd.Timestamp | str | None = None, end: pd.Timestamp | str | None = None,
                 method: str = "wilson", alpha: float = 0.05, unit: str = "month") -> pd.DataFrame:
    """Interception by weapon family: raw shares with intervals over attacks, and pooled shares.

    Columns: `class`, `family` (and `convention` under `destroyed`: the reporting period for
    drone families, `throughout` for the others), then `rates.rate_columns` (`launched`, the count,
    `rate`, binomial `ci_low`/`ci_high`, `method`, `waves`, `dispersion`, the interval over attacks
    `od_low`/`od_high`, `note`), then `combined` (a combined label), `share_of_class` (its share
    of the class's launches), `units` (months, or attacks, with launches), `pooled`, `pooled_low`,
    `pooled_high` (the partially pooled share across the families of the class and counting
    period, `analysis.stats.pooling`, 1 - alpha; missing for a family of fewer than
    `pooling.MIN_LAUNCHED` launches, which still informs its class) and `moved_pp` (pooled minus raw, in percentage
    points). Rows by class, then launches, largest first. attrs: `combined_share` (per class, the
    share of its launches in combined labels), `pooling` (per class: `mu`, `kappa`, `rho`), `unit`,
    and those of `rate_table`.
    """
    if unit not in UNITS:
        raise RateError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
    rows = with_wave_ids(record)
    if convention == "destroyed":
        rows = counting_periods(rows)
    table = rate_table(rows, by=["class", "family"], convention=convention, command=command,
                       method=method, alpha=alpha, start=start, end=end)
    base_attrs = dict(table.attrs)
    keys = base_attrs["keys"]
    group_keys = [k for k in keys if k != "family"]  # pooled within class (and counting period)

    usable = usable_counts(select_rows(rows, command, start, end), convention)
    frame = pd.DataFrame({
        "class": usable["weapon_class"].astype(str), "family": usable["family"].astype(str),
        "convention": usable["convention"].astype(str), "unit": unit_position(usable, unit),
        "k": usable["_k"], "n": usable["_n"],
    })
    per_unit = frame.groupby([*keys, "unit"], sort=True)[["k", "n"]].sum().reset_index()
    units_of = {key: (g["k"].to_numpy(), g["n"].to_numpy(), g["unit"].to_numpy())
                for key, g in per_unit.groupby(keys, sort=False)}
    frame["attack"] = usable["wave_id"].astype(str)
    per_attack = frame.groupby([*keys, "attack"], sort=False)[["k", "n"]].sum().reset_index()
    attacks_of = {key: (g["k"].to_numpy(), g["n"].to_numpy())
                  for key, g in per_attack.groupby(keys, sort=False)}
    # where a group cannot give the within-unit correlation (one family never stopped), all can
    fallback = within_unit_correlation(list(units_of.values()))
    fallback = 0.0 if not np.isfinite(fallback) else fallback
    attack_fallback = within_unit_correlation(list(attacks_of.values()))
    attack_fallback = 0.0 if not np.isfinite(attack_fallback) else attack_fallback

    table["combined"] = table["family"].map(is_combined).astype(bool)
    class_launched = table.groupby(group_keys)["launched"].transform("sum")
    table["share_of_class"] = table["launched"] / class_launched
    table["units"] = [len(units_of.get(tuple(r), ((), ()))[1]) for r in table[keys].itertuples(index=False)]
    for column in ("pooled", "pooled_low", "pooled_high"):
        table[column] = np.nan
    pooling: dict[str, dict[str, float]] = {}
    for group, members in table.groupby(group_keys, sort=False):
        group = group if isinstance(group, tuple) else (group,)
        members_keys = [tuple(r) for r in members[keys].itertuples(index=False)]
        result = pool_families([units_of[k] for k in members_keys], alpha, fallback_rho=fallback,
                               attacks=[attacks_of[k] for k in members_keys],
                               fallback_attack_rho=attack_fallback)
        table.loc[members.index, "pooled"] = result.pooled
        table.loc[members.index, "pooled_low"] = result.low
        table.loc[members.index, "pooled_high"] = result.high
        pooling[" ".join(str(g) for g in group)] = {"mu": result.mu, "kappa": result.kappa,
                                                    "rho": result.rho}
    too_few = table["launched"] < MIN_LAUNCHED
    table.loc[too_few, ["pooled", "pooled_low", "pooled_high"]] = np.nan
    few_note = f"fewer than {MIN_LAUNCHED} launches: counts only, no pooled share"
    table.loc[too_few, "note"] = [f"{n}; {few_note}" if n else few_note
                                  for n in table.loc[too_few, "note"]]
    table["moved_pp"] = 100 * (table["pooled"] - table["rate"])

    order = {c: i for i, c in enumerate(WEAPON_CLASSES)}
    table = table.sort_values(["class", *[k for k in group_keys if k != "class"], "launched"],
                              key=lambda s: s.map(order) if s.name == "class" else s,
                              ascending=[True] * len(group_keys) + [False], kind="stable")
    table = table.reset_index(drop=True)[[*keys, *rate_columns(convention), *POOLED_COLUMNS]]
    combined = table.loc[table["combined"]].groupby(group_keys)["launched"].sum()
    totals = table.groupby(group_keys)["launched"].sum()
    table.attrs = {
        **base_attrs, "unit": unit, "pooling": pooling,
        "combined_share": {" ".join(map(str, g if isinstance(g, tuple) else (g,))):
                        float(combined.get(g, 0) / totals[g]) for g in totals.index},
    }
    return table

#: The readings of the ballistic share `sam_readings` gives, in order, with the classes each pools.
SAM_READINGS: dict[str, tuple[str, ...]] = {
    "ballistic, S-300/S-400 apart": ("ballistic",),
    "ballistic with S-300/S-400 (as often published)": ("ballistic", "sam"),
    "ballistic without combined labels either": ("ballistic",),
}


def pooled_rows_share(rows: pd.DataFrame, convention: str) -> dict:
    """Launched, counted, share and its interval over attacks of rows of the tidy record (with a
    `wave_id` column), every row of a wave summed first: `rates.wave_interval`."""
    usable = usable_counts(rows, convention)
    per_wave = usable.groupby(usable["wave_id"].astype(str))[["_k", "_n"]].sum()
    k, n = per_wave["_k"].to_numpy(float), per_wave["_n"].to_numpy(float)
    low, high, note = wave_interval(k, n)
    return {"launched": int(n.sum()), "counted": int(k.sum()),
            "rate": k.sum() / n.sum() if n.sum() else np.nan, "low": low, "high": high,
            "waves": len(n), "note": note}


def sam_readings(record: pd.DataFrame, start: pd.Timestamp | str | None = None,
                 end: pd.Timestamp | str | None = None, command: str = "national",
                 conventions: tuple[str, ...] = ("destroyed", "neutralised")) -> pd.DataFrame:
    """The ballistic share with S-300/S-400 fired at ground targets apart (the project's class),
    pooled with them (as the record's catalogue and many tallies group them), and without the
    combined labels as well ("C-400 and Iskander-M" may hold S-300/S-400 too; the project keeps
    them in the class as the rows of their own they are), per counting.

    Columns: `reading`, `convention`, `launched`, `counted`, `rate`, `low`, `high`, `waves`,
    `note`; attrs `sam_launched`, `sam_counted` (the S-300/S-400 rows alone, `destroyed`).
    """
    rows = select_rows(with_wave_ids(record), command, start, end)
    table = []
    for reading, classes in SAM_READINGS.items():
        chosen = rows.loc[rows["weapon_class"].isin(classes)]
        if reading.endswith("either"):  # the rows that may hold S-300/S-400 too, and any other join
            chosen = chosen.loc[~chosen["family"].map(is_combined)]
        for convention in conventions:
            table.append({"reading": reading, "convention": convention,
                          **pooled_rows_share(chosen, convention)})
    out = pd.DataFrame(table)
    sam = pooled_rows_share(rows.loc[rows["weapon_class"] == "sam"], "destroyed")
    out.attrs.update(sam_launched=sam["launched"], sam_counted=sam["counted"])
    return out


# --------------------------------------------------------------------------- trends and labels


#: The families whose trend report 02 gives apart from their class's (ballistic first).
TREND_FAMILIES: tuple[str, ...] = ("Iskander-M/KN-23", "Kinzhal")


def as_class(record: pd.DataFrame, family: str) -> pd.DataFrame:
    """The record with one family standing in for a class: `weapon_class` is the family's name
    on its rows ('' elsewhere), so that the class-level machinery (monthly series, trend tests)
    runs on the family unchanged."""
    out = record.copy()
    out["weapon_class"] = np.where(out["family"] == family, family, "")
    out.attrs = dict(record.attrs)
    return out


def family_trends(record: pd.DataFrame, families: tuple[str, ...] = TREND_FAMILIES,
                  convention: str = "neutralised", command: str = "national",
                  start: pd.Timestamp | str | None = None, end: pd.Timestamp | str | None = None,
                  method: str = "wilson") -> pd.DataFrame:
    """`trend.trend_table` of each family's whole months (the test the class trend uses, with its
    month-to-month correlation), one row per family: column `class` holds the family's name."""
    from analysis.stats import trend

    start = trend.TREND_START if start in (None, "") else start
    series = {}
    for family in families:
        rows = as_class(record, family)
        series[(convention, family)] = trend.monthly_series(rows, family, convention, command,
                                                            start, end, method)
    return trend.trend_table(series)


LABEL_MIN_SHARE = 0.2  # of the class's launches, for a label's arrival or departure to count
LABEL_WINDOW = 6  # whole months either side of a change of labels


def label_changes(record: pd.DataFrame, weapon_class: str, convention: str = "neutralised",
                  command: str = "national", start: pd.Timestamp | str | None = None,
                  end: pd.Timestamp | str | None = None,
                  window: int = LABEL_WINDOW, min_share: float = LABEL_MIN_SHARE) -> pd.DataFrame:
    """Changes of labels within a class, and whether the class's share changed with them.

    A family *arrives* in the month of its first launch when that is after the period's first
    month and it then holds at least `min_share` of the class's launches over the next `window`
    months; it *leaves* after its last launch when two months or more of the period follow without
    it and it held at least `min_share` over the `window` months before. For each: the class's share stopped
    in the `window` whole months before and after (`rate_before`, `rate_after` with intervals over
    attacks), their difference in points with Newcombe's interval, and the same without the
    family that came or went (`*_others`), so a reader sees whether the class moved or only its
    labels. Columns: `class`, `family`, `change` (arrives, leaves), `month`, `share_of_class`,
    the figures above and `coincides` (the class's change is clear: its interval excludes 0).
    """
    from analysis.stats.intervals import difference_interval

    rows = usable_counts(select_rows(with_wave_ids(record), command, start, end), convention)
    rows = rows.loc[rows["weapon_class"] == weapon_class]
    columns = ["class", "family", "change", "month", "share_of_class", "rate_before",
               "low_before", "high_before", "rate_after", "low_after", "high_after",
               "change_pp", "change_low_pp", "change_high_pp", "rate_before_others",
               "rate_after_others", "change_others_pp", "change_others_low_pp",
               "change_others_high_pp", "coincides"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    month = pd.to_datetime(rows["report_date"]).dt.to_period("M")
    first, last = month.min(), month.max()
    found = []
    for family, own in rows.groupby("family"):
        own_months = month.loc[own.index]
        for change, when in (("arrives", own_months.min()), ("leaves", own_months.max() + 1)):
            # a departure needs two months without the family: the record's last is often partial
            if not first < when <= (last if change == "arrives" else last - 1):
                continue
            span = ((month >= when) & (month < when + window) if change == "arrives"
                    else (month < when) & (month >= when - window))
            share = own.loc[span.loc[own.index], "_n"].sum() / rows.loc[span, "_n"].sum()
            if share < min_share:
                continue
            before = (month < when) & (month >= when - window)
            after = (month >= when) & (month < when + window)
            figures = {}
            for suffix, chosen in (("", rows), ("_others", rows.loc[rows["family"] != family])):
                b = pooled_rows_share(chosen.loc[before.loc[chosen.index]], convention)
                a = pooled_rows_share(chosen.loc[after.loc[chosen.index]], convention)
                low, high = difference_interval(a["rate"], a["low"], a["high"],
                                                b["rate"], b["low"], b["high"])
                figures.update({f"rate_before{suffix}": b["rate"], f"rate_after{suffix}": a["rate"],
                                f"change{suffix}_pp": 100 * (a["rate"] - b["rate"]),
                                f"change{suffix}_low_pp": 100 * low,
                                f"change{suffix}_high_pp": 100 * high})
                if not suffix:
                    figures.update(low_before=b["low"], high_before=b["high"],
                                   low_after=a["low"], high_after=a["high"])
            low, high = figures["change_low_pp"], figures["change_high_pp"]
            found.append({"class": weapon_class, "family": family, "change": change,
                          "month": when.to_timestamp(), "share_of_class": float(share), **figures,
                          "coincides": bool(np.isfinite(low) and (low > 0 or high < 0))})
    return pd.DataFrame(found, columns=columns).sort_values("month", kind="stable").reset_index(drop=True)
