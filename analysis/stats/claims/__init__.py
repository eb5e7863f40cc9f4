"""Published claims (YAML in `data/claims/`) checked against the wave table of the record.

A claims file lists what an article says in figures: a wave of so many drones on a given night, an
effectiveness rate, an increase in attacks. Each claim names its source, states its figures with
margins (the article's "nearly" and "about" made numeric) and, before the record is looked at,
its *main reading*: the most natural sense of the words. Other readings are computed and shown,
but with many readings some fit by chance, so they never turn a claim into "holds".

The verdicts, in plain words (the same rules stand in notebook 03):

- **holds**: the record shows the claim, within its margin. A figure of one wave: every figure, as
  named, is within its margin on the claimed night. A rate: every *informative* reading (its 95%
  interval no wider than the claim's precision, 12 points unless the claims file says otherwise)
  reaches the claim, taken at its own precision ("74%": 73.5-74.5%). A change: the whole 95%
  interval of the change lies on the claimed side (beyond the claim's margin, if it states one).
- **partly holds** (wave claims only): the figures are right but for another night than the one
  named, or some figures hold and others do not.
- **the record cannot tell** (rates): no reading is precise enough to decide. Not "false".
- **not shown** (changes): the interval of the change includes no change: the record cannot tell
  the change from none.
- **not confirmed** (rates): the informative readings disagree among themselves, some reaching the
  claim and some excluding it (a claim that leaves its period, weapons or counting unsaid is read
  every listed way; one that says them, only its own way).
- **does not hold**: a wave figure outside its margin (when it matches another quantity, e.g. all
  missiles for "ballistic missiles", the reason says it was mislabelled); a rate every informative
  reading of which excludes it; a change whose interval lies wholly on the other side.
- **cannot be checked**: the record has nothing to compare (no wave in the window, a claim about
  targets the record does not describe).

Every rate and change is pooled over the national waves of its period, its 95% interval the
project's one interval of a share (`analysis.stats.intervals`: over the attacks in time order, so
a spell of good or bad nights is allowed for); a single night's from the spread between nights of
its size around it. The rules are checked on simulated records where the truth is known
(`analysis.stats.claims.calibration`, run by `make validate` and, in a fast version, by the tests):
their operating characteristics at 12, 30 and 100 waves are in `benchmarks/README.md`.

    schema.py         the claims file as declared pydantic models (`load_claims`)
    common.py         the verdicts, the wave table's quantities, the result of a check
    wave_claims.py    figures of one wave
    rate_claims.py    a share intercepted, read every listed way; the informative readings decide
    change_claims.py  a change between two periods (tempo, share)
    calibration.py    the rules on simulated records
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from analysis.record.facts import format_date
from analysis.stats.claims.answers import answer_sentences, excerpt
from analysis.stats.claims.change_claims import check_period_change, daily_launches
from analysis.stats.claims.common import (
    CANNOT_CHECK,
    CANNOT_TELL,
    DOES_NOT_HOLD,
    HOLDS,
    NOT_CONFIRMED,
    NOT_SHOWN,
    PARTLY,
    QUANTITY_LABELS,
    VERDICTS,
    ClaimResult,
    national_waves,
    report_dates,
    wave_quantity,
)
from analysis.stats.claims.rate_claims import INTERVAL, check_rate_claim, period_rate, reading_rows
from analysis.stats.claims.schema import (
    DEFAULT_PRECISION,
    Claim,
    ClaimsError,
    LoadedClaims,
    NotInRecordClaim,
    PeriodChangeClaim,
    RateClaim,
    WaveClaim,
    load_claims,
)
from analysis.stats.claims.wave_claims import check_wave_claim, waves_around

__all__ = [
    "CANNOT_CHECK", "CANNOT_TELL", "DEFAULT_PRECISION", "DOES_NOT_HOLD", "answer_sentences", "HOLDS", "NOT_CONFIRMED", "NOT_SHOWN", "PARTLY", "QUANTITY_LABELS",
    "VERDICTS", "Claim", "ClaimResult", "ClaimsError", "LoadedClaims", "NotInRecordClaim",
    "PeriodChangeClaim", "RateClaim", "WaveClaim", "check_claim", "check_claims", "daily_launches",
    "default_claims_path", "labelled_name", "load_claims", "national_waves", "period_rate",
    "reading_rows", "report_dates", "resolve_claims_path", "results_table", "summary_figures",
    "summary_label", "verdict_counts", "wave_quantity", "waves_around",
]


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


def check_claim(claim: Claim, waves: pd.DataFrame, sources: dict | None = None,
                window_days: int | None = None) -> ClaimResult:
    """The verdict on one claim. `sources`: the claims file's sources by key (for the result)."""
    source = (sources or {}).get(claim.source)
    source = source.model_dump(mode="json", exclude_none=True) if source is not None else {"key": claim.source}
    if isinstance(claim, WaveClaim):
        result = check_wave_claim(claim, source, waves, window_days)
    elif isinstance(claim, RateClaim):
        result = check_rate_claim(claim, source, waves)
    elif isinstance(claim, PeriodChangeClaim):
        result = check_period_change(claim, source, waves)
    else:
        result = ClaimResult(id=claim.id, claim=claim.text, kind=claim.kind, verdict=CANNOT_CHECK,
                             reason=claim.reason, source=source)
    result.reason = result.reason[:1].upper() + result.reason[1:]  # reasons read as sentences
    return result


def check_claims(claims: LoadedClaims | list[Claim], waves: pd.DataFrame,
                 window_days: int | None = None) -> list[ClaimResult]:
    """Verdicts on every claim; `window_days` overrides each wave claim's own search window."""
    if window_days is not None and window_days < 0:
        raise ValueError(f"window_days must be >= 0, got {window_days}")
    if "report_date" not in waves.columns:
        raise ClaimsError("wave table: missing column 'report_date'")
    sources = claims.sources if isinstance(claims, LoadedClaims) else {}
    return [check_claim(c, waves, sources, window_days) for c in claims]


def results_table(results: list[ClaimResult]) -> pd.DataFrame:
    """One row per claim: id, verdict, what was matched, the record's headline figure, the reason."""
    rows = []
    for r in results:
        matched = r.matched or {}
        if "report_date" in matched:
            where = f"attack of {format_date(matched['report_date'])}"
        elif "recent" in matched:
            where = matched["period"]
        elif "period" in matched:
            where = (f"{matched['period']} ({format_date(pd.Timestamp(matched['start']))} to "
                     f"{format_date(pd.Timestamp(matched['end']))})")
        else:
            where = ""
        rows.append({"id": r.id, "verdict": r.verdict, "matched": where,
                     "record": r.headline.get("value"), "reason": r.reason})
    return pd.DataFrame(rows, columns=["id", "verdict", "matched", "record", "reason"])


def verdict_counts(results: list[ClaimResult]) -> dict[str, int]:
    """How many claims got each verdict, in the order of `VERDICTS` (verdicts not given left out)."""
    counts = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    return {v: n for v, n in counts.items() if n}


def summary_figures(results: list[ClaimResult]) -> list[dict[str, Any]]:
    """One headline figure per claim for `analysis.reporting.summary.Summary.add`: the record's
    figure, its 95% interval where there is one (which interval is named), and the verdict with its
    reason as the note. A claim the record cannot check gets its verdict as the value."""
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
            "interval": (r.headline.get("interval") or INTERVAL) if low is not None else "",
            "note": f"{r.verdict}: {r.reason}",
            "decimals": r.headline.get("decimals"),
        })
    return figures


def summary_label(result: ClaimResult, words: int = 12) -> str:
    """The claim in its own words, cut at `words` words, with the verdict: what the index shows
    ('"including about 200 Shahed drones": partly holds')."""
    return f"{excerpt(result.claim, words)}: {result.verdict}"


def labelled_name(result: ClaimResult) -> str:
    """The claim's id with its verdict, e.g. "wave-drones (partly holds)"."""
    return f"{result.id} ({result.verdict})"
