"""The public record of strike waves: where it is, reading and validating it, and the wave table.

    locate.py       which files are read (one rule for every command and notebook)
    read.py         the attack file as text: header, rows with line numbers, times and counts
    validate.py     the schema and domain rules behind `data check`
    load.py         `load_record`: the tidy record
    waves.py        `waves`: one row per attack
    weapons.py      the one table deciding each model's weapon class
    conventions.py  the drone-reporting conventions by date
    fetch.py        `data fetch`: the current public record into data/external/
"""

from analysis.record.conventions import COMBINED_FROM, CONVENTIONS, SPLIT_FROM, convention_of
from analysis.record.load import RecordWarning, load_record
from analysis.record.locate import find_record, resolve_catalogue_path, resolve_record_path
from analysis.record.waves import waves

__all__ = [
    "COMBINED_FROM",
    "CONVENTIONS",
    "SPLIT_FROM",
    "RecordWarning",
    "convention_of",
    "find_record",
    "load_record",
    "resolve_catalogue_path",
    "resolve_record_path",
    "waves",
]
