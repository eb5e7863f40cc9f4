"""analysis.reporting.claims_text: report 03 names its source and who said each claim."""

from __future__ import annotations

import datetime as dt

from analysis.paths import PROJECT_ROOT
from analysis.reporting import claims_text
from analysis.reporting.sanitize import markdown_html, markdown_plain
from analysis.stats.claims import load_claims
from analysis.stats.claims.schema import Source

CLAIMS = PROJECT_ROOT / "data" / "claims" / "article-2025-10-11.yaml"


def test_the_article_is_named_with_what_the_file_records_and_says_what_it_does_not():
    full = Source(article="A report", said_by="x", date=dt.date(2025, 10, 11), outlet="The Daily",
                  title="Drones over Kyiv", url="https://example.org/a")
    assert markdown_plain(claims_text.article_line(full)) == (
        "A report, 11 October 2025; outlet: The Daily; headline: \u201cDrones over Kyiv\u201d; <https://example.org/a>")
    assert 'href="https://example.org/a"' in markdown_html(claims_text.article_line(full))
    bare = Source(article="A report", said_by="x")
    assert markdown_plain(claims_text.article_line(bare)) == (
        "A report (the claims file records no outlet, headline or link for it)")


def test_a_source_s_text_shows_as_itself_and_makes_no_markup():
    """Outlet, headline, speaker and claim are third parties' text: rendered, each reads as
    written; none becomes bold, a link, an element or a stylesheet, and an odd URL is no link."""
    hostile = "**holds** [x](https://a.b) <style>p{display:none}</style> <b>5 < 7</b>"
    source = Source(article=hostile, said_by=hostile, outlet="The *Daily*", title=hostile,
                    url="https://a.b/x<img/src=x/onerror=alert(6)>[l](javascript:alert(7))")
    claims = load_claims(CLAIMS)
    claim = claims.claims[0].model_copy(update={"text": hostile, "source": "hostile"})
    html = markdown_html(claims_text.sources_markdown([claim], {"hostile": source}))
    for markup in ("<style", "<img", "<b>", "<a ", "<em>", "display:none}</style>"):
        assert markup not in html.replace("<strong>Source:</strong>", "").replace(
            "<strong>Who said what:</strong>", ""), markup
    assert html.count("<strong>") == 2  # the project's two labels, nothing from the file
    assert "**holds** [x](https://a.b) &lt;style&gt;p{display:none}&lt;/style&gt; &lt;b&gt;5 &lt; 7&lt;/b&gt;" in html
    assert "The *Daily*" in html


def test_each_claim_is_given_to_who_said_it():
    claims = load_claims(CLAIMS)
    text = markdown_plain(claims_text.sources_markdown(claims.claims, claims.sources))
    assert text.startswith("Source: news article on the Zelensky-Trump call of 11 October 2025")
    who = text.split("Who said what: ")[1]
    zelensky = who.index("President Volodymyr Zelensky")
    assert who.index('"he accused Russia of intensifying its attacks on ..."') > zelensky  # his, not Syrskyi's
    assert who.index('"The head of Ukraine\'s army, Oleksandr Syrskyi, reported ..."') < zelensky
    by_id = {c.id: claims_text.said_by(c, claims.sources) for c in claims}
    assert by_id["attacks-intensify"].startswith("President Volodymyr Zelensky")
    assert by_id["effectiveness-74"].startswith("Gen. Oleksandr Syrskyi")


def test_the_answer_gives_each_claim_to_who_made_it_and_rounds_its_changes():
    """03's answer: Zelensky's claim is his, not the article's or Syrskyi's; a change of a share in
    whole points where its interval is wider than two (no "-2.9 points (-9.4 to +3.7)")."""
    from analysis.stats.claims.answers import change_sentence, rate_sentence, speaker
    from analysis.stats.claims.common import ClaimResult

    claims = {c.id: c for c in load_claims(CLAIMS)}
    sources = load_claims(CLAIMS).sources
    said = {key: source.model_dump(mode="json") for key, source in sources.items()}
    assert speaker(said[claims["attacks-intensify"].source]) == "President Volodymyr Zelensky, in the article"
    assert speaker(said[claims["effectiveness-74"].source]) == "Gen. Oleksandr Syrskyi, in the article"
    assert speaker({"said_by": "the article (no source named for the figures)"}) == "the article"
    assert speaker({"said_by": "Gen. Oleksandr Syrskyi, as paraphrased by the article"}) == (
        "Gen. Oleksandr Syrskyi, as paraphrased by the article")
    intensify = claims["attacks-intensify"]
    result = ClaimResult(id=intensify.id, claim=intensify.text, kind=intensify.kind, verdict="not shown", reason="",
                         matched={"period": "week to 11 Oct vs four weeks before"},
                         record={"ratio": 1.28, "low": 0.57, "high": 2.88},
                         source=said[intensify.source])
    text = change_sentence(intensify, result)
    assert text.startswith('More launches per day (President Volodymyr Zelensky, in the article: "he accused')
    assert "launches per day +28% (95% interval -43% to +188%)" in text
    falling = next(c for c in claims.values() if getattr(c, "direction", "") == "decrease")
    result = ClaimResult(id=falling.id, claim=falling.text, kind=falling.kind, verdict="not shown", reason="",
                         matched={"period": "30 days to 11 Oct"},
                         record={"difference": -0.029, "low": -0.094, "high": 0.037}, source=said[falling.source])
    assert "share stopped -3 points (95% interval -9 to +4), 30 days to 11 Oct." in change_sentence(falling, result)
    rate = claims["effectiveness-74"]
    result = ClaimResult(id=rate.id, claim=rate.text, kind=rate.kind, verdict="does not hold", reason="",
                         matched={"period": "30 days to 11 Oct", "classes": "all"},
                         record={"rate": 0.83, "ci_low": 0.75, "ci_high": 0.89}, source=said[rate.source])
    assert rate_sentence(rate, result).startswith('"74%" (Gen. Oleksandr Syrskyi, in the article) does not hold')
