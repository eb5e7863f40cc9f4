"""Report 03's words for its sources: the article a claims file checks (outlet, headline, date and
link, as far as the file records them) and who said each claim, so no figure reads as said by
someone who did not say it. Claims and sources are third parties' text: each piece passes
`sanitize.markdown_text` before it joins the Markdown (it shows as itself, never as a heading,
link, bold verdict or stylesheet), and a link is made only of a URL that is nothing else."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from analysis.reporting.sanitize import markdown_text
from analysis.reporting.words import date
from analysis.stats.claims.answers import excerpt

EXCERPT_WORDS = 8
# A URL an autolink shows as it is: http(s), and none of the characters that end an autolink or
# could be read as markup or an attribute (the claims schema already refuses white space).
_PLAIN_URL = re.compile(r"https?://[^\s<>\"'`\\]+")


def _get(source: Any, field: str) -> Any:
    return source.get(field) if isinstance(source, Mapping) else getattr(source, field, None)


def article_line(source: Any) -> str:
    """"news article on ..., 11 October 2025; outlet: X; headline: "Y"; <link>", and what the claims
    file does not record (a reader must be able to find the article, or know they cannot)."""
    parts = [markdown_text(_get(source, "article"))]
    if _get(source, "date"):
        parts[0] += f", {date(_get(source, 'date'))}"
    if _get(source, "outlet"):
        parts.append(f"outlet: {markdown_text(_get(source, 'outlet'))}")
    if _get(source, "title"):
        parts.append(f"headline: \u201c{markdown_text(_get(source, 'title'))}\u201d")
    if _get(source, "url"):
        url = str(_get(source, "url"))
        parts.append(f"<{url}>" if _PLAIN_URL.fullmatch(url) else markdown_text(url))
    unknown = [name for name, field in (("outlet", "outlet"), ("headline", "title"), ("link", "url"))
               if not _get(source, field)]
    line = "; ".join(parts)
    if unknown:
        missing = unknown[0] if len(unknown) == 1 else ", ".join(unknown[:-1]) + " or " + unknown[-1]
        line += f" (the claims file records no {missing} for it)"
    return line


def sources_markdown(claims: Sequence[Any], sources: Mapping[str, Any]) -> str:
    """The source of the claims and who said what, in Markdown: one line per article, then each
    speaker with the claims that are theirs (in the file's order)."""
    used = list(dict.fromkeys(claim.source for claim in claims if claim.source in sources))
    articles = list(dict.fromkeys(article_line(sources[key]) for key in used))
    lines = [("**Source:** " if len(articles) == 1 else "**Sources:** ") + "; ".join(articles) + "."]
    speakers: dict[str, list[str]] = {}
    for claim in claims:
        if claim.source in sources:
            speakers.setdefault(str(_get(sources[claim.source], "said_by")), []).append(excerpt(claim.text, EXCERPT_WORDS))
    lines.append("**Who said what:** "
                 + "; ".join(f"{markdown_text(who)}: {', '.join(map(markdown_text, said))}"
                             for who, said in speakers.items())
                 + ".")
    return "\n\n".join(lines)


def said_by(claim: Any, sources: Mapping[str, Any]) -> str:
    """Who said a claim (its source's `said_by`), or the source's key where the file lacks it."""
    source = sources.get(claim.source)
    return str(_get(source, "said_by")) if source is not None else str(claim.source)
