"""Deterministic demo company: Northwind Demo Ltd.

One fictional company simulated month by month over three years (hires, leavers and
re-hires under the same BambooHR id, promotions, transfers, manager changes, learning
with Q1 and autumn peaks), then exported the way each source system would show it: a
BambooHR-shaped HRIS (with employment status history), a Lattice-shaped performance tool
and xAPI statements for the learning record store; `demo/docebo.py`, `demo/finance.py`
and `demo/vendors.py` export the same company to the other systems. Each export plants a
few realistic bad records at fixed positions, which the connectors must quarantine. The generator also writes the
ground truth it planted (true course effects, manager leniency, rating drift) so the
impact engine can be validated against it; the warehouse models never read that truth.

Everything is driven by one seed: the same `DEMO_SEED` and `DEMO_EMPLOYEES` always give
byte-identical output.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from faker import Faker

START_ON = date(2023, 11, 1)
AS_OF = date(2026, 10, 31)
EMAIL_DOMAIN = "northwind-demo.example"
LMS_HOME = "https://lms.northwind-demo.example"
XAPI_NAMESPACE = uuid.UUID("6f1c3a52-1d7e-4d35-9d7a-0c8b1b7e5a10")

# division, department, job family, share of headcount, location
DEPARTMENTS = [
    ("Engineering", "Platform Engineering", "software_engineering", 0.17, "Berlin"),
    ("Engineering", "Product Engineering", "software_engineering", 0.19, "London"),
    ("Engineering", "Data & Analytics", "data_analytics", 0.08, "London"),
    ("Commercial", "Sales EMEA", "sales", 0.12, "London"),
    ("Commercial", "Sales Americas", "sales", 0.10, "New York"),
    ("Commercial", "Customer Support", "customer_support", 0.14, "Lisbon"),
    ("Operations", "Operations", "operations", 0.10, "Lisbon"),
    ("Corporate", "Finance", "finance", 0.05, "London"),
    ("Corporate", "People", "people_ops", 0.05, "London"),
]
TEAM_SIZE = 9

# The LMS catalogue: course id, title, hours, has a graded assessment
COURSES = [
    ("CRS-001", "Writing That Gets Read", 3.0, False),
    ("CRS-002", "Presenting With Impact", 6.0, True),
    ("CRS-003", "Working Across Teams", 4.0, False),
    ("CRS-004", "Structured Problem Solving", 5.0, True),
    ("CRS-005", "Decision Making Under Uncertainty", 8.0, True),
    ("CRS-006", "Data Foundations", 4.0, True),
    ("CRS-007", "Advanced Analytics for Decisions", 12.0, True),
    ("CRS-008", "Productivity Suite Essentials", 2.0, False),
    ("CRS-009", "AI Assistants at Work", 2.0, True),
    ("CRS-010", "Prompting and Evaluating AI Output", 6.0, True),
    ("CRS-011", "Customer Conversations", 4.0, False),
    ("CRS-012", "Customer Journey Design", 8.0, True),
    ("CRS-013", "Project Delivery Basics", 5.0, True),
    ("CRS-014", "Agile Delivery at Scale", 10.0, True),
    ("CRS-015", "Engineering Craft Bootcamp", 16.0, True),
    ("CRS-016", "Architecture Masterclass", 20.0, True),
    ("CRS-017", "How the Business Makes Money", 3.0, False),
    ("CRS-018", "Negotiation and Deal Strategy", 8.0, True),
    ("CRS-019", "First-Time Manager Programme", 24.0, True),
    ("CRS-020", "Coaching for Performance", 10.0, False),
    ("CRS-021", "Data and AI Literacy Sprint", 6.0, True),
]
# Planted true effects per programme (course). Capability levels gained on completion
# (and through them the overall rating); two courses have none. Goal attainment and
# 12-month retention get their own planted effects, zero for a third of the courses.
NO_EFFECT_COURSES = {"CRS-008", "CRS-017"}
RATING_DRIFT_PER_CYCLE = 0.06
BASE_MONTHLY_ATTRITION = 0.011
RETENTION_EFFECT_DAYS = 365  # a programme's attrition factor applies this long after completion
# Noise of a manager's capability rating and of the overall rating around their means.
CAPABILITY_RATING_NOISE = 0.35
OVERALL_RATING_NOISE = 0.45
# Learning is seasonal: new-year plans fill Q1, autumn is busy, summer and December are quiet.
SEASONALITY = {1: 1.4, 2: 1.35, 3: 1.25, 4: 1.0, 5: 0.95, 6: 0.8, 7: 0.55, 8: 0.5, 9: 1.15, 10: 1.3, 11: 1.2, 12: 0.55}
REHIRE_SHARE = 0.12  # of leavers who come back (same BambooHR id, new hire date)
MANAGER_CHANGE_RATE = 0.003  # monthly chance of moving to another team lead in the department
UNKNOWN_BAMBOO_ID = "99999"
# Succession: the capabilities of a critical role that reviews also rate for the holders
# of its feeder roles (the dbt seed the warehouse reads, so the demo plants what the
# succession plan declares). Those extra ratings draw on their own random stream, so
# everything else the generator produces is unchanged by them.
SUCCESSION_ASSESSMENTS = Path(__file__).resolve().parents[1] / "dbt_project/seeds/succession_assessed_capabilities.csv"
SUCCESSION_STREAM = 17
# Protected characteristics as BambooHR holds them (`gender`, `ethnicity`, `dateOfBirth`).
# Gender follows the first name (the rule the HR file exports use); ethnicity and date of
# birth are drawn on their own stream, one generator per person seeded with (seed,
# PROTECTED_STREAM, person index), so nothing else the company does changes with them.
# Nothing in the simulation reads them: ratings, promotions and attrition are independent
# of them, so the planted rating bias by protected attribute is zero (`truth()`).
PROTECTED_STREAM = 19
# Ethnicity in US EEO-1 race/ethnicity categories (a BambooHR tenant's list is its own);
# None is a person who did not declare it.
ETHNICITY_SHARES = (
    ("White", 0.60),
    ("Asian", 0.14),
    ("Black or African American", 0.10),
    ("Hispanic or Latino", 0.08),
    ("Two or More Races", 0.04),
    (None, 0.04),
)
AGE_AT_HIRE = (31.0, 7.0, 19.0, 60.0)  # mean, sd, min, max years: a person's age on their first hire date
PLANTED_RATING_BIAS = 0.0  # rating points by gender, age band or ethnicity: none planted


def _read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@dataclass
class Framework:
    capabilities: list[str]
    capability_names: dict[str, str]
    profiles: dict[str, dict]  # job_profile_id -> row
    profile_by_family_level: dict[tuple[str, int], str]
    required: list[dict]
    course_capabilities: dict[str, list[tuple[str, int]]]

    @classmethod
    def load(cls, folder: Path) -> Framework:
        caps = _read_csv(folder / "capabilities.csv")
        profiles = {row["job_profile_id"]: row for row in _read_csv(folder / "job_profiles.csv")}
        by_family_level = {}
        for pid, row in profiles.items():
            by_family_level.setdefault((row["job_family"], int(row["job_level"])), pid)
        course_caps: dict[str, list[tuple[str, int]]] = {}
        for row in _read_csv(folder / "course_capabilities.csv"):
            course_caps.setdefault(row["course_id"], []).append((row["capability_id"], int(row["target_level"])))
        return cls(
            capabilities=[c["capability_id"] for c in caps],
            capability_names={c["capability_id"]: c["capability_name"] for c in caps},
            profiles=profiles,
            profile_by_family_level=by_family_level,
            required=_read_csv(folder / "required_levels.csv"),
            course_capabilities=course_caps,
        )

    def required_levels(self, profile_id: str, on: date) -> dict[str, int]:
        levels = {}
        for row in self.required:
            if row["job_profile_id"] != profile_id:
                continue
            start = date.fromisoformat(row["effective_from"])
            end = date.fromisoformat(row["effective_to"]) if row["effective_to"] else date.max
            if start <= on <= end:
                levels[row["capability_id"]] = int(row["required_level"])
        return levels


@dataclass
class Person:
    index: int
    bamboo_id: str
    employee_number: str
    first_name: str
    last_name: str
    email: str
    hire_date: date
    department: int
    profile_id: str
    manager: int | None
    ability: float
    capability: dict[str, float]
    leniency: float = 0.0
    termination_date: date | None = None
    history: list[dict] = field(default_factory=list)
    last_overall: int | None = None
    last_trained_on: date | None = None
    pending: list[tuple[date, str]] = field(default_factory=list)  # (finish date, course) not yet effective
    completed: list[tuple[date, str]] = field(default_factory=list)  # courses in effect, by finish date
    level_since: date | None = None
    previous_periods: list[tuple[date, date]] = field(default_factory=list)  # before a re-hire
    gender: str | None = None  # Male / Female (first-name rule); None when the name says neither
    ethnicity: str | None = None  # ETHNICITY_SHARES category; None when not declared
    date_of_birth: date | None = None

    @property
    def display_name(self) -> str:
        return f"{self.last_name}, {self.first_name}"

    @property
    def original_hire_date(self) -> date:
        return self.previous_periods[0][0] if self.previous_periods else self.hire_date

    def active_on(self, day: date) -> bool:
        if any(start <= day < end for start, end in self.previous_periods):
            return True
        return self.hire_date <= day and (self.termination_date is None or day < self.termination_date)


def feeder_capabilities(path: Path, framework: Framework) -> dict[str, list[str]]:
    """Feeder job profile -> the capabilities its reviews rate for the roles it feeds
    (sorted; only profiles and capabilities the framework has). No file: none."""
    if not path.exists():
        return {}
    out: dict[str, set[str]] = {}
    for row in _read_csv(path):
        if row["feeder_job_profile_id"] in framework.profiles and row["capability_id"] in framework.capability_names:
            out.setdefault(row["feeder_job_profile_id"], set()).add(row["capability_id"])
    return {profile: sorted(caps) for profile, caps in out.items()}


def protected_attributes(seed: int, index: int, first_name: str, first_hired_on: date) -> dict:
    """A person's gender, ethnicity and date of birth, from their own random stream (two
    draws, always) and the first-name rule; independent of everything else about them."""
    from demo.hr_exports import _gender  # the first-name rule the HR file exports use

    rng = np.random.default_rng([seed, PROTECTED_STREAM, index])
    pick, age_draw = float(rng.random()), float(rng.normal(AGE_AT_HIRE[0], AGE_AT_HIRE[1]))
    cumulative, ethnicity = 0.0, None
    for category, share in ETHNICITY_SHARES:
        cumulative += share
        if pick < cumulative:
            ethnicity = category
            break
    age_days = round(float(np.clip(age_draw, AGE_AT_HIRE[2], AGE_AT_HIRE[3])) * 365.25)
    gender = _gender(first_name)
    return {
        "gender": gender if gender in ("Male", "Female") else None,
        "ethnicity": ethnicity,
        "date_of_birth": first_hired_on - timedelta(days=age_days),
    }


def expected_rating(mean: float, noise: float) -> float:
    """E[clip(round(mean + e), 1, 5)] for e ~ N(0, noise): 1 + sum over k of P(mean + e >= k + 0.5)."""
    return 1.0 + sum(0.5 * math.erfc(-(mean - k - 0.5) / (noise * math.sqrt(2))) for k in range(1, 5))


def expected_calibrated_rating(mean: float, leniency: float) -> float:
    """The expected overall rating after calibration, which moves each submitted rating
    by half its manager's leniency (see `_review_cycle`): sum over k of P(k) x cal(k)."""
    # at_least[j] = P(submitted rating >= j + 1)
    at_least = [
        1.0,
        *(0.5 * math.erfc(-(mean - k - 0.5) / (OVERALL_RATING_NOISE * math.sqrt(2))) for k in range(1, 5)),
        0.0,
    ]
    return sum((at_least[k - 1] - at_least[k]) * int(np.clip(round(k - 0.5 * leniency), 1, 5)) for k in range(1, 6))


def month_starts(start: date, end: date) -> list[date]:
    months, day = [], start
    while day <= end:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def review_cycles() -> list[dict]:
    """Half-year cycles whose reviews were submitted before the demo's as-of date."""
    cycles = []
    for year in range(2023, 2027):
        for half in (1, 2):
            start = date(year, 1 if half == 1 else 7, 1)
            end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
            opens = end + timedelta(days=5)
            if start < date(2023, 7, 1) or opens + timedelta(days=25) > AS_OF:
                continue
            cycles.append({"name": f"{year} H{half}", "start": start, "end": end, "opens": opens})
    return cycles


class DemoCompany:
    """Simulates the company; call `generate()` then `write(folder)`."""

    def __init__(self, employees: int = 2000, seed: int = 42, framework_dir: Path | None = None):
        if employees < 50:
            raise ValueError("DEMO_EMPLOYEES must be at least 50 so every team has a manager")
        self.size = employees
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.fake = Faker("en_GB")
        self.fake.seed_instance(seed)
        root = Path(__file__).resolve().parents[1]
        self.framework = Framework.load(framework_dir or root / "framework")
        self.people: list[Person] = []
        self.emails: set[str] = set()
        self.statements: list[dict] = []
        self.reviews: list[dict] = []
        self.course_effect = {
            course: (0.0 if course in NO_EFFECT_COURSES else round(float(self.rng.uniform(0.35, 0.8)), 2))
            for course, *_ in COURSES
        }
        self.course_by_id = {c[0]: c for c in COURSES}
        # Separate stream: the goal and retention effects never shift the rest of the company.
        effects_rng = np.random.default_rng([seed, 3])
        self.goal_effect, self.retention_factor = {}, {}
        for k, (course, *_) in enumerate(COURSES):
            goal, retention = float(effects_rng.uniform(0.04, 0.12)), float(effects_rng.uniform(0.3, 0.7))
            self.goal_effect[course] = 0.0 if course in NO_EFFECT_COURSES or k % 3 == 0 else round(goal, 3)
            self.retention_factor[course] = 1.0 if course in NO_EFFECT_COURSES or k % 3 == 1 else round(retention, 3)
        # One row per completion that took effect: what it changed, for `truth()`.
        self.completion_effects: list[dict] = []
        self.succession_rng = np.random.default_rng([seed, SUCCESSION_STREAM])
        self.feeder_capabilities = feeder_capabilities(SUCCESSION_ASSESSMENTS, self.framework)

    # -- people -------------------------------------------------------------------------
    def _new_person(
        self, department: int, level: int, hire_date: date, manager: int | None, profile_id: str | None = None
    ) -> Person:
        family = DEPARTMENTS[department][2] if department >= 0 else "executive"
        profile = profile_id or self.framework.profile_by_family_level[(family, level)]
        first, last = self.fake.first_name(), self.fake.last_name()
        local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
        email, n = f"{local}@{EMAIL_DOMAIN}", 1
        while email in self.emails:
            n += 1
            email = f"{local}{n}@{EMAIL_DOMAIN}"
        self.emails.add(email)
        index = len(self.people)
        ability = float(self.rng.normal(0.0, 0.5))
        required = self.framework.required_levels(profile, max(hire_date, START_ON))
        capability = {
            cap: float(np.clip(required.get(cap, 2) - 0.4 + ability + self.rng.normal(0, 0.6), 1.0, 5.0))
            for cap in self.framework.capabilities
        }
        person = Person(
            index=index,
            bamboo_id=str(1001 + index),
            employee_number=f"E{index + 1:05d}",
            first_name=first,
            last_name=last,
            email=email,
            hire_date=hire_date,
            department=department,
            profile_id=profile,
            manager=manager,
            ability=ability,
            capability=capability,
            leniency=float(self.rng.normal(0.0, 0.35)),
            level_since=hire_date,
            **protected_attributes(self.seed, index, first, hire_date),
        )
        self.people.append(person)
        self._record_job(person, hire_date)
        return person

    def _record_job(self, person: Person, effective: date) -> None:
        division, department, _, _, location = (
            DEPARTMENTS[person.department]
            if person.department >= 0
            else ("Corporate", "Executive Office", "executive", 0, "London")
        )
        manager = self.people[person.manager] if person.manager is not None else None
        if person.history and person.history[-1]["date"] == effective:
            person.history.pop()  # two changes on one day (a promotion and a new manager): one row
        person.history.append(
            {
                "date": effective,
                "department": department,
                "division": division,
                "location": location,
                "job_title": self.framework.profiles[person.profile_id]["job_title"],
                "manager": manager.index if manager else None,
            }
        )

    def _past_hire_date(self) -> date:
        days = int(self.rng.integers(0, (START_ON - date(2014, 1, 1)).days))
        return date(2014, 1, 1) + timedelta(days=days)

    def _build_initial_org(self) -> None:
        ceo = self._new_person(-1, 5, date(2014, 1, 6), None, profile_id="exec_ceo")
        directors = {}
        for division in dict.fromkeys(d[0] for d in DEPARTMENTS):
            first_dept = next(i for i, d in enumerate(DEPARTMENTS) if d[0] == division)
            directors[division] = self._new_person(
                first_dept, 5, self._past_hire_date(), ceo.index, profile_id="exec_5"
            )
        self.teams: dict[int, list[int]] = {}
        for dept_index, (division, _, _, share, _) in enumerate(DEPARTMENTS):
            headcount = max(TEAM_SIZE + 2, round(self.size * share))
            head = self._new_person(dept_index, 4, self._past_hire_date(), directors[division].index)
            leads = []
            for _ in range(max(1, math.ceil((headcount - 1) / (TEAM_SIZE + 1)))):
                leads.append(self._new_person(dept_index, 4, self._past_hire_date(), head.index))
            self.teams[dept_index] = [lead.index for lead in leads]
            for k in range(headcount - 1 - len(leads)):
                level = int(self.rng.choice([1, 2, 3], p=[0.4, 0.4, 0.2]))
                self._new_person(dept_index, level, self._past_hire_date(), leads[k % len(leads)].index)

    # -- monthly simulation -------------------------------------------------------------
    def _gaps(self, person: Person, on: date) -> dict[str, float]:
        required = self.framework.required_levels(person.profile_id, on)
        return {cap: req - person.capability[cap] for cap, req in required.items()}

    def _learning_month(self, person: Person, month: date) -> None:
        open_gap = any(g >= 0.5 for g in self._gaps(person, month).values())
        probability = 0.07 + (0.06 if person.ability > 0.3 else 0.0) + (0.03 if open_gap else 0.0)
        probability *= SEASONALITY[month.month]
        if self.rng.random() >= probability:
            return
        gaps = self._gaps(person, month)
        targeted = [
            c
            for c, caps in self.framework.course_capabilities.items()
            if any(cap == max(gaps, key=gaps.get) for cap, _ in caps)
        ]
        if targeted and self.rng.random() < 0.6:
            course_id = str(self.rng.choice(sorted(targeted)))
        else:
            course_id = COURSES[int(self.rng.integers(0, len(COURSES)))][0]
        self._take_course(person, course_id, month)

    def _statement(
        self, person_email: str, course_id: str, verb: str, when: datetime, result: dict | None = None
    ) -> dict:
        _, title, _, _ = self.course_by_id[course_id]
        key = f"{person_email}|{course_id}|{verb}|{when.isoformat()}"
        statement = {
            "id": str(uuid.uuid5(XAPI_NAMESPACE, key)),
            "actor": {"objectType": "Agent", "account": {"homePage": LMS_HOME, "name": person_email}},
            "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}", "display": {"en-US": verb}},
            "object": {
                "objectType": "Activity",
                "id": f"{LMS_HOME}/courses/{course_id}",
                "definition": {"name": {"en-US": title}, "type": "http://adlnet.gov/expapi/activities/course"},
            },
            "timestamp": when.isoformat(),
        }
        if result:
            statement["result"] = result
        return statement

    def _take_course(self, person: Person, course_id: str, month: date) -> None:
        _, _, hours, graded = self.course_by_id[course_id]
        start = datetime(
            month.year,
            month.month,
            int(self.rng.integers(1, 25)),
            int(self.rng.integers(8, 18)),
            int(self.rng.integers(0, 60)),
            tzinfo=UTC,
        )
        if start.date() > AS_OF:
            return
        self.statements.append(self._statement(person.email, course_id, "attempted", start))
        if self.rng.random() < 0.18:  # dropped out
            return
        finish = start + timedelta(days=int(self.rng.integers(1, 21)), hours=int(self.rng.integers(0, 6)))
        if finish.date() > AS_OF or not person.active_on(finish.date()):
            return
        spent = max(0.5, hours * float(self.rng.uniform(0.7, 1.3)))
        duration = f"PT{int(spent)}H{int((spent % 1) * 60)}M"
        if graded:
            score = float(np.clip(self.rng.normal(0.72 + 0.1 * person.ability, 0.12), 0.2, 1.0))
            verb = "passed" if score >= 0.6 else "failed"
            result = {
                "score": {"scaled": round(score, 2)},
                "success": verb == "passed",
                "completion": True,
                "duration": duration,
            }
            self.statements.append(self._statement(person.email, course_id, verb, finish, result))
            if verb == "failed":
                return
        self.statements.append(
            self._statement(person.email, course_id, "completed", finish, {"completion": True, "duration": duration})
        )
        # The capability gain takes effect from the month after completion (see
        # `_apply_completions`), so a review never sees a course finished after its period.
        person.pending.append((finish.date(), course_id))
        person.last_trained_on = finish.date()

    def _apply_completions(self, month: date, cycles: list[dict]) -> None:
        """Courses finished before `month` take effect, and what each changed is recorded.

        The recorded effects are on the *expected* ratings a manager gives in the first
        review cycle whose period contains the completion: the capability ratings and the
        overall rating are rounded and clipped to 1-5, so the expectation is taken over
        the rating noise (closed form below) rather than read off one noisy draw.
        """
        for person in self.people:
            due = [item for item in person.pending if item[0] < month]
            if not due:
                continue
            person.pending = [item for item in person.pending if item[0] >= month]
            for finished, course_id in due:
                self._complete(person, finished, course_id, cycles)

    def _complete(self, person: Person, finished: date, course_id: str, cycles: list[dict]) -> None:
        required = self.framework.required_levels(person.profile_id, finished)
        before = dict(person.capability)
        for cap, target in self.framework.course_capabilities[course_id]:
            gain = self.course_effect[course_id]
            person.capability[cap] = min(
                5.0, max(person.capability[cap], min(person.capability[cap] + gain, target + 0.5))
            )
        person.completed.append((finished, course_id))
        number = next((n for n, c in enumerate(cycles) if c["end"] >= finished), None)
        manager = self.people[person.manager] if person.manager is not None else None
        row = {
            "employee_id": person.employee_number,
            "course_id": course_id,
            "completed_on": finished.isoformat(),
            "cycle_number": number,
            "capability_effect": None,
            "rating_effect": None,
            "retention_12m_effect": None,
        }
        if number is not None and manager is not None:
            bias = manager.leniency + RATING_DRIFT_PER_CYCLE * number
            assessed = [cap for cap, _ in self.framework.course_capabilities[course_id] if cap in required]
            if assessed:
                row["capability_effect"] = float(
                    np.mean(
                        [
                            expected_rating(person.capability[c] + bias, CAPABILITY_RATING_NOISE)
                            - expected_rating(before[c] + bias, CAPABILITY_RATING_NOISE)
                            for c in assessed
                        ]
                    )
                )
            mean_gap = float(np.mean([before[c] - r for c, r in required.items()]))
            shift = 0.9 * sum(person.capability[c] - before[c] for c in required) / len(required)
            base = 3 + 0.9 * mean_gap + bias
            # The warehouse's overall rating is the calibrated one.
            row["rating_effect"] = expected_calibrated_rating(base + shift, manager.leniency) - (
                expected_calibrated_rating(base, manager.leniency)
            )
        level = int(self.framework.profiles[person.profile_id]["job_level"])
        rate = 0.0 if level >= 4 else self._base_attrition(person)
        factor = self.retention_factor[course_id]
        row["retention_12m_effect"] = (1 - rate * factor) ** 12 - (1 - rate) ** 12
        self.completion_effects.append(row)

    def _review_cycle(self, number: int, cycle: dict, cycle_id: str) -> None:
        submitted_base = datetime.combine(cycle["opens"], datetime.min.time(), tzinfo=UTC)
        for person in self.people:
            if not person.active_on(cycle["end"]) or not person.active_on(cycle["opens"]):
                continue
            if (cycle["end"] - person.hire_date).days < 60 or person.manager is None:
                continue
            manager = self.people[person.manager]
            required = self.framework.required_levels(person.profile_id, cycle["end"])
            drift = RATING_DRIFT_PER_CYCLE * number
            mean_gap = float(np.mean([person.capability[c] - r for c, r in required.items()]))
            for review_type, reviewer in (("self", person), ("downward", manager)):
                bias = 0.45 if review_type == "self" else manager.leniency + drift
                noise = 0.5 if review_type == "self" else 0.35
                ratings = [
                    {
                        "competency": cap,
                        "rating": int(np.clip(round(person.capability[cap] + bias + self.rng.normal(0, noise)), 1, 5)),
                    }
                    for cap in sorted(required)
                ]
                # A feeder role's review also rates the capabilities its target role
                # needs beyond its own bars (declared in the succession seed).
                ratings += [
                    {
                        "competency": cap,
                        "rating": int(
                            np.clip(round(person.capability[cap] + bias + self.succession_rng.normal(0, noise)), 1, 5)
                        ),
                    }
                    for cap in self.feeder_capabilities.get(person.profile_id, [])
                    if cap not in required
                ]
                overall = int(np.clip(round(3 + 0.9 * mean_gap + bias + self.rng.normal(0, 0.45)), 1, 5))
                when = submitted_base + timedelta(
                    days=int(self.rng.integers(0, 20)), minutes=int(self.rng.integers(0, 600))
                )
                calibrated = None
                if review_type == "downward":
                    calibrated = int(np.clip(round(overall - 0.5 * manager.leniency), 1, 5))
                    person.last_overall = overall
                self.reviews.append(
                    {
                        "cycle_id": cycle_id,
                        "reviewee": person.index,
                        "reviewer": reviewer.index,
                        "review_type": review_type,
                        "submitted_at": when,
                        "rating": overall,
                        "calibrated_rating": calibrated,
                        "competency_ratings": ratings,
                    }
                )

    def _move(
        self,
        person: Person,
        effective: date,
        *,
        profile_id: str | None = None,
        department: int | None = None,
        manager: int | None = None,
    ) -> None:
        if profile_id:
            person.profile_id = profile_id
            person.level_since = effective
        if department is not None:
            person.department = department
        if manager is not None:
            person.manager = manager
        self._record_job(person, effective)

    def generate(self) -> DemoCompany:
        self._build_initial_org()
        cycles = review_cycles()
        self.cycle_ids = [
            f"cyc_{hashlib.sha1(c['name'].encode(), usedforsecurity=False).hexdigest()[:10]}" for c in cycles
        ]
        self.rehires: list[tuple[Person, date]] = []
        for month in month_starts(START_ON, AS_OF):
            month_end = date(month.year + (month.month == 12), month.month % 12 + 1, 1) - timedelta(days=1)
            self._rehire(month, month_end)
            self._transfers(month)
            self._apply_completions(month, cycles)
            # Review cycles whose submission window opens this month.
            for number, cycle in enumerate(cycles):
                if month <= cycle["opens"] <= month_end:
                    self._review_cycle(number, cycle, self.cycle_ids[number])
                    self._promotions(month_end + timedelta(days=1))
            for person in list(self.people):
                if not person.active_on(month):
                    continue
                for cap in person.capability:  # slow growth with experience
                    person.capability[cap] = min(5.0, person.capability[cap] + 0.01)
                self._learning_month(person, month)
                self._attrition(person, month, month_end)
        return self

    def _promotions(self, effective: date) -> None:
        if effective > AS_OF:
            return
        for person in self.people:
            level = int(self.framework.profiles[person.profile_id]["job_level"])
            if (
                not person.active_on(effective)
                or level >= 3
                or person.last_overall is None
                or person.last_overall < 4
                or (effective - person.level_since).days < 365
            ):
                continue
            if self.rng.random() < 0.35:
                family = self.framework.profiles[person.profile_id]["job_family"]
                self._move(person, effective, profile_id=self.framework.profile_by_family_level[(family, level + 1)])

    @staticmethod
    def _base_attrition(person: Person) -> float:
        return BASE_MONTHLY_ATTRITION * (2.0 if person.last_overall is not None and person.last_overall <= 2 else 1.0)

    def _attrition(self, person: Person, month: date, month_end: date) -> None:
        level = int(self.framework.profiles[person.profile_id]["job_level"])
        if level >= 4:
            return
        rate = self._base_attrition(person)
        for finished, course_id in person.completed:
            if (month - finished).days < RETENTION_EFFECT_DAYS:
                rate *= self.retention_factor[course_id]
        if self.rng.random() >= rate:
            return
        leave_on = month + timedelta(days=int(self.rng.integers(0, (month_end - month).days + 1)))
        person.termination_date = leave_on
        if self.rng.random() < REHIRE_SHARE:
            self.rehires.append((person, leave_on + timedelta(days=int(self.rng.integers(90, 330)))))
        replacement_start = month_end + timedelta(days=1)
        if replacement_start <= AS_OF:
            level = int(self.rng.choice([1, 2], p=[0.7, 0.3]))
            self._new_person(person.department, level, replacement_start, person.manager)

    def _rehire(self, month: date, month_end: date) -> None:
        """Leavers who come back: same BambooHR id and employee number, a new hire date."""
        for person, on in [item for item in self.rehires if month <= item[1] <= month_end]:
            self.rehires.remove((person, on))
            if on > AS_OF or person.termination_date is None:
                continue
            person.previous_periods.append((person.hire_date, person.termination_date))
            person.hire_date, person.termination_date = on, None
            person.level_since = on
            self._record_job(person, on)

    def _transfers(self, month: date) -> None:
        siblings = {}
        for i, d in enumerate(DEPARTMENTS):
            siblings.setdefault(d[2], []).append(i)
        for person in self.people:
            level = int(self.framework.profiles[person.profile_id]["job_level"])
            if not person.active_on(month) or level >= 4 or month == START_ON:
                continue
            options = [d for d in siblings[DEPARTMENTS[person.department][2]] if d != person.department]
            if options and self.rng.random() < 0.002:
                target = options[int(self.rng.integers(0, len(options)))]
                lead = self.teams[target][int(self.rng.integers(0, len(self.teams[target])))]
                self._move(person, month, department=target, manager=lead)
            elif self.rng.random() < MANAGER_CHANGE_RATE and level <= 3 and len(self.teams[person.department]) > 1:
                leads = [lead for lead in self.teams[person.department] if lead != person.manager]
                self._move(person, month, manager=leads[int(self.rng.integers(0, len(leads)))])

    # -- export -------------------------------------------------------------------------
    def bamboohr_employees(self) -> list[dict]:
        rows = []
        for p in self.people:
            job = p.history[-1]
            manager = self.people[p.manager] if p.manager is not None else None
            rows.append(
                {
                    "id": p.bamboo_id,
                    "employeeNumber": p.employee_number,
                    "firstName": p.first_name,
                    "lastName": p.last_name,
                    "displayName": p.display_name,
                    "workEmail": p.email,
                    "hireDate": p.hire_date.isoformat(),
                    "originalHireDate": p.original_hire_date.isoformat(),
                    "terminationDate": p.termination_date.isoformat() if p.termination_date else None,
                    "status": "Inactive" if p.termination_date else "Active",
                    "jobTitle": job["job_title"],
                    "department": job["department"],
                    "division": job["division"],
                    "location": job["location"],
                    "supervisorEId": manager.bamboo_id if manager else None,
                    "lastChanged": self._last_changed(p),
                    "gender": p.gender,
                    "ethnicity": p.ethnicity,
                    "dateOfBirth": p.date_of_birth.isoformat() if p.date_of_birth else None,
                }
            )
        return rows + self._bad_employees(rows)

    @staticmethod
    def _bad_employees(rows: list[dict]) -> list[dict]:
        """Planted report rows the connector must quarantine, one per kind of defect."""
        template = rows[len(rows) // 2]
        return [
            {**template, "id": None, "employeeNumber": "E99901"},  # missing id
            dict(rows[len(rows) // 3]),  # the same id twice in one report
            {**template, "id": "99901", "employeeNumber": "E99902", "hireDate": "31/12/2024"},  # wrong type
            {**template, "id": "99902", "employeeNumber": "E99903", "hireDate": "2099-01-04"},  # in the future
            {**template, "id": "99903", "employeeNumber": "E99904", "workEmail": "no-at-sign"},  # malformed
        ]

    def bamboohr_employment_status(self) -> dict[str, dict]:
        """`employees/changed/tables/employmentStatus`: a row per hire and per termination."""
        out = {}
        for p in self.people:
            rows = []
            for start, end in [*p.previous_periods, (p.hire_date, p.termination_date)]:
                status = "Part-Time" if p.index % 11 == 0 else "Full-Time"
                rows.append({"date": start.isoformat(), "employmentStatus": status, "terminationTypeId": None})
                if end is not None:
                    kind = "Voluntary" if (p.index + end.day) % 4 else "Involuntary"
                    rows.append({"date": end.isoformat(), "employmentStatus": "Terminated", "terminationTypeId": kind})
            for n, row in enumerate(rows, start=1):
                row.update({"id": str(n), "employeeId": p.bamboo_id})
            out[p.bamboo_id] = {"lastChanged": self._last_changed(p), "rows": rows}
        # Planted: a row dated before the hire, one in the future, and an unknown employee.
        victim = self.people[len(self.people) // 2]
        table = out[victim.bamboo_id]["rows"]
        table.append(
            {"id": "90", "employeeId": victim.bamboo_id, "date": "1999-01-01", "employmentStatus": "Contractor"}
        )
        table.append(
            {"id": "91", "employeeId": victim.bamboo_id, "date": "2099-01-01", "employmentStatus": "Part-Time"}
        )
        out[UNKNOWN_BAMBOO_ID] = {
            "lastChanged": self._last_changed(victim),
            "rows": [
                {"id": "1", "employeeId": UNKNOWN_BAMBOO_ID, "date": "2024-02-01", "employmentStatus": "Full-Time"}
            ],
        }
        return out

    def _last_changed(self, p: Person) -> str:
        latest = max([h["date"] for h in p.history] + [p.termination_date or date.min])
        return datetime.combine(latest, datetime.min.time(), tzinfo=UTC).replace(hour=9).isoformat()

    def bamboohr_job_info(self) -> dict[str, dict]:
        """`employees/changed/tables/jobInfo` shape: rows per employee plus lastChanged."""
        out = {}
        for p in self.people:
            rows = []
            for n, h in enumerate(p.history, start=1):
                manager = self.people[h["manager"]] if h["manager"] is not None else None
                rows.append(
                    {
                        "id": str(n),
                        "employeeId": p.bamboo_id,
                        "date": h["date"].isoformat(),
                        "location": h["location"],
                        "department": h["department"],
                        "division": h["division"],
                        "jobTitle": h["job_title"],
                        "reportsTo": manager.display_name if manager else None,
                    }
                )
            out[p.bamboo_id] = {"lastChanged": self._last_changed(p), "rows": rows}
        return out

    def lattice(self) -> dict[str, list[dict]]:
        def lattice_id(prefix: str, *parts) -> str:
            return (
                f"{prefix}_{hashlib.sha1('|'.join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()[:16]}"
            )

        users = []
        for p in self.people:
            if p.hire_date > AS_OF:
                continue
            # Some customers set the HRIS id in Lattice, most do not; emails differ in case.
            email = p.email if p.index % 3 else p.email.replace(p.first_name.lower(), p.first_name, 1)
            users.append(
                {
                    "id": lattice_id("usr", p.employee_number),
                    "name": f"{p.first_name} {p.last_name}",
                    "email": email,
                    "title": self.framework.profiles[p.profile_id]["job_title"],
                    "managerId": lattice_id("usr", self.people[p.manager].employee_number)
                    if p.manager is not None
                    else None,
                    "externalUserId": p.employee_number if p.index % 4 == 0 else None,
                    "status": "DEACTIVATED" if p.termination_date else "ACTIVE",
                }
            )
        competencies = [
            {"id": lattice_id("cmp", cap), "name": name} for cap, name in self.framework.capability_names.items()
        ]
        competency_id = {cap: lattice_id("cmp", cap) for cap in self.framework.capability_names}
        cycles = [
            {
                "id": cid,
                "name": c["name"],
                "startDate": c["start"].isoformat(),
                "endDate": c["end"].isoformat(),
                "state": "COMPLETED",
            }
            for cid, c in zip(self.cycle_ids, review_cycles(), strict=True)
        ]
        reviews = []
        for r in self.reviews:
            reviewee, reviewer = self.people[r["reviewee"]], self.people[r["reviewer"]]
            reviews.append(
                {
                    "id": lattice_id("rvw", r["cycle_id"], reviewee.employee_number, r["review_type"]),
                    "reviewCycleId": r["cycle_id"],
                    "revieweeId": lattice_id("usr", reviewee.employee_number),
                    "reviewerId": lattice_id("usr", reviewer.employee_number),
                    "reviewType": r["review_type"],
                    "submittedAt": r["submitted_at"].isoformat(),
                    "rating": r["rating"],
                    "calibratedRating": r["calibrated_rating"],
                    "competencyRatings": [
                        {"competencyId": competency_id[c["competency"]], "rating": c["rating"]}
                        for c in r["competency_ratings"]
                    ],
                }
            )
        # A realistic handful of bad records: ratings typed off the 1-5 scale.
        for k, review in enumerate(reviews[:: max(1, len(reviews) // 3)][:3]):
            review["rating"] = (0, 7, 9)[k]
        return {"users": users, "competencies": competencies, "reviewCycles": cycles, "reviews": reviews}

    def xapi_statements(self) -> list[dict]:
        statements = sorted(self.statements, key=lambda s: (s["timestamp"], s["id"]))
        # Contractors use the LMS too; the HRIS does not know them (kept visible as unmatched).
        for k in range(max(1, len(statements) // 500)):
            month = month_starts(START_ON, AS_OF)[k % 30]
            when = datetime(month.year, month.month, 15, 10, k % 60, tzinfo=UTC)
            statements.append(
                self._statement(
                    f"contractor{k}@partner-agency.example",
                    "CRS-008",
                    "completed",
                    when,
                    {"completion": True, "duration": "PT2H"},
                )
            )
        return sorted(statements, key=lambda s: (s["timestamp"], s["id"]))

    def truth(self) -> dict[str, list[dict]]:
        effects = []
        for course_id, caps in sorted(self.framework.course_capabilities.items()):
            for cap, target in caps:
                effects.append(
                    {
                        "course_id": course_id,
                        "capability_id": cap,
                        "true_effect_levels": self.course_effect[course_id],
                        "target_level": target,
                    }
                )
        leniency = [{"employee_id": p.employee_number, "leniency": round(p.leniency, 4)} for p in self.people]
        planted = [
            {
                "course_id": course,
                "capability_gain_levels": self.course_effect[course],
                "goal_progress_lift": self.goal_effect[course],
                "monthly_attrition_factor": self.retention_factor[course],
            }
            for course, *_ in COURSES
        ]
        params = [
            {"parameter": "rating_drift_per_cycle", "value": RATING_DRIFT_PER_CYCLE},
            {"parameter": "planted_rating_bias_by_protected_attribute", "value": PLANTED_RATING_BIAS},
            {"parameter": "seed", "value": self.seed},
            {"parameter": "employees", "value": self.size},
        ]
        return {
            "course_effects": effects,
            "programme_parameters": planted,
            "programme_effects": self.programme_effects(),
            "manager_leniency": leniency,
            "parameters": params,
        }

    def programme_effects(self) -> list[dict]:
        """The realised true effect of each programme on each outcome, averaged over the
        people who completed it (the average effect on the treated that the impact engine
        estimates). Rating outcomes count completions with a review cycle after them;
        retention counts completions at least 12 months before the as-of date; goal
        attainment counts completers whose next goal year started after completion."""
        from demo.vendors import GOAL_YEARS, goal_elapsed, goal_year_dates

        by_course: dict[str, dict[str, list[float]]] = {}
        first_completion: dict[tuple[str, str], dict] = {}
        for row in self.completion_effects:
            first_completion.setdefault((row["employee_id"], row["course_id"]), row)
        people = {p.employee_number: p for p in self.people}
        for (employee_id, course_id), row in first_completion.items():
            outcomes = by_course.setdefault(course_id, {})
            completed_on = date.fromisoformat(row["completed_on"])
            for outcome, key in (("capability_level", "capability_effect"), ("review_rating", "rating_effect")):
                if row[key] is not None:
                    outcomes.setdefault(outcome, []).append(row[key])
            if completed_on + timedelta(days=365) <= AS_OF:
                outcomes.setdefault("retention_12m", []).append(row["retention_12m_effect"])
            year = next((y for y in GOAL_YEARS if goal_year_dates(y)[0] > completed_on), None)
            if year is not None and people[employee_id].active_on(goal_year_dates(year)[0]):
                outcomes.setdefault("goal_attainment", []).append(self.goal_effect[course_id] * goal_elapsed(year))
        return [
            {
                "programme_id": course_id,
                "outcome": outcome,
                "true_effect": round(float(np.mean(values)), 6),
                "n_completers": len(values),
            }
            for course_id, outcomes in sorted(by_course.items())
            for outcome, values in sorted(outcomes.items())
        ]

    def write(self, folder: Path) -> dict:
        from demo import vendors  # these exports build on this module
        from demo.docebo import docebo
        from demo.finance import write_finance

        folder.mkdir(parents=True, exist_ok=True)
        files = {
            "bamboohr_employees.json": self.bamboohr_employees(),
            "bamboohr_job_info.json": self.bamboohr_job_info(),
            "bamboohr_employment_status.json": self.bamboohr_employment_status(),
            "docebo.json": docebo(self),
            "fifteen_five.json": vendors.fifteen_five(self),
            "culture_amp.json": vendors.culture_amp(self),
            "workday.json": vendors.workday_snapshots(self),
            "lattice.json": {**self.lattice(), **vendors.lattice_goals_feedback(self)},
            "truth.json": self.truth(),
        }
        for name, payload in files.items():
            (folder / name).write_text(json.dumps(payload, indent=None, sort_keys=True), encoding="utf-8")
        statements = self.xapi_statements()
        with (folder / "xapi_statements.jsonl").open("w", encoding="utf-8") as handle:
            for statement in statements:
                handle.write(json.dumps(statement, sort_keys=True) + "\n")
        finance = write_finance(self, folder / "finance")
        vendors.write_payroll_xlsx(self, folder / "hr_drop")
        manifest = {
            "finance_files": len(finance),
            "rehired": sum(bool(p.previous_periods) for p in self.people),
            "seed": self.seed,
            "employees": self.size,
            "people": len(self.people),
            "active_at_as_of": sum(p.active_on(AS_OF) for p in self.people),
            "statements": len(statements),
            "reviews": len(files["lattice.json"]["reviews"]),
            "as_of": AS_OF.isoformat(),
        }
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        return manifest
