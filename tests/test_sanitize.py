"""What a shared page may hold: sanitised HTML, escaped tables, no machine paths, errors cut short,
figures with alt text in a palette readers with colour-vision deficiencies can tell apart."""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest
from html_checks import inert_problems

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from analysis.paths import PROJECT_ROOT  # noqa: E402
from analysis.reporting import sanitize  # noqa: E402
from analysis.reporting.plots import style  # noqa: E402
from analysis.reporting.summary import Summary, alt_text, describe  # noqa: E402
from analysis.reporting.tables import show_table  # noqa: E402

# Ways text has been made to run script or load something in a page.
PAYLOADS = [
    "<script>alert('s')</script>",
    "<img src=x onerror=alert('i')>",
    '<img src="x" onerror="alert(1)">',
    "<svg onload=alert('v')><circle/></svg>",
    '<a href="javascript:alert(1)">j</a>',
    '<a href=" JaVaScRiPt:alert(1)">j2</a>',
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    '<iframe src="https://example.org/"></iframe>',
    '<link rel="stylesheet" href="https://example.org/x.css">',
    '"><script>alert(1)</script>',
    "<style>@import url(https://example.org/x.css);</style>",
    "<style>body { background: url(https://example.org/b.png) }</style>",
    '<div style="background:url(https://example.org/c.png)">s</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(2)>",
    '<object data="https://example.org/o.swf"></object><embed src="https://example.org/e">',
    '<meta http-equiv="refresh" content="0;url=https://example.org/">',
    '<base href="https://example.org/">',
    '<form action="https://example.org/"><input name=q><button>x</button></form>',
    '<video src="https://example.org/v.mp4"></video><audio src=x onerror=alert(3)>',
    '<details open ontoggle=alert(4)>d</details>',
    '<table background="https://example.org/t.png"><tr><td>t</td></tr></table>',
    "<!--<img src=x onerror=alert(5)>-->",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(6)>\">",
    "[md link](javascript:alert(7)) ![md image](https://example.org/p.png) <https://example.org/auto>",
]
@pytest.mark.parametrize("payload", PAYLOADS)
def test_clean_html_leaves_nothing_that_runs_or_loads(payload):
    cleaned = sanitize.clean_html(f"<p>before {payload} after</p>")
    assert inert_problems(cleaned) == [], cleaned
    assert "before" in cleaned  # the text before it survives


@pytest.mark.parametrize("payload", PAYLOADS)
def test_markdown_is_sanitised_after_rendering(payload):
    html = sanitize.markdown_html(f"**claim**: *\"{payload}\"* [source]({payload})")
    assert inert_problems(html) == [], html
    assert "<strong>claim</strong>" in html


def test_sanitised_html_keeps_what_reports_need():
    table = show_table(pd.DataFrame({"class": ["drone"], "rate": [0.8778]}), percent=["rate"],
                       caption="Rates").to_html()
    cleaned = sanitize.clean_html(table, table_styles=True)  # as a notebook's HTML output
    assert "<style>" in cleaned and "text-align: right" in cleaned  # the table's own styles
    assert "<style>" not in sanitize.clean_html(table)  # never from Markdown
    assert "88%" in cleaned and "<caption>Rates</caption>" in cleaned
    markdown = sanitize.markdown_html("## Heading\n\nA [link](https://example.org/a) and `code`, "
                                      "*emphasis*.\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert 'href="https://example.org/a"' in markdown and "<code>code</code>" in markdown
    assert "<table>" in markdown and 'id="Heading"' in markdown


def test_show_table_escapes_every_text_it_shows():
    payload = "<img src=x onerror=alert(1)>"
    frame = pd.DataFrame({payload: [payload], "n": [1]},
                         index=pd.Index([payload], name=f"{payload} (index)"))
    for hide_index in (True, False):
        html = show_table(frame, caption=payload, hide_index=hide_index).to_html()
        assert inert_problems(html) == [], html
        assert html.count("&lt;img src=x onerror=alert(1)&gt;") >= 3  # shown as text


def test_absolute_paths_become_project_relative_or_file_names(tmp_path):
    inside = PROJECT_ROOT / "analysis" / "record" / "load.py"
    text = (f'File "{inside}", line 3; record {tmp_path}/data/rec.csv; /etc/passwd: bad; '
            f"{sys.prefix}/lib/x.py; keep https://example.org/a/b, and/or 1/2, km/h")
    scrubbed = sanitize.scrub_paths(text)
    assert 'File "analysis/record/load.py", line 3' in scrubbed
    assert "record rec.csv" in scrubbed and "passwd: bad" in scrubbed
    assert "https://example.org/a/b" in scrubbed and "and/or 1/2, km/h" in scrubbed
    assert str(tmp_path) not in scrubbed and "/etc/" not in scrubbed and sys.prefix not in scrubbed
    coloured = f"\x1b[0;32m{inside}:44\x1b[0m, in \x1b[0;36mparse_period\x1b[0m"
    assert sanitize.scrub_paths(coloured) == (
        "\x1b[0;32manalysis/record/load.py:44\x1b[0m, in \x1b[0;36mparse_period\x1b[0m")


def test_errors_quote_at_most_their_lines():
    whole_file = "\n".join(f"user{i}:x:{i}:{i}::/home/user{i}:/bin/sh" for i in range(500))
    assert sanitize.short_message(f"claims.yaml: not a mapping: {whole_file}").count("\n") == 1
    output = {"output_type": "error", "ename": "ValueError", "evalue": whole_file,
              "traceback": ["frame 1\n" + "x" * 5000, "ValueError: " + whole_file]}
    shared = sanitize.shareable_outputs([output])[0]
    assert len(shared["evalue"].splitlines()) <= sanitize.ERROR_MESSAGE_LINES + 1
    assert all(len(line) <= sanitize.ERROR_LINE_CHARS for f in shared["traceback"] for line in f.splitlines())
    assert "user499" not in "".join(shared["traceback"]) and "/home/" not in shared["evalue"]


def test_active_outputs_are_dropped_and_markdown_becomes_safe_html():
    outputs = [
        {"output_type": "display_data", "metadata": {},
         "data": {"application/javascript": "alert(1)", "text/plain": "<JS>"}},
        {"output_type": "display_data", "metadata": {},
         "data": {"text/markdown": "[x](javascript:alert(1)) <script>alert(2)</script>",
                  "text/plain": "<Markdown>"}},
        {"output_type": "display_data", "metadata": {},
         "data": {"text/latex": "<img src=x onerror=alert(3)>"}},
    ]
    js, markdown, latex = sanitize.shareable_outputs(outputs)
    assert set(js["data"]) == {"text/plain"}
    assert "text/markdown" not in markdown["data"] and inert_problems(markdown["data"]["text/html"]) == []
    assert set(latex["data"]) == {"text/plain"}  # shown as text, never as HTML


def test_alt_text_says_what_a_figure_shows():
    fig, (left, right) = plt.subplots(1, 2)
    fig.suptitle("Interception rates by month")
    left.set_title("Drones")
    left.set_xlabel("month")
    left.set_ylabel("share shot down or jammed")
    left.plot([0, 1], label="neutralised")
    left.legend()
    right.set_title("Missiles", loc="left")
    text = alt_text(fig)
    assert text.startswith("Chart: Interception rates by month. 2 panels. Drones: a line of share shot down or "
                           "jammed (vertical axis")
    assert "by month (horizontal axis" in text and "series: neutralised" in text and "Missiles:" in text
    described = alt_text(describe(fig, "Drones: 87.8% shot down or jammed since June."))
    assert described == f"{text} Drones: 87.8% shot down or jammed since June."  # the chart, then its finding
    summary = Summary("t").set_main_figure(fig)
    assert summary.thumbnail_alt == described
    # a long description keeps whole sentences; one endless sentence whole words and '...'
    sentences = " ".join(f"Sentence {n} says one thing about the chart." for n in range(60))
    kept = alt_text(describe(fig, sentences))
    assert len(kept) <= 1200 and kept.endswith("about the chart.") and kept.startswith(text)
    endless = alt_text(describe(fig, "word " * 400))
    assert len(endless) <= 1200 and endless.endswith("word...")
    plt.close(fig)


def test_summary_figures_have_a_label_for_readers():
    summary = Summary("t").add("rate_ballistic_neutralised", 0.35, 0.3, 0.4, unit="share",
                               label="ballistic missiles destroyed or failed to reach their target")
    summary.add("saturation_odds_ratio_per_doubling_drone", 0.9)
    figures = summary.to_dict()["figures"]
    assert figures[0]["label"].startswith("ballistic missiles destroyed")
    html = summary._repr_html_()
    assert "ballistic missiles destroyed" in html and "saturation odds ratio per doubling drone" in html


# ------------------------------------------------------------------------------------------------
# The palette: every pair of colours stays apart under simulated colour-vision deficiencies.

# Machado, Oliveira and Fernandes (2009), severity 1.0, on linear RGB.
CVD_MATRICES = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
MIN_DELTA_E = 20  # CIE76 distance in Lab: clearly different colours


def _linear_rgb(hex_colour: str) -> np.ndarray:
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def _lab(linear: np.ndarray) -> np.ndarray:
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ np.clip(linear, 0, 1)
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _distances(a: str, b: str) -> dict[str, float]:
    la, lb = _linear_rgb(a), _linear_rgb(b)
    found = {"normal vision": float(np.linalg.norm(_lab(la) - _lab(lb)))}
    for name, matrix in CVD_MATRICES.items():
        found[name] = float(np.linalg.norm(_lab(matrix @ la) - _lab(matrix @ lb)))
    return found


def test_the_simulation_separates_a_red_green_pair_only_for_normal_vision():
    """The check is able to fail: seaborn's old green and red are far apart for normal vision and
    nearly the same colour with deuteranopia."""
    distances = _distances("#55A868", "#C44E52")
    assert distances["normal vision"] > 60 and distances["deuteranopia"] < MIN_DELTA_E


@pytest.mark.parametrize("palette", ["CLASS_COLORS", "VERDICT_COLORS", "PAIR_COLORS", "SERIES_COLORS", "MODEL_COLORS"])
def test_palette_colours_stay_apart_for_colour_blind_readers(palette):
    colours = getattr(style, palette)
    colours = colours if isinstance(colours, dict) else dict(enumerate(colours))
    for (name_a, a), (name_b, b) in itertools.combinations(colours.items(), 2):
        for vision, distance in _distances(a, b).items():
            assert distance >= MIN_DELTA_E, f"{palette}: {name_a} and {name_b} ({vision}: {distance:.0f})"


def test_plots_take_their_colours_from_the_house_palette():
    """No plotting module names a colour of its own (seaborn's old red and blue crept back in
    once): every hex colour is defined in plots/style.py, where the test above checks them."""
    plots = Path(style.__file__).parent
    own = {}
    for module in sorted(plots.glob("*.py")):
        if module.name != "style.py":
            found = re.findall(r"[\"']#[0-9A-Fa-f]{6}[\"']", module.read_text())
            if found:
                own[module.name] = found
    assert not own, f"colours outside the house palette (use plots.style): {own}"


def test_report_template_and_index_carry_a_policy_that_allows_no_script():
    template = Path(sanitize.__file__).parent / "templates"
    for page in (template / "airdef" / "index.html.j2", template / "reports-index" / "index.html.j2"):
        text = page.read_text()
        assert "Content-Security-Policy" in text and "script-src 'none'" in text
        assert "default-src 'none'" in text
