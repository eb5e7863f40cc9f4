"""Write the synthetic sample record: an attack file and a weapon catalogue in the public record's
schema, made up by this script so that a fresh clone can run and test every notebook.

    python data/sample/make_sample.py        # rewrites the two CSV files beside this script

Nothing here is taken from the public record: the counts are drawn from the simple model below, with
a fixed seed, so the output is the same on every run (a test regenerates it and compares bytes).
The script depends on the Python standard library only, so that it is independent of the package
it tests; it uses `random.Random.random()` alone, whose sequence Python keeps stable across
versions for a given seed.

What the sample holds, and why (each item drives a code path of notebooks 01-03 or 08):
- report dates from 28 September 2022 to 13 May 2026 (the last month is partial);
- before August 2024, about two national waves a week (the record's early months are incomplete);
  from August 2024, a national wave most nights, with drones every night and missiles on some;
- the three drone-reporting conventions: `destroyed` alone before 2024-07-10; drones shot down
  (`destroyed`) and "locationally lost" (`not_reach_goal`) apart from 2024-07-10; the combined
  figure in `destroyed` with `not_reach_goal` 0 from 2025-07-23;
- `is_shahed` (real Shaheds among "Shahed-136/131", the rest decoys) from 2025-07-14, in most but
  not all reports;
- regional-command rows (sources `PvK...`): small drones with launched = destroyed, date-only times;
- model names as the record writes them: slash groups, " and " joins (one of them mixing a
  ballistic and a cruise missile), Kh- and X-, S- and C-, Cyrillic names, one model the project's
  class table does not know, and a joined name the catalogue files in the wrong category;
- interception that varies from wave to wave (overdispersion), ballistic interception that rises
  and then falls in September 2025 (a change point), drone waves growing over time;
- the night of 9-10 October 2025 (reported 10 October) shaped like the seed article's claims
  (data/claims/article-2025-10-11.yaml): nearly 500 drones, about 200 real Shaheds, 32 missiles of
  which half are ballistic, and a smaller wave on the night of 10-11 October;
- weapon families (combined labels, a small family of its own: Zircon), a day post before a night
  post (the largest total within 24 hours), places named as a city, a short name and with a
  qualifier, places hit, debris and jet-powered Shaheds;
- a few missing counts, one row with destroyed + not_reach_goal > launched, a post covering two
  separate nights, a post of another publisher, Python-style text in the dict and list columns.
"""

from __future__ import annotations

import csv
import math
import random
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
RECORD_FILE = HERE / "missile_attacks_daily_sample.csv"
CATALOGUE_FILE = HERE / "missiles_and_uavs_sample.csv"

SEED = 20220928
FIRST_DAY = date(2022, 9, 28)
LAST_DAY = date(2026, 5, 13)
FULL_COVERAGE_FROM = date(2024, 8, 1)
SPLIT_FROM = date(2024, 7, 10)
COMBINED_FROM = date(2025, 7, 23)
SHAHED_COUNT_FROM = date(2025, 7, 14)
SEED_NIGHT = date(2025, 10, 10)  # the wave reported on this morning is the article's

COLUMNS = [
    "time_start", "time_end", "model", "launch_place", "target", "target_main", "launched",
    "destroyed", "not_reach_goal", "still_attacking", "border_crossing", "is_shahed",
    "num_hit_location", "num_fall_fragment_location", "carrier", "turbojet", "turbojet_destroyed",
    "affected region", "destroyed_details", "launched_details", "launch_place_details", "source",
]

# Model names as a report might write them, with how often each is picked.
CRUISE_MODELS = [
    ("X-101/X-555", 5), ("Kh-101/Kh-555", 1), ("Kalibr", 3), ("X-101/X-555 and Kalibr", 3),
    ("X-101/X-555 and Kalibr and Iskander-K", 1), ("Iskander-K", 2), ("X-59/X-69", 3),
    ("Kh-59", 2), ("\u0425-59", 1), ("X-22", 1), ("X-22 and X-32", 1), ("X-31P", 1),
]
BALLISTIC_MODELS = [
    ("Iskander-M/KN-23", 5), ("Iskander-M", 3), ("X-47 Kinzhal", 2), ("S-300", 1), ("C-300", 1),
    ("C-400 and Iskander-M", 1), ("X-47 Kinzhal and Iskander-M/KN-23", 1), ("KN-23", 1),
]
MIXED_MODELS = [("Iskander-M and Iskander-K", 1)]
REGIONAL_MODELS = [
    ("Unknown UAV", 5), ("Orlan-10", 3), ("ZALA", 2), ("Supercam", 2), ("Lancet", 2),
    ("\u041c\u043e\u043b\u043d\u0456\u044f", 1), ("Orlan-10 and ZALA", 1), ("X-59", 1),
]
REGIONAL_COMMANDS = [("PvKPivden", "south"), ("pvkshid", "east"), ("PvkZahid", "west"),
                     ("PvkCenter", "center")]
CARRIERS = {"X-101": "Tu-95MS", "Kh-101": "Tu-95MS", "Kalibr": "Navy", "X-47": "MiG-31K",
            "X-59": "Su-34", "Kh-59": "Su-34", "\u0425-59": "Su-34", "X-22": "Tu-22M3"}
LAUNCH_PLACES = ["Kursk oblast", "Oryol oblast", "Bryansk oblast", "Millerovo", "Primorsko-Akhtarsk",
                 "Chauda, Crimea", "Shatalovo", "Hvardiiske, Crimea"]
OBLASTS = ["Kyiv oblast", "Kharkiv oblast", "Odesa oblast", "Dnipropetrovsk oblast", "Sumy oblast",
           "Zaporizhzhia oblast", "Donetsk oblast", "Lviv oblast", "Poltava oblast",
           "Chernihiv oblast", "Mykolaiv oblast", "Volyn oblast"]

# Catalogue: model, category, origin. It lacks a few models of the attack file (Kh- spellings,
# Cyrillic and joined names) and files the Kinzhal-Iskander join as cruise, as the record's does.
CATALOGUE = [
    ("Shahed-136/131", "UAV", "iran"), ("Unknown UAV", "UAV", ""), ("Orlan-10", "UAV", "russia"),
    ("ZALA", "UAV", "russia"), ("Supercam", "UAV", "russia"), ("Lancet", "UAV", "russia"),
    ("Orlan-10 and ZALA", "UAV", "russia"), ("Reconnaissance UAV", "UAV", ""),
    ("Geran-3", "UAV", "russia"),
    ("Iskander-M", "ballistic missile", "russia"), ("KN-23", "ballistic missile", "north korea"),
    ("Iskander-M/KN-23", "ballistic missile", "russia/north korea"),
    ("X-47 Kinzhal", "ballistic missile", "russia"),
    ("X-47 Kinzhal and Iskander-M/KN-23", "cruise missile", "russia"),
    ("C-300", "surface-to-air missile", "russia"),
    ("C-400 and Iskander-M", "surface-to-air and ballistic", "russia"),
    ("X-101/X-555", "cruise missile", "russia"), ("Kalibr", "cruise missile", "russia"),
    ("X-101/X-555 and Kalibr", "cruise missile", "russia"),
    ("X-101/X-555 and Kalibr and Iskander-K", "cruise missile", "russia"),
    ("Iskander-K", "cruise missile", "russia"), ("X-59/X-69", "cruise missile", "russia"),
    ("X-59", "cruise missile", "russia"), ("X-22", "cruise missile", "russia"),
    ("X-22 and X-32", "cruise missile", "russia"), ("X-31P", "cruise missile", "russia"),
]


class Draws:
    """Random draws built on `random.Random.random()` alone (stable across Python versions)."""

    def __init__(self, seed: int) -> None:
        self.source = random.Random(seed)

    def uniform(self, low: float = 0.0, high: float = 1.0) -> float:
        return low + (high - low) * self.source.random()

    def chance(self, probability: float) -> bool:
        return self.source.random() < probability

    def normal(self) -> float:
        """Box-Muller; 1 - u keeps the logarithm's argument above 0."""
        u, v = 1.0 - self.source.random(), self.source.random()
        return math.sqrt(-2.0 * math.log(u)) * math.cos(2.0 * math.pi * v)

    def lognormal(self, median: float, sigma: float) -> float:
        return median * math.exp(sigma * self.normal())

    def binomial(self, trials: int, probability: float) -> int:
        return sum(1 for _ in range(trials) if self.source.random() < probability)

    def wave_rate(self, mean: float, spread: float) -> float:
        """A wave's own interception probability: logit-normal around `mean` (overdispersion)."""
        logit = math.log(mean / (1.0 - mean)) + spread * self.normal()
        return 1.0 / (1.0 + math.exp(-logit))

    def pick(self, weighted: list[tuple[str, int]]) -> str:
        total = sum(weight for _, weight in weighted)
        target = self.source.random() * total
        for name, weight in weighted:
            target -= weight
            if target < 0:
                return name
        return weighted[-1][0]

    def sample(self, items: list[str], count: int) -> list[str]:
        pool, chosen = list(items), []
        for _ in range(min(count, len(pool))):
            chosen.append(pool.pop(int(self.source.random() * len(pool))))
        return chosen


def between(day: date, points: list[tuple[date, float]]) -> float:
    """Piecewise-linear interpolation of a quantity that changes over time."""
    if day <= points[0][0]:
        return points[0][1]
    for (d0, v0), (d1, v1) in zip(points, points[1:], strict=False):
        if day <= d1:
            return v0 + (v1 - v0) * (day - d0).days / (d1 - d0).days
    return points[-1][1]


DRONE_MEDIAN = [(date(2022, 9, 28), 8), (date(2023, 6, 1), 14), (date(2024, 1, 1), 22),
                (date(2024, 8, 1), 45), (date(2025, 1, 1), 90), (date(2025, 7, 1), 135),
                (date(2026, 5, 13), 150)]
DRONE_RATE = [(date(2022, 9, 28), 0.80), (date(2024, 1, 1), 0.85), (date(2026, 5, 13), 0.88)]
CRUISE_RATE = [(date(2022, 9, 28), 0.72), (date(2026, 5, 13), 0.78)]
BALLISTIC_RATE = [(date(2022, 9, 28), 0.08), (date(2024, 1, 1), 0.18), (date(2025, 8, 31), 0.36),
                  (date(2025, 9, 1), 0.17), (date(2026, 5, 13), 0.22)]  # the fall of Sep 2025


def text_count(value: int | None) -> str:
    """Counts as the record writes them: floats ('465.0'), empty when missing."""
    return "" if value is None else f"{value}.0"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def region_list(draws: Draws, day: date, count: int) -> list[str]:
    """Regions named in a report; the south (Odesa, Mykolaiv) is named more often from 2026."""
    weighted = [(name, 3 if name in ("Kharkiv oblast", "Dnipropetrovsk oblast", "Kyiv oblast")
                 else 1) for name in OBLASTS]
    if day >= date(2026, 1, 1):
        weighted = [(name, w + 4 if name in ("Odesa oblast", "Mykolaiv oblast") else w)
                    for name, w in weighted]
    chosen: list[str] = []
    while len(chosen) < count:
        name = draws.pick(weighted)
        if name not in chosen:
            chosen.append(name)
    return chosen


def python_list(names: list[str]) -> str:
    return "[" + ", ".join(f"'{n}'" for n in names) + "]"


class Sample:
    """The rows of the sample record, built wave by wave."""

    def __init__(self, seed: int = SEED) -> None:
        self.draws = Draws(seed)
        self.rows: list[dict[str, str]] = []
        self.posts = 0

    def post(self, publisher: str, day: date) -> str:
        self.posts += 1
        return f"{publisher}/posts/sample-{day:%Y%m%d}-{self.posts:04d}"

    def add(self, start: str, end: str, model: str, source: str, launched: int | None,
            destroyed: int | None, **extra: str) -> dict[str, str]:
        row = dict.fromkeys(COLUMNS, "")
        row.update(time_start=start, time_end=end, model=model, source=source,
                   launched=text_count(launched), destroyed=text_count(destroyed),
                   border_crossing="{}")
        row.update(extra)
        self.rows.append(row)
        return row

    # ------------------------------------------------------------------------ counts per row

    def outcome(self, day: date, launched: int, mean: float, spread: float,
                drone: bool) -> tuple[int, int | None]:
        """(destroyed, not_reach_goal) under the convention in force on `day`."""
        neutralised = self.draws.binomial(launched, self.draws.wave_rate(mean, spread))
        if not drone or day < SPLIT_FROM:
            return neutralised, None
        if day >= COMBINED_FROM:
            return neutralised, 0
        shot_down = self.draws.binomial(neutralised, 0.62)
        return shot_down, neutralised - shot_down

    def drone_row(self, day: date, window: tuple[str, str], source: str, launched: int, *,
                  real: int | None = None) -> dict[str, str]:
        destroyed, lost = self.outcome(day, launched, between(day, DRONE_RATE), 0.45, True)
        extra = {"launch_place": " and ".join(self.draws.sample(LAUNCH_PLACES, 2)),
                 "target": "Ukraine", "not_reach_goal": text_count(lost)}
        if day >= SHAHED_COUNT_FROM and (real is not None or self.draws.chance(0.75)):
            share = self.draws.wave_rate(0.56, 0.35)
            extra["is_shahed"] = text_count(real if real is not None
                                            else self.draws.binomial(launched, share))
        if day >= date(2025, 5, 20):
            extra["num_hit_location"] = text_count(int(self.draws.uniform(1, 4 + launched / 20)))
            extra["num_fall_fragment_location"] = text_count(int(self.draws.uniform(0, 8)))
        if day >= date(2025, 2, 1) and self.draws.chance(0.45):
            names = region_list(self.draws, day, 1 + int(self.draws.uniform(0, 5)))
            extra["affected region"] = python_list(names)
            if self.draws.chance(0.3):
                extra["target_main"] = names[0]
        if day >= date(2024, 10, 1) and self.draws.chance(0.3):
            extra["destroyed_details"] = (
                f"{{'south': {int(self.draws.uniform(3, 40))}, 'east': NaN, 'north': NaN}}")
        if day >= COMBINED_FROM and self.draws.chance(0.12):
            left = launched - destroyed
            extra["still_attacking"] = text_count(min(left, int(self.draws.uniform(1, 8))))
        return self.add(*window, "Shahed-136/131", source, launched, destroyed, **extra)

    def missile_row(self, day: date, window: tuple[str, str], source: str, model: str,
                    launched: int, mean: float) -> dict[str, str]:
        destroyed, _ = self.outcome(day, launched, mean, 0.6, False)
        carrier = next((c for prefix, c in CARRIERS.items() if model.startswith(prefix)), "")
        regions = region_list(self.draws, day, 1 + int(self.draws.uniform(0, 3)))
        target = " and ".join(regions) if self.draws.chance(0.5) else "Ukraine"
        return self.add(*window, model, source, launched, destroyed, carrier=carrier, target=target,
                        launch_place=self.draws.pick([(p, 1) for p in LAUNCH_PLACES]))

    # ------------------------------------------------------------------------ waves

    def night_window(self, day: date) -> tuple[str, str]:
        """From the evening before to the morning of `day`, as posted."""
        evening = datetime.combine(day - timedelta(days=1), datetime.min.time())
        start = evening + timedelta(hours=18 + int(self.draws.uniform(0, 3)))
        end = datetime.combine(day, datetime.min.time()) + timedelta(
            hours=8, minutes=30 * int(self.draws.uniform(0, 4)))
        return stamp(start), stamp(end)

    def national_wave(self, day: date) -> None:
        source = self.post("kpszsu", day)
        window = self.night_window(day)
        if day < date(2023, 7, 1) and self.draws.chance(0.4):  # early posts often give dates only
            window = (f"{day}", f"{day}")
        median = between(day, DRONE_MEDIAN)
        size = self.draws.lognormal(median, 0.55)
        if day >= date(2025, 1, 1) and self.draws.chance(0.05):
            size = min(size * self.draws.uniform(2.5, 4.5), 820)  # the occasional very large wave
        launched = max(1, round(size))
        self.drone_row(day, window, source, launched)
        missile_chance = 0.35 if day < FULL_COVERAGE_FROM else 0.22
        if self.draws.chance(missile_chance):
            self.missiles(day, window, source)
        if day < FULL_COVERAGE_FROM and self.draws.chance(0.15):
            small = self.draws.pick([("Orlan-10", 2), ("Lancet", 1), ("Reconnaissance UAV", 1)])
            count = 1 + int(self.draws.uniform(0, 4))
            self.add(*window, small, source, count,
                     self.draws.binomial(count, 0.9), target="Ukraine")

    def missiles(self, day: date, window: tuple[str, str], source: str) -> None:
        cruise = self.draws.chance(0.75)
        ballistic = self.draws.chance(0.6) or not cruise
        if cruise:
            model = self.draws.pick(CRUISE_MODELS)
            count = max(1, round(self.draws.lognormal(9, 0.8)))
            self.missile_row(day, window, source, model, count, between(day, CRUISE_RATE))
        if ballistic:
            model = self.draws.pick(BALLISTIC_MODELS)
            count = max(1, round(self.draws.lognormal(4, 0.7)))
            row = self.missile_row(day, window, source, model, count, between(day, BALLISTIC_RATE))
            if model.startswith("X-47") and len(window[1]) > 10:  # a Kinzhal strike inside the window
                strike = datetime.fromisoformat(window[1]) - timedelta(hours=2)
                row["time_start"], row["time_end"] = stamp(strike), stamp(strike + timedelta(minutes=10))
        if self.draws.chance(0.04):
            model = self.draws.pick(MIXED_MODELS)
            self.missile_row(day, window, source, model, 1 + int(self.draws.uniform(1, 6)), 0.4)

    def regional_wave(self, day: date) -> None:
        publisher, direction = REGIONAL_COMMANDS[int(self.draws.uniform(0, len(REGIONAL_COMMANDS)))]
        source = self.post(publisher, day)
        rows: dict[str, dict[str, str]] = {}
        for _ in range(1 + int(self.draws.chance(0.3))):
            count = 1 + int(self.draws.lognormal(3, 0.6))
            model = self.draws.pick(REGIONAL_MODELS)
            if model in rows:  # a post names each model once: a second draw of it adds to the count
                total = int(float(rows[model]["launched"])) + count
                rows[model].update(launched=text_count(total), destroyed=text_count(total))
                continue
            rows[model] = self.add(f"{day}", f"{day}", model, source, count, count, target=direction)

    def seed_article_nights(self) -> None:
        """The night of 9-10 October 2025 (reported on the 10th) and of 10-11 October, shaped like
        the seed article: nearly 500 drones, about 200 real Shaheds, 32 missiles, 17 ballistic."""
        day = SEED_NIGHT
        source = self.post("kpszsu", day)
        window = ("2025-10-09 19:00", "2025-10-10 10:00")
        drones = self.drone_row(day, window, source, 468, real=196)
        drones.update(target_main="Kyiv oblast", **{"affected region": python_list(
            ["Kyiv oblast", "Kharkiv oblast", "Poltava oblast", "Dnipropetrovsk oblast",
             "Zaporizhzhia oblast", "Cherkasy oblast"])})
        for model, count, mean in (("Iskander-M/KN-23", 15, 0.3), ("Iskander-K", 11, 0.75),
                                   ("Kh-59/Kh-69", 4, 0.5)):
            self.missile_row(day, window, source, model, count, mean)
        self.missile_row(day, ("2025-10-10 06:30", "2025-10-10 06:40"), source, "X-47 Kinzhal", 2,
                         0.5)
        day = SEED_NIGHT + timedelta(days=1)
        source = self.post("kpszsu", day)
        self.drone_row(day, ("2025-10-10 20:00", "2025-10-11 09:00"), source, 81, real=38)

    def oddities(self) -> None:
        """Rows the loader and the checks must handle, each once or twice."""
        # Missing counts: no launched (2 rows), no destroyed (3 rows).
        for day, model in ((date(2023, 2, 14), "X-59"), (date(2024, 3, 2), "X-31P")):
            row = self.add(f"{day}", f"{day}", model, self.post("kpszsu", day), None, 2,
                           target="Ukraine")
            row["launched"] = ""
        for day, model, launched in ((date(2023, 5, 18), "Kalibr", 6),
                                     (date(2024, 11, 3), "Iskander-M", 3),
                                     (date(2025, 12, 19), "X-22", 4)):
            self.add(f"{day}", f"{day}", model, self.post("kpszsu", day), launched, None,
                     target="Ukraine")
        # destroyed + not_reach_goal > launched (a typo of the record's kind), split period.
        day = date(2024, 12, 12)
        self.add(*self.night_window(day), "Shahed-136/131", self.post("kpszsu", day), 40, 31,
                 not_reach_goal="12.0", target="Ukraine")
        # One post covering two separate nights: two waves with one source.
        source = self.post("kpszsu", date(2023, 1, 3))
        for day in (date(2023, 1, 2), date(2023, 1, 3)):
            self.add(*self.night_window(day), "Shahed-136/131", source, 12, 10, target="Ukraine")
        # A date-only end on the start's day (a daytime strike posted without its end time).
        day = date(2023, 3, 9)
        self.add("2023-03-09 04:00", "2023-03-09", "X-47 Kinzhal", self.post("kpszsu", day), 6, 0,
                 target="Kyiv oblast and Lviv oblast", carrier="MiG-31K")
        # Other national publishers: the General Staff and a video link.
        day = date(2024, 2, 7)
        self.add("2024-02-07 07:00", "2024-02-07 09:00", "X-47 Kinzhal",
                 self.post("GeneralStaff.ua", day), 4, 1, target="Kyiv oblast")
        self.add("2022-10-01 12:00", "2022-10-01 12:00", "Orlan-10", "watch/?v=sample-1", 1, 1,
                 target="Ukraine")
        # A jet-powered drone the project's class table does not know (the catalogue does).
        day = date(2026, 4, 22)
        self.add(*self.night_window(day), "Geran-3", self.post("kpszsu", day), 6, 4,
                 turbojet="6.0", turbojet_destroyed="4.0", target="Ukraine")
        # Details given as Python-style text: launched by model, a border crossing, a list with NaN.
        day = date(2025, 4, 24)
        self.add(*self.night_window(day), "X-101/X-555 and Kalibr", self.post("kpszsu", day), 38, 30,
                 launched_details="{'X-101/X-555': 30, 'Kalibr': 8}", carrier="Tu-95MS",
                 border_crossing="{'belarus': 2.0}", target="Kyiv oblast and Lviv oblast",
                 **{"affected region": "['Kyiv oblast', nan]"})
        self.families_and_the_clock()

    def families_and_the_clock(self) -> None:
        """Rows for weapon families, places and the 24-hour rule, each fixed (no random draws, so
        the rows above keep their values): a small family of its own (Zircon), a day post before a
        night post (together the largest total within 24 hours), places named as a city, as a
        short name and with a qualifier (all three in Dnipropetrovsk oblast), places hit and
        debris, and jet-powered Shaheds."""
        for day, launched, destroyed in ((date(2025, 11, 20), 4, 1), (date(2026, 2, 10), 3, 0),
                                         (date(2026, 4, 8), 2, 1)):
            self.add(f"{day} 05:10", f"{day} 05:40", "3M22 Zircon", self.post("kpszsu", day),
                     launched, destroyed, target="Odesa oblast", launch_place="Crimea")
        day = date(2026, 4, 20)
        source = self.post("kpszsu", day)
        self.add("2026-04-20 09:30", "2026-04-20 18:30", "Shahed-136/131", source, 702, 651,
                 not_reach_goal="0.0", is_shahed="380.0", num_hit_location="21.0",
                 num_fall_fragment_location="9.0", turbojet="12.0", turbojet_destroyed="10.0",
                 target="Ukraine", target_main="Dnipro oblast",
                 **{"affected region": "['Dnipro', 'Dnipropetrovsk oblast, Dnipro Raion', 'Kyiv']"})
        self.add("2026-04-20 09:30", "2026-04-20 18:30", "X-101/X-555", source, 14, 12,
                 carrier="Tu-95MS", target="Dnipro and Kyiv")

    def build(self) -> list[dict[str, str]]:
        day = FIRST_DAY
        while day <= LAST_DAY:
            if day != SEED_NIGHT and day != SEED_NIGHT + timedelta(days=1):
                chance = 0.27 if day < FULL_COVERAGE_FROM else 0.85
                if self.draws.chance(chance) or day in (FIRST_DAY, LAST_DAY):
                    self.national_wave(day)
            if day >= date(2022, 10, 1) and self.draws.chance(0.2):
                self.regional_wave(day)
            day += timedelta(days=1)
        self.seed_article_nights()
        self.oddities()
        # Newest first, as the record is published.
        return sorted(self.rows, key=lambda r: (r["time_end"][:10], r["source"]), reverse=True)


def write(rows: list[dict[str, str]], catalogue: list[tuple[str, str, str]],
          record_file: Path = RECORD_FILE, catalogue_file: Path = CATALOGUE_FILE) -> None:
    with record_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    with catalogue_file.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["model", "category", "national_origin"])
        writer.writerows(catalogue)


def main() -> None:
    rows = Sample().build()
    write(rows, CATALOGUE)
    print(f"wrote {len(rows)} rows to {RECORD_FILE.name} and {len(CATALOGUE)} models to "
          f"{CATALOGUE_FILE.name}")


if __name__ == "__main__":
    main()
