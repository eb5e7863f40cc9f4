"""The sentences of report 07 on small, made-up indices and failure shares."""

from __future__ import annotations

from analysis.reporting import explore_text as prose

LABELS = {"stock": "PAC-3 MSE stock", "rate": "ballistic missiles a day", "pk": "kill probability"}


def test_drivers_are_ranked_by_total_index_with_intervals_inside_zero_to_one():
    """In words: the share of the outcome's spread each assumption accounts for (its total index),
    with its interval inside 0-100%; the runs' own randomness judged as the page shows it."""
    indices = {"stock": {"ST": 0.41, "ST_conf": 0.17}, "rate": {"ST": 0.31, "ST_conf": 0.13},
               "pk": {"ST": 0.002, "ST_conf": 0.001}, "random_numbers": {"ST": 0.0009, "ST_conf": 0.0004}}
    text = prose.drivers_sentence(indices, "the median day PAC-3 MSE runs out", LABELS, "random_numbers", top=2)
    assert text.startswith("What matters most for the median day PAC-3 MSE runs out, over the assumed ranges: "
                           "PAC-3 MSE stock (about 41% of its spread over the experiments, alone or with others; "
                           "95% interval 24% to 58%) and ballistic missiles a day (about 31%; 95% interval 18% to 44%).")
    assert "randomness accounts for under 1%: small" in text and "not luck" in text and "rough" not in text
    assert "Sobol" not in text and "noise floor" not in text  # the technical words are in the glossary
    wide = {"stock": {"ST": 0.87, "ST_conf": 0.7}, "random_numbers": {"ST": 0.0, "ST_conf": 0.0}}
    rough = prose.drivers_sentence(wide, "x", LABELS, "random_numbers")
    assert "95% interval 17% to 100%" in rough and "the ranking is rough" in rough
    noisy = {"stock": {"ST": 0.2, "ST_conf": 0.01}, "random_numbers": {"ST": 0.15, "ST_conf": 0.01}}
    assert "more runs per experiment" in prose.drivers_sentence(noisy, "x", LABELS, "random_numbers")
    # the third driver near zero: a noise that reads "under 1%" is not called "not small" (07's "0.00 ... not small")
    tiny = {"stock": {"ST": 0.5, "ST_conf": 0.1}, "pk": {"ST": 0.003, "ST_conf": 0.01},
            "random_numbers": {"ST": 0.004, "ST_conf": 0.002}}
    tiny_text = prose.drivers_sentence(tiny, "x", LABELS, "random_numbers")
    assert "under 1%: small against these" in tiny_text and "kill probability (under 1%;" in tiny_text
    everything = {"stock": {"ST": 0.34, "ST_conf": 2.0}, "random_numbers": {"ST": 0.0, "ST_conf": 0.0}}
    assert "95% interval too wide to tell at this design's size" in prose.drivers_sentence(
        everything, "x", LABELS, "random_numbers")
    assert prose.drivers_sentence(None, "x", LABELS, "random_numbers") == ""
    assert prose.index_with_error(-0.0004, 0.0123) == "0.00 ± 0.01"  # never "-0.00"


def test_a_failure_share_with_its_interval_and_its_box_or_why_there_is_none():
    share = {"share": 0.641, "low": 0.555, "high": 0.719}
    box = [{"sentence": "In 82% of the experiments where the stock is at most 300, it happens."}]
    text = prose.failure_sentence("PAC-3 MSE runs out within 180 days", share, box, "")
    assert text == ("Over the assumed ranges, PAC-3 MSE runs out within 180 days in 64% of the experiments "
                    "(95% interval 56% to 72%, over the sampling of experiments within these ranges only). In 82% "
                    "of the experiments where the stock is at most 300, it happens.")
    none = prose.failure_sentence("it fails", share, [], "no box of inputs reaches a density of 80%")
    assert none.endswith("No combination of assumptions stands out: no box of inputs reaches a density of 80%.")
    assert "cannot be told" in prose.failure_sentence("it fails", {"share": None}, [], "")


def test_the_scope_names_the_design_the_runs_and_the_horizon():
    text = prose.scope_sentence(experiments=704, failed=2, runs=200, horizon_days=120, scenario="baseline",
                                method="sobol", n=64)
    assert text.startswith("704 experiments (2 failed and are left out) of the scenario baseline, each "
                           "simulated 200 times over 120 days (sobol design, n = 64).")
    assert "not chances in the real world" in text
    assert "over a year" in prose.scope_sentence(experiments=4, failed=0, runs=1, horizon_days=365,
                                                 scenario="s", method="lhs", n=4)


def _robustness_table():
    import pandas as pd

    rows = [
        {"input": None, "variant": "as given", "low": None, "high": None, "share": 0.66, "share_low": 0.6,
         "share_high": 0.72, "experiments": 512.0, "drivers": [("stock", 0.5), ("rate", 0.2), ("pk", 0.01)]},
        {"input": "stock", "variant": "halved", "low": 300.0, "high": 650.0, "share": 0.44, "share_low": 0.35,
         "share_high": 0.53, "experiments": 120.4, "drivers": [("rate", 0.4), ("stock", 0.1), ("pk", 0.0)]},
        {"input": "stock", "variant": "widened", "low": 0.0, "high": 1150.0, "share": 0.71, "share_low": 0.55,
         "share_high": 0.83, "experiments": 32.0, "drivers": [("stock", 0.7), ("rate", 0.1), ("pk", 0.0)]},
    ]
    table = pd.DataFrame(rows)
    table["change"] = table["share"] - 0.66
    return table


def test_the_robustness_table_in_words():
    rows = prose.robustness_rows(_robustness_table(), LABELS, lambda key, value: f"{value:,.0f}")
    assert rows[0]["ranges"] == "every range as the file gives it" and rows[0]["change"] == ""
    assert rows[1]["ranges"] == "PAC-3 MSE stock, range halved" and rows[1]["range tested"] == "300 to 650"
    assert rows[1]["headline share"] == "44% (35% to 53%)" and rows[1]["change"] == "-22 points"
    table = _robustness_table()
    table.loc[1, ["change", "share_low", "share_high"]] = [-0.004, 0.01, 0.97]  # ci-sized: no "-0", no "0-100%"
    row = prose.robustness_rows(table, LABELS, lambda key, value: f"{value:,.0f}")[1]
    assert row["change"] == "0 points" and row["headline share"].endswith("(too few experiments to tell)")
    assert rows[1]["top three drivers"] == "ballistic missiles a day (0.40), PAC-3 MSE stock (0.10), kill probability (0.00)"
    text = prose.robustness_sentence(_robustness_table(), LABELS, "PAC-3 MSE runs out within 180 days")
    assert text.startswith("How much the headline rests on its ranges: with one range halved or widened at a time, "
                           "the share of experiments where PAC-3 MSE runs out within 180 days goes from 44% to 71% "
                           "(as the file gives them: 66%); it moves most when the range of PAC-3 MSE stock is "
                           "halved (44%).")
    assert text.endswith("The first driver, PAC-3 MSE stock, stays first in 1 of the 2 changed ranges.")
    assert "sampling of experiments within the ranges" in prose.interval_scope_sentence()
    assert prose.robustness_sentence(None, LABELS, "x") == ""
