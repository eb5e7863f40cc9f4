"""The public record of strike waves: where it is, reading and validating it, and the wave table.

    locate.py       which files are read (one rule for every command and notebook)
    read.py         the attack file as text: header, rows with line numbers, times and counts
    validate.py     the schema and domain rules behind `data check`
    load.py         `load_record`: the tidy record
    waves.py        `waves`: one row per attack
    facts.py        `record_facts`: the period, wave counts and class totals every report states
    weapons.py      the one table deciding each model's weapon class
    conventions.py  the drone-reporting conventions by date
    fetch.py        `data fetch`: the current public record into data/external/
"""

from analysis.record.conventions import (
    COMBINED_FROM,
    COMPLETE_COVERAGE_FROM,
    CONVENTIONS,
    SPLIT_FROM,
    convention_of,
)
from analysis.record.facts import RecordFacts, record_facts
from analysis.record.load import RecordWarning, load_record
from analysis.record.locate import (
    SAMPLE_CATALOGUE,
    SAMPLE_RECORD,
    find_record,
    is_sample_record,
    resolve_catalogue_path,
    resolve_record_path,
)
from analysis.record.waves import waves

__all__ = [
    "COMBINED_FROM",
    "COMPLETE_COVERAGE_FROM",
    "CONVENTIONS",
    "SAMPLE_CATALOGUE",
    "SAMPLE_RECORD",
    "SPLIT_FROM",
    "RecordFacts",
    "RecordWarning",
    "convention_of",
    "find_record",
    "is_sample_record",
    "load_record",
    "record_facts",
    "resolve_catalogue_path",
    "resolve_record_path",
    "waves",
]
