"""Write notebooks/01-explore-strike-record.ipynb (committed without outputs) and its parameter sets.

Run from the project root: `.venv/bin/python tools/notebooks_01.py`. Edit the cells here, not in
the .ipynb, so the notebook stays reviewable as Python.
"""

from __future__ import annotations

from notebook_builder import write_notebook

NAME = "01-explore-strike-record"

PARAMETERS = '''\
record = ""  # str: record file; "" = $AIRDEF_RECORD, then the fetched copy in data/external/
start = "2022-09-01"  # str: first report date included (YYYY-MM-DD)
end = ""  # str: last report date included (YYYY-MM-DD); "" = the record's last date
min_wave_size = 10  # int [1, 100000]: launches a national wave needs to count in the tempo
recent_weeks = 12  # int [1, 520]: weeks back from the end for the recent tempo
top_waves = 10  # int [1, 100]: how many of the largest waves to list
'''

CELLS = [
    ("md", """\
# The strike record at a glance

What does the public record of Russian missile and drone attacks on Ukraine hold, and how has the
attack changed? This notebook shows monthly launches by weapon class, wave sizes and tempo, the
share of real Shaheds among "Shahed-type" launches, national against regional reports, and what
the loader had to correct. Every time plot marks when the Air Force changed how it counted drones
(dashed lines): interception figures are not comparable across those lines, launch counts are.

Run it as it is (default parameters), or through the runner:
`python -m analysis report 01-explore-strike-record --params ci`."""),
    ("params", PARAMETERS),
    ("code", """\
from analysis.parameters import check_parameters

params = check_parameters("01-explore-strike-record", globals())"""),
    ("md", """\
## The record

One row per report window, weapon model and reporting command (see CONTRIBUTING.md, "The tidy
record"). A *wave* is the set of rows of one post whose windows overlap, dated by the morning it
was reported."""),
    ("code", """\
from pathlib import Path

from IPython.display import display

from analysis.plots import record as overview
from analysis.provenance import provenance
from analysis.rates import binomial_interval
from analysis.record import load_record, waves
from analysis.summary import Summary
from analysis.tables import show_table

full_record = load_record(record or None)
period_start, period_end = overview.parse_period(start, end, full_record)
strikes = overview.in_period(full_record, period_start, period_end)
wave_table = waves(strikes)
national = overview.national_waves(wave_table, min_wave_size)
period = f"{period_start:%d %b %Y} to {period_end:%d %b %Y}"
print(f"{len(strikes):,} rows and {len(wave_table):,} waves reported {period}")"""),
    ("md", """\
## Monthly launches by weapon class

National-command rows only: the regional commands mostly report small drones they destroyed,
which can overlap the national post. Months before about August 2024 are incomplete (not every
day was covered), and the last month is usually partial."""),
    ("code", """\
monthly_national = overview.monthly_launches(strikes, "national")
monthly_regional = overview.monthly_launches(strikes, "regional")
fig_monthly = overview.plot_monthly_launches(
    monthly_national, "Launches per month by weapon class (national command)"
)"""),
    ("md", """\
## National versus regional reports

Regional commands (`PvK...` accounts) report fewer and smaller numbers; where both report a night,
their figures can overlap. Totals by class and command over the period:"""),
    ("code", """\
totals = overview.totals_by_command(strikes)
display(show_table(totals, counts=totals.columns, rename={"weapon_class": "weapon class"},
                   caption=f"Launches by weapon class and reporting command, {period}"))
fig_commands = overview.plot_national_vs_regional(monthly_national, monthly_regional)"""),
    ("md", """\
## Waves: size and tempo

National waves with at least `min_wave_size` launches, counted per week, and the largest wave of
each week. Then the largest waves of the period."""),
    ("code", """\
weekly = overview.weekly_tempo(national, period_start, period_end)
fig_tempo = overview.plot_tempo(weekly, min_wave_size)
tempo = overview.recent_tempo(national, period_end, recent_weeks)
print(f"last {recent_weeks} weeks: {tempo['count']} waves, {tempo['per_week']:.2f} per week "
      f"(95% interval {tempo['low']:.2f} to {tempo['high']:.2f})")
largest = overview.largest_waves(national, top_waves)
display(show_table(
    largest, counts=["total_launched", "drone_launched", "cruise_launched", "ballistic_launched",
                     "total_neutralised"],
    columns=["report_date", "total_launched", "drone_launched", "cruise_launched", "ballistic_launched",
             "total_neutralised"],
    rename={"report_date": "reported", "total_launched": "launched, all", "drone_launched": "drones",
            "cruise_launched": "cruise missiles", "ballistic_launched": "ballistic missiles",
            "total_neutralised": "neutralised"},
    caption=f"The {len(largest)} largest national waves, {period}"))"""),
    ("md", """\
## Real Shaheds among "Shahed-type" launches

Since mid-July 2025 the record gives how many of the "Shahed-136/131" launched were real Shaheds
(`is_shahed`); the rest were decoys such as Gerbera. Not every report gives that count: the share is
computed on the reports that do, and the table says how much of each month's Shahed-type launches
those reports cover (national rows). A month of low coverage rests on a few reports and may not
stand for the month. The intervals are 95% Wilson intervals, which treat each launch as
independent: read them as a lower bound on the uncertainty."""),
    ("code", """\
shahed = overview.shahed_rows(strikes)
shahed_share = overview.monthly_shahed_share(shahed)
real_shaheds = int(shahed_share["shahed_real"].clip(upper=shahed_share["launched_counted"]).sum())
shahed_launched = int(shahed_share["launched_counted"].sum())
shahed_all = int(shahed_share["launched_all"].sum())
if shahed_launched:
    fig_shahed = overview.plot_shahed_share(shahed_share)
    display(show_table(
        shahed_share, percent=["share", "low", "high", "coverage"],
        counts=["launched_counted", "shahed_real", "launched_all"],
        intervals={"95% interval": ("low", "high")}, dates={"month": "%b %Y"},
        rename={"launched_counted": "Shahed-type launched in reports that give the real count",
                "shahed_real": "real Shaheds", "share": "real share",
                "launched_all": "Shahed-type launched, all national reports",
                "coverage": "coverage (share of the month's Shahed-type launches with the count)"},
        caption=f"Real Shaheds among Shahed-type launches, by month reported, on the national reports "
                f"that give the real count ({shahed_launched:,} of {shahed_all:,} Shahed-type launches "
                f"from {shahed_share.index.min():%b %Y}, {shahed_launched / shahed_all:.0%}); coverage is "
                "the share of the month's Shahed-type launches whose report gives it, and a month "
                "without any such report has no share. Earlier months give no count at all."))
else:
    print("no month of the period gives the number of real Shaheds")"""),
    ("md", """\
## Data quality

What the loader corrected or flagged in the file (red), and counts a reader should keep in mind
(grey), over the whole file."""),
    ("code", """\
quality = overview.data_quality(full_record)
fig_quality = overview.plot_data_quality(quality)
display(show_table(quality, counts=["rows"], caption="What the loader corrected or flagged, whole file"))"""),
    ("md", """\
## Headline figures

Totals are sums of national-command rows over the period; the tempo interval is an exact Poisson
interval; the Shahed share interval a Wilson interval."""),
    ("code", """\
summary = Summary(
    "The strike record at a glance",
    provenance=provenance(params, {
        "record": Path(full_record.attrs["record_path"]),
        "catalogue": Path(full_record.attrs["catalogue_path"]),
    }),
)
for weapon_class in ("drone", "cruise", "ballistic"):
    launched = int(totals["national"].get(weapon_class, 0))
    summary.add(f"{weapon_class} launches, national", launched, unit="launches", note=period)
summary.add("launches reported by regional commands", int(totals["regional"].sum()),
            unit="launches", note="all classes; can overlap national reports")
if len(largest):
    summary.add("largest wave", int(largest.loc[0, "total_launched"]), unit="launches",
                note=f"reported {largest.loc[0, 'report_date']:%d %b %Y}")
summary.add(f"waves per week, last {recent_weeks} weeks", tempo["per_week"], tempo["low"],
            tempo["high"], unit="waves/week", interval="95% exact Poisson",
            note=f"national waves of {min_wave_size}+ launches since {tempo['since']:%d %b %Y}")
if shahed_launched:
    low, high = binomial_interval(real_shaheds, shahed_launched)
    summary.add("real Shaheds among Shahed-type launches", real_shaheds / shahed_launched, low, high,
                unit="share", interval="95% Wilson",
                note=f"{real_shaheds:,} of {shahed_launched:,} launched in the reports that give the real "
                     f"count ({shahed_launched / shahed_all:.0%} of {shahed_all:,} Shahed-type launches), "
                     f"{shahed_share.index.min():%b %Y} on")
summary.add("loader notes (corrected or flagged)", len(full_record.attrs.get("notes", [])), unit="notes")
summary.add("rows without a launched count", int(full_record["launched"].isna().sum()), unit="rows")
summary.extra = {
    "period": [f"{period_start:%Y-%m-%d}", f"{period_end:%Y-%m-%d}"],
    "national_launches_by_month": {
        f"{month:%Y-%m}": {k: int(v) for k, v in row.items()}
        for month, row in monthly_national.iterrows()
    },
    "totals_by_command": {k: {c: int(v) for c, v in row.items()} for k, row in totals.iterrows()},
    "national_waves": len(national),
}
summary.set_main_figure(fig_monthly)
summary"""),
]


if __name__ == "__main__":
    write_notebook(
        NAME, CELLS, needs_record=True,
        parameter_sets_yaml=(
            "default: {}\n"
            "# small and quick, for tests: one recent year\n"
            "ci:\n  start: \"2025-06-01\"\n  recent_weeks: 8\n  top_waves: 5\n"
        ),
    )
