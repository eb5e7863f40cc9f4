"""The claims report's answer: a few sentences a reader can quote, each figure with its interval."""

from __future__ import annotations

import pandas as pd

from analysis.numbers import change_in_points, signed
from analysis.stats.claims.common import SHORT_UNITS, ClaimResult, fmt, label
from analysis.stats.claims.schema import PeriodChangeClaim, RateClaim, WaveClaim

CLAIM_UNITS = {"shahed_real": "Shahed drones"}


def _day(date) -> str:
    date = pd.Timestamp(date)
    return f"{date.day} {date:%B %Y}"


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.0f}%"


def wave_sentence(claims: list[WaveClaim], results: list[ClaimResult]) -> str:
    """The wave claims in one sentence per matched wave: what was claimed, what the wave had."""
    by_wave: dict[str, list[tuple[WaveClaim, ClaimResult]]] = {}
    for claim, result in zip(claims, results, strict=True):
        key = str((result.matched or {}).get("report_date", ""))
        by_wave.setdefault(key, []).append((claim, result))
    sentences = []
    for key, pairs in by_wave.items():
        parts = []
        for claim, result in pairs:
            figure = claim.figures[0]
            unit = CLAIM_UNITS.get(figure.quantity, SHORT_UNITS.get(figure.quantity, ""))
            words = f"{figure.words} {fmt(figure.claimed)} {unit}".strip()
            value = (result.record or {}).get(figure.quantity)
            found = f"the record: {fmt(value)}"
            for detail in result.details[:1]:
                for other in detail.get("alternatives_that_hold", [])[:1]:
                    found += f"; {fmt(detail['alternatives'][other])} {label(other)}"
            parts.append(f"\"{words}\" {result.verdict} ({found})")
        if not key:
            sentences.append("No national attack near the claimed night: " + "; ".join(parts) + ".")
            continue
        matched = pairs[0][1].matched
        offset = matched["days_from_claimed_date"]
        when = ("the night the article names" if offset == 0 else
                f"{abs(offset)} day{'s' if abs(offset) != 1 else ''} "
                f"{'before' if offset < 0 else 'after'} the night the article names")
        sentences.append(f"The article's attack is the one reported on {_day(matched['report_date'])} "
                         f"({matched['night']}), {when}: " + "; ".join(parts) + ".")
    return " ".join(sentences)


def speaker(source: dict) -> str:
    """Who made a claim, short enough for a sentence, from its source's `said_by`: "President
    Volodymyr Zelensky, in the article"; "Gen. Oleksandr Syrskyi, as paraphrased by the article";
    "the article" for the article's own figures (the full wording is in the report's "Who said what")."""
    said = " ".join(str((source or {}).get("said_by") or "").split())
    name = said.split(" (")[0].strip()
    if not name or name.lower().startswith("the article"):
        return "the article"
    head, _, rest = name.partition(", ")
    return f"{head}, {rest}" if "article" in rest else f"{head}, in the article"


def rate_sentence(claim: RateClaim, result: ClaimResult) -> str:
    record = result.record or {}
    matched = result.matched or {}
    what = {"all": "all weapons", "drone": "drones", "missile": "missiles"}.get(matched.get("classes"), "weapons")
    decided = record.get("informative_readings", 0)
    counted = record.get("readings_counted", 0)
    precision = record.get("precision")
    readings = (f"{decided} of {counted} readings of the claim are precise enough to decide (95% interval "
                f"at most {100 * precision:g} points wide)" if precision else "")
    why = {
        "holds": "every one of them reaches it",
        "does not hold": "every one of them excludes it",
        "not confirmed": "they disagree: some reach it, some exclude it",
        "the record cannot tell": "so the record cannot tell",
    }.get(result.verdict, "")
    interval = (f"95% interval {_pct(record.get('ci_low'))} to {_pct(record.get('ci_high'))}"
                if record.get("ci_low") is not None else "no interval")
    text = (f"\"{100 * claim.claimed:g}%\" ({speaker(result.source)}) {result.verdict}: over the {matched.get('period', 'period')} the "
            f"record shows {_pct(record.get('rate'))} of {what} stopped ({interval})")
    if readings:
        text += f"; {readings}" + (f", and {why}" if why and result.verdict != "the record cannot tell" else
                                   f", {why}" if why else "")
    return text + "."


def change_sentence(claim: PeriodChangeClaim, result: ClaimResult) -> str:
    record = result.record or {}
    what = ("more launches per day" if claim.measure == "launched_per_day" and claim.direction == "increase"
            else "fewer launches per day" if claim.measure == "launched_per_day"
            else "a falling share stopped" if claim.direction == "decrease" else "a rising share stopped")
    if claim.measure == "launched_per_day" and record.get("ratio") is not None:
        change = (f"launches per day {signed(100 * (record['ratio'] - 1))}% (95% interval "
                  f"{signed(100 * (record['low'] - 1))}% to {signed(100 * (record['high'] - 1))}%)")
    elif record.get("difference") is not None:
        change = "share stopped " + change_in_points(100 * record["difference"], 100 * record["low"],
                                                     100 * record["high"])
    else:
        change = "too little in the record to compare"
    period = (result.matched or {}).get("period", "")
    return (f"{what.capitalize()} ({speaker(result.source)}: {excerpt(result.claim, 8)}): {result.verdict}; "
            f"{change}, {period}.")


def excerpt(text: str, words: int = 12) -> str:
    """A claim in its own words, in quotes, cut after `words` words ('"sustaining this level of
    protection is ..."')."""
    parts = " ".join(str(text).split()).split(" ")
    return '"' + " ".join(parts[:words]) + (' ..."' if len(parts) > words else '"')


def answer_sentences(claims: list, results: list[ClaimResult]) -> list[str]:
    """Three to five sentences: the wave claims together, then each rate and change claim, then
    what the record cannot say."""
    pairs = list(zip(claims, results, strict=True))
    waves = [(c, r) for c, r in pairs if isinstance(c, WaveClaim)]
    out = []
    if waves:
        out.append(wave_sentence([c for c, _ in waves], [r for _, r in waves]))
    out += [rate_sentence(c, r) for c, r in pairs if isinstance(c, RateClaim)]
    out += [change_sentence(c, r) for c, r in pairs if isinstance(c, PeriodChangeClaim)]
    cannot = [r for c, r in pairs if c.kind == "not_in_record"]
    if cannot:
        out.append("The record cannot say: " + " ".join(r.reason[:1].lower() + r.reason[1:] for r in cannot))
    return out
