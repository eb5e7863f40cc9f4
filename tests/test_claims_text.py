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
