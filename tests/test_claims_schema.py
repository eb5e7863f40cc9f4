"""The claims file's declared schema: what it accepts, and errors that name file, line, key and value."""

from __future__ import annotations

import datetime as dt
import textwrap
import time
from pathlib import Path

import pytest

from analysis.paths import CLAIMS_DIR, PROJECT_ROOT
from analysis.stats import claims as cl
from analysis.stats.claims import ClaimsError, load_claims
from analysis.stats.claims.schema import KINDS, claim_readings

SOURCES = "sources:\n  t: {article: a test article, said_by: nobody}\n"
WAVE_CLAIM = """\
    claims:
      - id: big-wave
        text: nearly 500 drones and 32 ballistic missiles
        source: t
        kind: wave
        date: 2025-10-11
        figures:
          - quantity: drone_launched
            claimed: 500
            words: nearly
            tolerance: {below: 0.1, above: 0.0}
            alternatives: [all_launched]
"""


def write(tmp_path: Path, text: str, sources: str = SOURCES) -> Path:
    path = tmp_path / "claims.yaml"
    path.write_text(sources + textwrap.dedent(text))
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), start=1) if needle in line)


def test_the_article_claims_file_loads_and_covers_the_article():
    loaded = load_claims(cl.default_claims_path())
    ids = {c.id for c in loaded}
    assert {"wave-drones", "wave-shaheds", "wave-ballistic", "effectiveness-74"} <= ids
    assert {c.kind for c in loaded} <= set(KINDS)
    rate = next(c for c in loaded if c.id == "effectiveness-74")
    assert rate.claimed == pytest.approx(0.74)
    assert rate.tolerance.band(0.74) == pytest.approx((0.735, 0.745))
    assert set(rate.unstated) == {"period", "weapons", "counting"}
    readings, primary = claim_readings(rate)
    # every reading is period x class group x convention
    assert len(readings) == len({r.period for r in readings}) * 3 * 2 and primary in readings
    assert all(c.source in loaded.sources for c in loaded)


def test_every_shipped_claims_file_loads_and_names_nothing_outside_the_project():
    files = sorted(CLAIMS_DIR.glob("*.yaml"))
    assert files
    for path in files:
        loaded = load_claims(path)
        text = path.read_text()
        # no key points at a file, and no value is an absolute or parent-relative path
        assert "file:" not in text and ": /" not in text and "../" not in text, path.name
        for source in loaded.sources.values():
            assert source.url is None or source.url.startswith("https://")
    relative = cl.resolve_claims_path("data/claims/article-2025-10-11.yaml")
    assert relative.resolve() == PROJECT_ROOT / "data/claims/article-2025-10-11.yaml"


def test_unknown_key_names_file_line_key_and_is_refused(tmp_path):
    path = write(tmp_path, WAVE_CLAIM + "        colour: red\n")
    with pytest.raises(ClaimsError) as error:
        load_claims(path)
    message = str(error.value)
    assert message.startswith(f"{path}, line {line_of(path, 'colour')}: claims.0.colour: unknown key")


def test_missing_field_and_bad_values_are_named(tmp_path):
    no_tolerance = WAVE_CLAIM.replace("            tolerance: {below: 0.1, above: 0.0}\n", "")
    with pytest.raises(ClaimsError, match=r"claims\.0\.figures\.0\.tolerance: missing"):
        load_claims(write(tmp_path, no_tolerance))
    with pytest.raises(ClaimsError, match=r"claims\.0\.figures\.0\.quantity: 'drones_launched': input should be"):
        load_claims(write(tmp_path, WAVE_CLAIM.replace("drone_launched", "drones_launched")))
    with pytest.raises(ClaimsError, match=r"claims\.0\.date: '11 October': input should be a valid date"):
        load_claims(write(tmp_path, WAVE_CLAIM.replace("2025-10-11", "11 October")))
    with pytest.raises(ClaimsError, match=r"claims\.0\.kind: 'rumour': must be one of"):
        load_claims(write(tmp_path, WAVE_CLAIM.replace("kind: wave", "kind: rumour")))
    with pytest.raises(ClaimsError, match=r"tolerance\.below: -0\.1: input should be greater than"):
        load_claims(write(tmp_path, WAVE_CLAIM.replace("below: 0.1", "below: -0.1")))
    with pytest.raises(ClaimsError, match=r"claims\.0\.source: 'x': not a key of sources"):
        load_claims(write(tmp_path, WAVE_CLAIM.replace("source: t", "source: x")))
    with pytest.raises(ClaimsError, match=r"line \d+: not valid YAML"):
        load_claims(write(tmp_path, "claims: [\n  - {id: x\n"))
    with pytest.raises(ClaimsError, match="claims file not found"):
        load_claims(tmp_path / "absent.yaml")


def test_duplicate_ids_are_refused(tmp_path):
    one_claim = textwrap.dedent(WAVE_CLAIM).split("claims:\n", 1)[1]
    path = write(tmp_path, "claims:\n" + one_claim + one_claim)
    with pytest.raises(ClaimsError, match=r"claims\.1\.id: 'big-wave': duplicate id"):
        load_claims(path)


def test_last_days_periods_end_on_the_claim_date(tmp_path):
    text = """\
        claims:
          - id: r
            text: 74%
            source: t
            kind: rate
            date: 2025-10-11
            claimed: 0.74
            tolerance: {below: 0.005, above: 0.005, relative: false}
            periods:
              - {name: month, last_days: 30}
            classes: [all]
            conventions: [neutralised]
            primary: {period: month, classes: all, convention: neutralised}
    """
    (claim,) = load_claims(write(tmp_path, text))
    _readings, primary = claim_readings(claim)
    assert primary.period.end == dt.date(2025, 10, 11) and primary.period.days == 30
    bad = write(tmp_path, text.replace("primary: {period: month", "primary: {period: week"))
    with pytest.raises(ClaimsError, match=r"line \d+: claims\.0\.primary\.period: 'week': no period of that name"):
        load_claims(bad)
    both = write(tmp_path, text.replace("{name: month, last_days: 30}",
                                        "{name: month, last_days: 30, start: 2025-01-01}"))
    with pytest.raises(ClaimsError, match=r"periods\.0\.last_days: give either last_days or start and end"):
        load_claims(both)


def test_a_yaml_alias_bomb_is_refused_in_a_second(tmp_path):
    bomb = ('a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]\n'
            + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                      f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
                      f"*{chr(97 + i)}]\n" for i in range(8))
            + "claims: *i\n")
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb)
    began = time.perf_counter()
    with pytest.raises(ClaimsError, match=rf"{path.name}, line 2: YAML aliases .* are not allowed"):
        load_claims(path)
    assert time.perf_counter() - began < 1.0


def test_huge_and_hostile_values_are_refused_with_their_key(tmp_path):
    with pytest.raises(ClaimsError, match=r"figures\.0\.claimed: .*: input should be"):
        load_claims(write(tmp_path, WAVE_CLAIM.replace("claimed: 500", "claimed: 1e300")))
    with pytest.raises(ClaimsError, match=r"figures\.0\.claimed: inf: input should be a finite number"):
        load_claims(write(tmp_path, WAVE_CLAIM.replace("claimed: 500", "claimed: .inf")))
    with pytest.raises(ClaimsError, match=r"claims\.0\.window_days: 100000: input should be less than"):
        load_claims(write(tmp_path, WAVE_CLAIM.replace("date: 2025-10-11", "date: 2025-10-11\n        window_days: 100000")))
    with pytest.raises(ClaimsError, match=r"claims\.0\.id: .*should match pattern"):
        load_claims(write(tmp_path, WAVE_CLAIM.replace("id: big-wave", "id: '<script>'")))


RATE_CLAIM = """\
    claims:
      - id: r
        text: rate
        source: t
        kind: rate
        date: 2025-10-11
        claimed: 0.74
        tolerance: {below: 0.005, above: 0.005, relative: false}
        periods: [{name: week, last_days: 7}]
        classes: [all]
        conventions: [neutralised]
        primary: {period: week, classes: all, convention: neutralised}
"""


def test_a_rate_claim_takes_the_files_precision_unless_it_states_its_own(tmp_path):
    (claim,) = load_claims(write(tmp_path, RATE_CLAIM))
    assert claim.precision == pytest.approx(cl.DEFAULT_PRECISION) == pytest.approx(0.12)
    (claim,) = load_claims(write(tmp_path, "precision: 0.2\n" + textwrap.dedent(RATE_CLAIM)))
    assert claim.precision == pytest.approx(0.2)
    (claim,) = load_claims(write(tmp_path, "precision: 0.2\n" + textwrap.dedent(RATE_CLAIM) + "    precision: 0.05\n"))
    assert claim.precision == pytest.approx(0.05)
    path = write(tmp_path, textwrap.dedent(RATE_CLAIM) + "    precision: 0\n")
    with pytest.raises(ClaimsError) as error:
        load_claims(path)
    assert f"line {line_of(path, 'precision')}" in str(error.value) and "claims.0.precision" in str(error.value)
    with pytest.raises(ClaimsError, match=r"precision: 2: input should be less than or equal to 1"):
        load_claims(write(tmp_path, "precision: 2\n" + textwrap.dedent(RATE_CLAIM)))
