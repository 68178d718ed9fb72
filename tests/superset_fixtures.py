"""A tiny DuckDB serving warehouse with known values, for the Superset tests.

Three org units: Engineering (6 employees), Sales (5) and Legal (4). Legal is below
the 5-person threshold, so nothing about it may reach any chart; its gaps are
deliberately large so that a leak would change every expected number below.
Two capabilities, two months (2024-05 and 2024-06, the latest). Three job profiles cut
across the org units: Analyst (5: three engineers, two sales people), Specialist (6) and
Counsel (Legal's 4, below the threshold again).

The other dashboards' marts follow the same people: learning alignment, Kirkpatrick
measures, turnover, impact estimates, spend and ROI, each with one group of 4 (Legal,
its Contract Law course, a suppressed turnover window, an impact estimate on 4 treated
people, a 4-participant programme) whose values would change the expected numbers if
it leaked. Data Health reads quality.results, quality.quarantine_counts,
the raw schemas' _dlt_loads tables (two check runs on 2024-06-01 and 2024-06-02) and
marts.mart_load_reconciliation (two HR file drops and a finance export, one file rejected)
and marts.mart_xapi_conformance (three rules, one statement breaking two of them).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
import requests

MONTHS = (date(2024, 5, 1), date(2024, 6, 1))
LATEST_MONTH = MONTHS[-1]

ORG_UNITS = {
    # org_unit_id: (org_unit_name, division_name, employee ids)
    "technology-engineering": ("Engineering", "Technology", [f"E{n:05d}" for n in range(1, 7)]),
    "commercial-sales": ("Sales", "Commercial", [f"E{n:05d}" for n in range(7, 12)]),
    "corporate-legal": ("Legal", "Corporate", [f"E{n:05d}" for n in range(12, 16)]),
}

CAPABILITIES = {
    "data-analysis": ("Data Analysis", "Technical"),
    "stakeholder-communication": ("Stakeholder Communication", "Interpersonal"),
}

# Current reporting lines (marts.dim_employee.manager_employee_id). E00007 (Sales) is the
# top; E00001 heads Engineering and, through E00012, Legal. superset_ctl picks the
# non-top manager with the largest subtree for demo_manager: E00001 (9 reports), whose
# org units are Engineering and Legal; Legal stays suppressed, Sales is out of scope.
MANAGERS: dict[str, str | None] = {
    "E00007": None,
    "E00001": "E00007",
    **{f"E{n:05d}": "E00001" for n in range(2, 7)},
    **{f"E{n:05d}": "E00007" for n in range(8, 12)},
    "E00012": "E00001",
    **{f"E{n:05d}": "E00012" for n in range(13, 16)},
}
# Job profiles (marts.dim_job), across org units.
JOB_PROFILES = {
    # job_profile_id: (job_title, job_family, employee ids)
    "jp-analyst": ("Analyst", "Analytics", ["E00001", "E00002", "E00003", "E00007", "E00008"]),
    "jp-specialist": ("Specialist", "Operations", ["E00004", "E00005", "E00006", "E00009", "E00010", "E00011"]),
    "jp-counsel": ("Counsel", "Legal", ["E00012", "E00013", "E00014", "E00015"]),
}
JOB_PROFILE_OF = {employee: job for job, (_t, _f, employees) in JOB_PROFILES.items() for employee in employees}
DEMO_MANAGER_ID = "E00001"
DEMO_MANAGER_ORG_UNITS = ("corporate-legal", "technology-engineering")

# gap_levels (required - manager assessed) per month, org unit, capability, in the
# order of the org unit's employees; None = not assessed.
GAPS: dict[date, dict[str, dict[str, list[int | None]]]] = {
    date(2024, 5, 1): {
        "technology-engineering": {
            "data-analysis": [2, 2, 1, 1, 0, 0],
            "stakeholder-communication": [1, 1, 0, 0, 0, -1],
        },
        "commercial-sales": {
            "data-analysis": [3, 2, 2, 1, 1],
            "stakeholder-communication": [1, 0, 0, -1, -1],
        },
        "corporate-legal": {
            "data-analysis": [1, 1, 1, 1],
            "stakeholder-communication": [1, 1, 1, 1],
        },
    },
    date(2024, 6, 1): {
        "technology-engineering": {
            "data-analysis": [2, 1, 1, 0, 0, -1],
            "stakeholder-communication": [1, 0, 0, 0, None, -1],
        },
        "commercial-sales": {
            "data-analysis": [3, 2, 1, 1, 0],
            "stakeholder-communication": [0, 0, -1, -1, 1],
        },
        "corporate-legal": {
            "data-analysis": [3, 3, 3, 3],
            "stakeholder-communication": [2, 2, 2, 2],
        },
    },
}

# What the dashboard must show (Legal suppressed everywhere).
EXPECTED = {
    # heatmap: average gap by (capability_name, org_unit_name), latest month
    "heatmap": {
        ("Data Analysis", "Engineering"): 0.5,
        ("Stakeholder Communication", "Engineering"): 0.0,
        ("Data Analysis", "Sales"): 1.4,
        ("Stakeholder Communication", "Sales"): -0.2,
    },
    # band mix per month: (low, intermediate, high)
    "band_mix": {
        date(2024, 5, 1): (12, 7, 3),
        date(2024, 6, 1): (9, 8, 4),
    },
    # perception gap (self - manager) by capability, latest month: data analysis +1 for
    # all 11; stakeholder communication Engineering -2 over 5 assessed, Sales -3 over 5
    # (a leak of Legal's four zeros would give -5/14)
    "perception_gap": {"Data Analysis": 1.0, "Stakeholder Communication": -0.5},
    # coverage of required capabilities by org unit, latest month: Engineering 11 of 12
    # employee-capabilities assessed (one not assessed), Sales 10 of 10
    "coverage": {"Engineering": 11 / 12, "Sales": 1.0},
    # employees with an open gap in the latest month (Engineering 3 + Sales 5)
    "open_gap_employees": 8,
    # top open gaps by capability, latest month: (employees with open gap, avg gap)
    "top_open_gaps": {
        "Data Analysis": (7, 10 / 11),
        "Stakeholder Communication": (2, -0.1),
    },
}


def gap_band(gap: int | None) -> str:
    if gap is None:
        return "not_assessed"
    if gap >= 1:
        return "low"
    if gap == 0:
        return "intermediate"
    return "high"


def self_offset(capability_id: str, index: int) -> int:
    """Self minus manager level before clipping to 1-5: data analysis +1 for everyone;
    stakeholder communication -1 for every other employee (the 1st, 3rd, ...), else 0."""
    if capability_id == "data-analysis":
        return 1
    return -1 if index % 2 == 0 else 0


def mart_rows() -> list[tuple]:
    rows = []
    required_level = 3
    for month, by_org in GAPS.items():
        for org_unit_id, by_capability in by_org.items():
            employees = ORG_UNITS[org_unit_id][2]
            for capability_id, gaps in by_capability.items():
                assert len(gaps) == len(employees)
                for index, (employee_id, gap) in enumerate(zip(employees, gaps, strict=True)):
                    manager_level = None if gap is None else required_level - gap
                    self_level = None
                    if manager_level is not None:
                        self_level = max(1, min(5, manager_level + self_offset(capability_id, index)))
                    rows.append(
                        (
                            month,
                            employee_id,
                            capability_id,
                            org_unit_id,
                            JOB_PROFILE_OF[employee_id],
                            2,
                            required_level,
                            manager_level,
                            self_level,
                            gap,
                            gap_band(gap),
                            None if gap is None else self_level - manager_level,
                            gap is not None and gap >= 1,
                        )
                    )
    return rows


def build_serving_warehouse(path: Path) -> Path:
    """Write the marts Superset reads, in contract shape, to a new DuckDB file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    con = duckdb.connect(str(path))
    try:
        con.execute("create schema marts")
        con.execute(
            """
            create table marts.dim_org_unit (
                org_unit_id varchar not null primary key,
                org_unit_name varchar,
                division_name varchar
            )
            """
        )
        con.executemany(
            "insert into marts.dim_org_unit values (?, ?, ?)",
            [(k, v[0], v[1]) for k, v in ORG_UNITS.items()],
        )
        con.execute(
            """
            create table marts.dim_capability (
                capability_id varchar not null primary key,
                capability_name varchar,
                category varchar
            )
            """
        )
        con.executemany(
            "insert into marts.dim_capability values (?, ?, ?)",
            [(k, v[0], v[1]) for k, v in CAPABILITIES.items()],
        )
        con.execute(
            """
            create table marts.dim_employee (
                employee_key varchar not null primary key,
                employee_id varchar not null,
                full_name varchar,
                work_email varchar,
                org_unit_id varchar,
                job_profile_id varchar,
                job_level integer,
                manager_employee_id varchar,
                employment_status varchar,
                hire_date date,
                termination_date date,
                valid_from date,
                valid_to date,
                is_current boolean
            )
            """
        )
        employee_rows = []
        for org_unit_id, (_name, _division, employees) in ORG_UNITS.items():
            for employee_id in employees:
                # a closed SCD2 version first, with another manager and org: only the
                # current version may decide the scope
                employee_rows.append(
                    (
                        f"{employee_id}-2020",
                        employee_id,
                        f"Person {employee_id}",
                        None,
                        "commercial-sales",
                        "jp-specialist",
                        2,
                        "E00007" if employee_id != "E00007" else None,
                        "active",
                        date(2020, 1, 1),
                        None,
                        date(2020, 1, 1),
                        date(2023, 12, 31),
                        False,
                    )
                )
                employee_rows.append(
                    (
                        f"{employee_id}-2024",
                        employee_id,
                        f"Person {employee_id}",
                        None,
                        org_unit_id,
                        JOB_PROFILE_OF[employee_id],
                        2,
                        MANAGERS[employee_id],
                        "active",
                        date(2020, 1, 1),
                        None,
                        date(2024, 1, 1),
                        None,
                        True,
                    )
                )
        # a leaver in E00012's team, in an org unit of its own: terminated employees are
        # outside every manager's current subtree, so corporate-finance is not in scope
        employee_rows.append(
            (
                "E00016-2024",
                "E00016",
                "Person E00016",
                None,
                "corporate-finance",
                "jp-specialist",
                2,
                "E00012",
                "terminated",
                date(2021, 1, 1),
                date(2024, 3, 31),
                date(2024, 1, 1),
                None,
                True,
            )
        )
        con.executemany(
            "insert into marts.dim_employee values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", employee_rows
        )
        con.execute(
            """
            create table marts.dim_job (
                job_profile_id varchar not null primary key,
                job_title varchar,
                job_family varchar,
                job_level integer
            )
            """
        )
        con.executemany(
            "insert into marts.dim_job values (?, ?, ?, 2)",
            [(job, title, family) for job, (title, family, _employees) in JOB_PROFILES.items()],
        )
        con.execute(
            """
            create table marts.mart_capability_gap (
                month_start_on date not null,
                employee_id varchar not null,
                capability_id varchar not null,
                org_unit_id varchar,
                job_profile_id varchar,
                job_level integer,
                required_level integer,
                manager_assessed_level integer,
                self_assessed_level integer,
                gap_levels integer,
                gap_band varchar,
                perception_gap integer,
                is_open_gap boolean
            )
            """
        )
        con.executemany(
            "insert into marts.mart_capability_gap values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            mart_rows(),
        )
        write_learning_marts(con)
        write_finance_marts(con)
        write_data_health(con)
        con.execute("checkpoint")
    finally:
        con.close()
    return path


# ------------------------------------------------ Capability Gaps by job profile

# average gap by (capability_name, job_title), latest month. Analyst = E00001-E00003
# (Engineering's first three) + E00007-E00008 (Sales' first two); Specialist = the rest of
# Engineering and Sales. June gaps, data analysis: Analyst 2, 1, 1, 3, 2 -> 9 / 5 = 1.8;
# Specialist 0, 0, -1, 1, 1, 0 -> 1 / 6. Stakeholder communication: Analyst 1, 0, 0, 0, 0
# -> 0.2; Specialist 0, (not assessed), -1, -1, -1, 1 -> -2 / 5 = -0.4. Counsel (Legal's
# 4, gaps 3 and 2) must not appear.
EXPECTED_JOB_PROFILE_HEATMAP = {
    ("Data Analysis", "Analyst"): 1.8,
    ("Stakeholder Communication", "Analyst"): 0.2,
    ("Data Analysis", "Specialist"): 1 / 6,
    ("Stakeholder Communication", "Specialist"): -0.4,
}

# --------------------------------------------------- Learning Alignment & Impact

COURSES = {
    # course_id: (course_name, capability it develops)
    "CRS-A": ("Data Foundations", "data-analysis"),
    "CRS-B": ("Presenting With Impact", "stakeholder-communication"),
    "CRS-C": ("Contract Law Refresher", "data-analysis"),  # only Legal's 4 take it
}

ENGINEERING = ORG_UNITS["technology-engineering"][2]
SALES = ORG_UNITS["commercial-sales"][2]
LEGAL = ORG_UNITS["corporate-legal"][2]

# (month, employees, course, hours each, employees whose hours were aimed at an open gap)
LEARNING = [
    (MONTHS[0], ENGINEERING, "CRS-A", 2.0, ENGINEERING[:3]),
    (MONTHS[0], SALES, "CRS-B", 4.0, SALES[:1]),
    (MONTHS[0], LEGAL, "CRS-C", 10.0, LEGAL),
    (MONTHS[1], ENGINEERING, "CRS-B", 1.0, ENGINEERING),
    (MONTHS[1], SALES, "CRS-A", 2.0, SALES[:2]),
    (MONTHS[1], LEGAL, "CRS-C", 10.0, LEGAL),
]

EXPECTED_LEARNING = {
    # hours aimed at gaps / hours, Legal left out: May (6 + 4) / (12 + 20), June (6 + 4) / (6 + 10)
    "aligned_share_total": 20 / 48,
    "aligned_share_by_month": {MONTHS[0]: 10 / 32, MONTHS[1]: 10 / 16},
    # Engineering (6 + 6) / (12 + 6), Sales (4 + 4) / (20 + 10)
    "aligned_share_by_org_unit": {"Engineering": 12 / 18, "Sales": 8 / 30},
    # Data Foundations: May Engineering 12 h (6 aligned) + June Sales 10 h (4 aligned);
    # Presenting With Impact: May Sales 20 h (4) + June Engineering 6 h (6)
    "by_programme": {"Data Foundations": (22.0, 10.0), "Presenting With Impact": (26.0, 10.0)},
    # Analyst: May 6 + 8 h (6 + 4 aligned), June 3 + 4 h (3 + 4); Specialist: May 6 + 12 h
    # (0), June 3 + 6 h (3 aligned)
    "aligned_share_by_job_profile": {"Analyst": 17 / 21, "Specialist": 3 / 27},
}


def alignment_rows() -> list[tuple]:
    rows = []
    for month, employees, course_id, hours, aligned in LEARNING:
        capability_id = COURSES[course_id][1]
        for employee_id in employees:
            org_unit_id = next(org for org, (_n, _d, members) in ORG_UNITS.items() if employee_id in members)
            aligned_hours = hours if employee_id in aligned else 0.0
            rows.append(
                (
                    month,
                    employee_id,
                    org_unit_id,
                    JOB_PROFILE_OF[employee_id],
                    course_id,
                    capability_id,
                    1,
                    hours,
                    aligned_hours,
                    aligned_hours / hours,
                    0.0,
                    0.0,
                )
            )
    return rows


# marts.mart_learning_effectiveness: (year, course, employees, learners, completers, hours,
# scored learners, L2 mean best score, L2 pass rate, L3 learners, L3 mean level change)
EFFECTIVENESS = [
    (2023, "CRS-A", 14, 5, 5, 10.0, 5, 0.6, 0.6, 0, None),
    (2024, "CRS-A", 15, 11, 9, 22.0, 10, 0.8, 0.7, 6, 0.5),
    # no assessment; L3 on 3 people only: blanked
    (2024, "CRS-B", 15, 11, 11, 26.0, 0, None, None, 3, 1.0),
    # 4 learners: left out entirely
    (2024, "CRS-C", 15, 4, 4, 40.0, 4, 0.95, 1.0, 4, 2.0),
]

EXPECTED_EFFECTIVENESS = {
    # funnel, all years, CRS-C left out: started 5 + 11 + 11, completed 5 + 9 + 11,
    # assessed 5 + 10 + 0, passed 3 + 7 (CRS-B has no pass count), L3 measured 0 + 6 + 3
    "funnel": {
        "Started": 27,
        "Completed": 25,
        "Assessed (L2)": 15,
        "Passed (L2)": 10,
        "Change measured (L3)": 9,
    },
    # per programme, all years: learners, completion rate, reach, L2 mean score (weighted
    # by assessed learners: (0.6 * 5 + 0.8 * 10) / 15), L2 pass rate (3 + 7) / 15, L3 mean
    # change (0.5 over 6 people; CRS-B's 3 people blanked)
    "by_programme": {
        "Data Foundations": (16, 14 / 16, 14 / 29, 11 / 15, 10 / 15, 0.5),
        "Presenting With Impact": (11, 1.0, 11 / 15, None, None, None),
    },
}

# marts.mart_turnover: (grain, period start, period end, org unit, partial, suppressed,
# leavers, voluntary, involuntary, average headcount). The trailing-12-month chart shows the
# company's complete windows only: voluntary 8 / 100 and involuntary 2 / 100 for the window
# ending November 2024, 9 / 120 and 3 / 120 for the one ending December. Left out: a
# window cut short by the as-of date, an org unit's window, a month, and a suppressed
# window (an average of 4 people).
TURNOVER = [
    ("trailing_12_months", date(2023, 12, 1), date(2024, 11, 30), None, False, False, 10, 8, 2, 100.0),
    ("trailing_12_months", date(2024, 1, 1), date(2024, 12, 31), None, False, False, 12, 9, 3, 120.0),
    ("trailing_12_months", date(2024, 2, 1), date(2025, 1, 15), None, True, False, 5, 5, 0, 121.0),
    ("trailing_12_months", date(2024, 1, 1), date(2024, 12, 31), "eng", False, False, 4, 4, 0, 40.0),
    ("month", date(2024, 12, 1), date(2024, 12, 31), None, False, False, 1, 1, 0, 119.0),
    ("trailing_12_months", date(2022, 11, 1), date(2023, 10, 31), None, False, True, None, None, None, None),
]
EXPECTED_TURNOVER = {
    date(2024, 11, 1): (8 / 100, 2 / 100),
    date(2024, 12, 1): (9 / 120, 3 / 120),
}

IMPACT_PLAN = ("impact/plans/programmes.yml", "2026.11-1")
IMPACT_ESTIMATED_AT = datetime(2024, 7, 1, 12, 0)
# marts.mart_learning_impact: (programme, outcome, unit, method, estimate, std error,
# ci low, ci high, p, n treated, n comparison, pre-trend p, mde, min effect, status)
IMPACT = [
    (
        "CRS-A",
        "capability_level",
        "levels",
        "did_staggered",
        0.40,
        0.10,
        0.20,
        0.60,
        0.0001,
        40,
        60,
        0.50,
        0.28,
        0.25,
        "estimated",
    ),
    (
        "CRS-A",
        "capability_level",
        "levels",
        "psm_matched",
        0.30,
        0.125,
        0.05,
        0.55,
        0.02,
        38,
        38,
        None,
        0.35,
        0.25,
        "estimated",
    ),
    (
        "CRS-B",
        "capability_level",
        "levels",
        "did_staggered",
        None,
        None,
        None,
        None,
        None,
        12,
        50,
        None,
        None,
        0.25,
        "insufficient evidence",
    ),
    # 4 treated people: the dataset blanks it whatever the engine said
    (
        "CRS-C",
        "capability_level",
        "levels",
        "did_staggered",
        0.90,
        0.20,
        0.50,
        1.30,
        0.0001,
        4,
        40,
        0.60,
        0.56,
        0.25,
        "estimated",
    ),
    (
        "CRS-A",
        "review_rating",
        "rating points",
        "did_staggered",
        0.20,
        0.05,
        0.10,
        0.30,
        0.0001,
        40,
        60,
        0.40,
        0.14,
        0.10,
        "estimated",
    ),
    (
        "CRS-B",
        "review_rating",
        "rating points",
        "did_staggered",
        0.15,
        0.10,
        -0.05,
        0.35,
        0.13,
        35,
        70,
        0.01,
        0.28,
        0.10,
        "pre-trend violated",
    ),
    (
        "CRS-A",
        "goal_attainment",
        "share of target",
        "did_staggered",
        0.05,
        0.02,
        0.01,
        0.09,
        0.01,
        40,
        60,
        0.30,
        0.056,
        0.05,
        "estimated",
    ),
    (
        "CRS-A",
        "retention_12m",
        "share",
        "psm_matched",
        0.04,
        0.03,
        -0.02,
        0.10,
        0.18,
        38,
        38,
        None,
        0.084,
        0.03,
        "estimated",
    ),
]
# earlier runs' estimates: only each key's latest may show. The first would replace Data
# Foundations' 0.40; the second would put a number on Presenting With Impact's capability
# estimate, which the latest run found to be insufficient evidence.
IMPACT_SUPERSEDED = [
    # fmt: off
    (
        "CRS-A",
        "capability_level",
        "levels",
        "did_staggered",
        0.10,
        0.10,
        -0.10,
        0.30,
        0.3,
        30,
        50,
        0.50,
        0.28,
        0.25,
        "estimated",
    ),
    (
        "CRS-B",
        "capability_level",
        "levels",
        "did_staggered",
        0.50,
        0.10,
        0.30,
        0.70,
        0.01,
        30,
        50,
        0.50,
        0.28,
        0.25,
        "estimated",
    ),
    # fmt: on
]

# error bars per outcome: {label: (ci_low, estimate, ci_high)}
EXPECTED_IMPACT_INTERVALS = {
    "capability_level": {
        "Data Foundations · DiD": (0.20, 0.40, 0.60),
        "Data Foundations · PSM": (0.05, 0.30, 0.55),
    },
    "review_rating": {
        "Data Foundations · DiD": (0.10, 0.20, 0.30),
        "Presenting With Impact · DiD (pre-trend violated)": (-0.05, 0.15, 0.35),
    },
    "goal_attainment": {"Data Foundations · DiD": (0.01, 0.05, 0.09)},
    "retention_12m": {"Data Foundations · PSM": (-0.02, 0.04, 0.10)},
}


def impact_rows() -> list[tuple]:
    plan_id, plan_version = IMPACT_PLAN
    rows = []
    for run_id, estimated_at, row in [
        *(("run-1", IMPACT_ESTIMATED_AT - timedelta(days=30), row) for row in IMPACT_SUPERSEDED),
        *(("run-2", IMPACT_ESTIMATED_AT, row) for row in IMPACT),
    ]:
        (programme, outcome, unit, method, estimate, se, low, high, p, n_t, n_c, pretrend, mde, moi, status) = row
        rows.append(
            (
                plan_id,
                plan_version,
                programme,
                outcome,
                unit,
                method,
                estimate,
                se,
                low,
                high,
                p,
                n_t,
                n_c,
                pretrend,
                mde,
                moi,
                status,
                12 if outcome == "retention_12m" else 1,
                "matched_non_participants" if method == "psm_matched" else "not_yet_treated",
                estimated_at,
                run_id,
            )
        )
    return rows


def write_learning_marts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create table marts.dim_course (course_id varchar not null primary key, course_name varchar)")
    con.executemany("insert into marts.dim_course values (?, ?)", [(k, v[0]) for k, v in COURSES.items()])
    con.execute(
        """
        create table marts.mart_learning_alignment (
            month_start_on date not null,
            employee_id varchar not null,
            org_unit_id varchar,
            job_profile_id varchar,
            course_id varchar not null,
            capability_id varchar not null,
            activity_count integer,
            learning_hours double,
            aligned_learning_hours double,
            alignment_share double,
            unassessed_learning_hours double,
            outside_role_learning_hours double
        )
        """
    )
    con.executemany(
        "insert into marts.mart_learning_alignment values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", alignment_rows()
    )
    con.execute(
        """
        create table marts.mart_learning_effectiveness (
            year_number integer,
            course_id varchar,
            employee_count integer,
            learner_count integer,
            completer_count integer,
            reach_share double,
            learning_hours double,
            learning_hours_per_employee double,
            completion_rate double,
            on_time_completion_rate double,
            scored_learner_count integer,
            l2_avg_best_score_scaled double,
            l2_pass_rate double,
            l3_learner_count integer,
            l3_avg_level_change double
        )
        """
    )
    con.executemany(
        "insert into marts.mart_learning_effectiveness values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                year,
                course,
                employees,
                learners,
                completers,
                completers / employees,
                hours,
                hours / employees,
                completers / learners,
                None,
                scored,
                l2,
                pass_rate,
                l3_n,
                l3,
            )
            for (year, course, employees, learners, completers, hours, scored, l2, pass_rate, l3_n, l3) in EFFECTIVENESS
        ],
    )
    con.execute(
        """
        create table marts.mart_turnover (
            period_start_on date,
            period_grain varchar,
            org_unit_id varchar,
            leaver_count integer,
            voluntary_leaver_count integer,
            involuntary_leaver_count integer,
            average_headcount double,
            turnover_rate double,
            is_partial_period boolean,
            period_end_on date,
            unclassified_leaver_count integer,
            is_suppressed boolean,
            costed_leaver_count integer,
            turnover_cost_amount double
        )
        """
    )
    con.executemany(
        "insert into marts.mart_turnover values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (start, grain, unit, leavers, voluntary, involuntary, headcount)
            + (None if headcount is None else leavers / headcount, partial, end)
            + (None if leavers is None else leavers - voluntary - involuntary, suppressed, leavers)
            + (None if leavers is None else leavers * 10000.0,)
            for grain, start, end, unit, partial, suppressed, leavers, voluntary, involuntary, headcount in TURNOVER
        ],
    )
    con.execute(
        """
        create table marts.mart_learning_impact (
            plan_id varchar,
            plan_version varchar,
            programme_id varchar,
            outcome varchar,
            outcome_unit varchar,
            method varchar,
            estimate double,
            std_error double,
            ci_low double,
            ci_high double,
            p_value double,
            n_treated integer,
            n_comparison integer,
            pretrend_p_value double,
            mde double,
            min_effect_of_interest double,
            status varchar,
            horizon_periods integer,
            comparison_rule varchar,
            estimated_at timestamp,
            run_id varchar
        )
        """
    )
    con.executemany(
        "insert into marts.mart_learning_impact values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        impact_rows(),
    )


# ------------------------------------------------------------ Training Spend & ROI

# marts.fct_training_spend: (month, programme, org unit, cost type, amount in EUR,
# participants behind the line). Participant time is 100 EUR an hour of LEARNING above.
SPEND = [
    (MONTHS[0], "CRS-A", "technology-engineering", "vendor", 3000.0, 6),
    (MONTHS[0], "CRS-A", "technology-engineering", "instructor", 1000.0, 6),
    (MONTHS[0], "CRS-A", "technology-engineering", "participant_time", 1200.0, 6),
    (MONTHS[1], "CRS-A", "commercial-sales", "vendor", 2500.0, 5),
    (MONTHS[1], "CRS-A", "commercial-sales", "participant_time", 1000.0, 5),
    (MONTHS[1], "CRS-A", None, "venue", 300.0, 0),  # not allocated to an org unit
    (MONTHS[1], None, None, "vendor", 200.0, 0),  # a general licence: no programme, no org unit
    (MONTHS[0], "CRS-B", "commercial-sales", "vendor", 2000.0, 5),
    (MONTHS[0], "CRS-B", "commercial-sales", "venue", 500.0, 5),
    (MONTHS[0], "CRS-B", "commercial-sales", "participant_time", 2000.0, 5),
    (MONTHS[1], "CRS-B", "technology-engineering", "vendor", 1000.0, 6),
    (MONTHS[1], "CRS-B", "technology-engineering", "participant_time", 600.0, 6),
    # Legal's 4 people on their own course: hidden by org unit and by programme
    (MONTHS[0], "CRS-C", "corporate-legal", "vendor", 4000.0, 4),
    (MONTHS[0], "CRS-C", "corporate-legal", "participant_time", 4000.0, 4),
    (MONTHS[1], "CRS-C", "corporate-legal", "participant_time", 4000.0, 4),
]

ROI_VALUE_PER_POINT, ROI_BENEFIT_YEARS = 1000.0, 2.0
# Phillips' allocated categories as shares of delivery: design and development, L&D staff
# and administration, evaluation (10 % + 15 % + 5 % = 30 % of delivery).
ROI_ALLOCATED_SHARES = (0.10, 0.15, 0.05)
REASON_OF_STATUS = {None: "no_plan", "insufficient evidence": "insufficient_evidence", "underpowered": "underpowered"}


def roi_row(
    programme,
    cohort,
    participants,
    completers,
    delivery,
    participant_time,
    status,
    significant,
    estimate,
    ci_low,
    ci_high,
):
    """A marts.mart_training_roi row computed the way its model does (programme x completion cohort)."""
    allocated = [delivery * share for share in ROI_ALLOCATED_SHARES]
    cost = delivery + participant_time + sum(allocated)
    if status == "estimated":
        reason = (
            None
            if significant and completers > 0
            else ("no_evidence_of_effect" if not significant else "no_completers")
        )
    else:
        reason = REASON_OF_STATUS[status]
    benefit = low = high = None
    if reason is None:
        benefit, low, high = (
            value * ROI_VALUE_PER_POINT * ROI_BENEFIT_YEARS * completers for value in (estimate, ci_low, ci_high)
        )

    def ratio(value):
        return None if value is None else value / cost

    def roi(value):
        return None if value is None else 100 * (value - cost) / cost

    band = None
    if low is not None:
        band = "loss" if roi(high) < 0 else "positive" if roi(low) > 0 else "break-even range"
    return (
        programme,
        cohort,
        participants,
        completers,
        participants - completers,
        delivery,
        0.0,
        0.0,
        delivery,
        participant_time,
        *allocated,
        cost,
        cost / participants,
        "EUR",
        reason is None,
        reason,
        status,
        None if estimate is None else significant,
        None if estimate is None else ("positive effect" if reason is None else "no evidence of an effect"),
        estimate,
        ci_low,
        ci_high,
        None if estimate is None else 0.004,
        ROI_VALUE_PER_POINT,
        ROI_BENEFIT_YEARS,
        benefit,
        low,
        high,
        ratio(benefit),
        ratio(low),
        ratio(high),
        roi(benefit),
        roi(low),
        roi(high),
        band,
    )


# (programme, completion cohort, participants, completers, delivery, participant time,
# impact status, significant after adjustment, review-rating estimate, ci low, ci high)
ROI = [
    roi_row("CRS-A", 2023, 5, 5, 2000.0, 1000.0, "estimated", True, 0.2, 0.1, 0.3),
    roi_row("CRS-A", 2024, 11, 9, 6800.0, 2200.0, "estimated", True, 0.2, 0.1, 0.3),
    roi_row("CRS-B", 2024, 11, 11, 3500.0, 2600.0, "insufficient evidence", None, None, None, None),
    # 4 participants: left out
    roi_row("CRS-C", 2024, 4, 4, 4000.0, 8000.0, "estimated", True, 2.0, 1.5, 2.5),
]
ROI_REASONS = (
    "no_plan",
    "insufficient_evidence",
    "pre_trend_failed",
    "placebo_failed",
    "imbalanced",
    "underpowered",
    "no_evidence_of_effect",
    "no_completers",
)


def portfolio_rows() -> list[tuple]:
    """marts.mart_training_portfolio from ROI, per cohort year and for all years."""
    rows = []
    for label, cohort in (("2023", 2023), ("2024", 2024), ("all years", None)):
        picked = [r for r in ROI if cohort is None or r[1] == cohort]
        total = sum(r[13] for r in picked)
        evaluated = [r for r in picked if r[16]]
        spend = sum(r[13] for r in evaluated)

        def roi(index, evaluated=evaluated, spend=spend):
            return 100 * (sum(r[index] for r in evaluated) - spend) / spend if spend else None

        rows.append(
            (cohort, label, total, spend, spend / total, total - spend, roi(27), roi(28), roi(29))
            + tuple(sum(r[13] for r in picked if r[17] == reason) for reason in ROI_REASONS)
            + (ROI_VALUE_PER_POINT, ROI_BENEFIT_YEARS, "EUR")
        )
    return rows


def sensitivity_rows() -> list[tuple]:
    """marts.mart_training_roi_sensitivity from ROI at 500 / 1000 / 2000 a point x 1 / 2 years."""
    rows = []
    for r in ROI:
        for value in (500.0, 1000.0, 2000.0):
            for years in (1.0, 2.0):
                cost, completers = r[13], r[3]
                values = [None] * 3 if not r[16] else [e * value * years * completers for e in (r[21], r[22], r[23])]
                rois = [None if v is None else 100 * (v - cost) / cost for v in values]
                rows.append(
                    (r[0], r[1], value, years, value == ROI_VALUE_PER_POINT and years == ROI_BENEFIT_YEARS)
                    + (completers, cost, r[16], r[17], values[0], *rois, "EUR")
                )
    return rows


# (programme, year, direct spend, budget): the latest approved version, 2024 only.
BUDGET = [("CRS-A", 2024, 6800.0, 6000.0), ("CRS-B", 2024, 3500.0, 4000.0), ("CRS-C", 2024, 4000.0, 5000.0)]

EXPECTED_SPEND = {
    # all spend in 2024, Legal's included (15 learners company-wide): 6800 + 8000 + 12000 + 300 + 200
    "total": 27300.0,
    # over 15 employees (mart_learning_effectiveness headcount) and 22 + 26 + 40 learning hours
    "per_employee": 27300.0 / 15,
    "per_learning_hour": 27300.0 / 88,
    # by org unit and cost type: Legal (4 learners) hidden, unallocated venue and licence kept
    "by_org_unit": {
        ("Engineering", "vendor"): 4000.0,
        ("Engineering", "instructor"): 1000.0,
        ("Engineering", "participant_time"): 1800.0,
        ("Sales", "vendor"): 4500.0,
        ("Sales", "venue"): 500.0,
        ("Sales", "participant_time"): 3000.0,
        ("Not allocated to an org unit", "venue"): 300.0,
        ("Not allocated to an org unit", "vendor"): 200.0,
    },
    # by programme and cost type: CRS-C (4 participants) hidden, the licence kept
    "by_programme": {
        ("Data Foundations", "vendor"): 5500.0,
        ("Data Foundations", "instructor"): 1000.0,
        ("Data Foundations", "venue"): 300.0,
        ("Data Foundations", "participant_time"): 2200.0,
        ("Presenting With Impact", "vendor"): 3000.0,
        ("Presenting With Impact", "venue"): 500.0,
        ("Presenting With Impact", "participant_time"): 2600.0,
        ("Not tied to a programme", "vendor"): 200.0,
    },
    # ROI % (low, ROI, high) per programme and completion cohort: 2023 cost 2000 delivery +
    # 600 allocated + 1000 time = 3600, benefit 0.2 x 1000 x 2 x 5 = 2000 (1000-3000) ->
    # -44.4 % (-72.2 % to -16.7 %); 2024 cost 6800 + 2040 + 2200 = 11040, benefit 3600
    # (1800-5400) -> -67.4 % (-83.7 % to -51.1 %)
    "roi_interval": {
        "Data Foundations (2023)": ((1000 - 3600) / 36, (2000 - 3600) / 36, (3000 - 3600) / 36),
        "Data Foundations (2024)": ((1800 - 11040) / 110.4, (3600 - 11040) / 110.4, (5400 - 11040) / 110.4),
    },
    # direct spend against the budget, 2024: Data Foundations 6800 vs 6000 (over plan),
    # Presenting With Impact 3500 vs 4000; Contract Law Refresher (4 learners) hidden
    "against_plan": {"Data Foundations": (6800.0, 6000.0), "Presenting With Impact": (3500.0, 4000.0)},
    "budget_used": 10300.0 / 10000.0,
    # portfolio, all cohorts: Data Foundations 3600 + 11040, Presenting With Impact
    # 3500 + 1050 + 2600 = 7150 (insufficient evidence), Contract Law Refresher 4000 + 1200
    # + 8000 = 13200 (evaluated; hidden only where it stands alone): total 34990, evaluated
    # 27840; benefits low 1000 + 1800 + 12000 = 14800, high 3000 + 5400 + 20000 = 28400
    "portfolio_total": 34990.0,
    "portfolio_evaluated_share": 27840.0 / 34990.0,
    "portfolio_roi_low": (14800 - 27840) / 278.4,
    "portfolio_roi_high": (28400 - 27840) / 278.4,
    "portfolio_insufficient_evidence": 7150.0,
    # sensitivity: Data Foundations 2024 at 2000 a point x 2 years: 0.2 x 2000 x 2 x 9 = 7200
    # on 11040 -> -34.8 %
    "sensitivity_df_2024_2000_2": (7200 - 11040) / 110.4,
}


def write_finance_marts(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        """
        create table marts.fct_training_spend (
            spend_allocation_id varchar, spend_line_id varchar, cost_type varchar, source_record_id varchar,
            programme_id varchar, org_unit_id varchar, spend_on date, month_start_on date, year_number integer,
            participant_count integer, allocation_share double, learning_hours double,
            hourly_loaded_pay_amount double, line_amount double, amount double, currency_code varchar,
            allocation_basis varchar
        )
        """
    )
    con.executemany(
        f"insert into marts.fct_training_spend values ({', '.join('?' * 17)})",
        [
            (
                f"line-{n}|{month}|{org or 'no-org-unit'}",
                f"{cost_type}:line-{n}",
                cost_type,
                f"line-{n}",
                programme,
                org,
                month,
                month,
                month.year,
                participants,
                1.0,
                None,
                None,
                amount,
                amount,
                "EUR",
                "participants in the billed period" if participants else "no participants: unallocated",
            )
            for n, (month, programme, org, cost_type, amount, participants) in enumerate(SPEND)
        ],
    )
    con.execute(
        """
        create table marts.mart_training_roi (
            programme_id varchar, cohort_year_number integer, participant_count integer, completer_count integer,
            non_completer_count integer, vendor_cost_amount double, instructor_cost_amount double,
            venue_cost_amount double, delivery_cost_amount double, participant_time_cost_amount double,
            design_development_cost_amount double, ld_staff_admin_cost_amount double, evaluation_cost_amount double,
            fully_loaded_cost_amount double, cost_per_participant_amount double, currency_code varchar,
            is_evaluated boolean, evaluation_reason varchar, impact_status varchar, is_impact_significant boolean,
            impact_conclusion varchar, impact_estimate double, impact_ci_low double, impact_ci_high double,
            impact_p_value_adjusted double, value_per_rating_point_amount double, benefit_years double,
            benefit_amount double, benefit_low_amount double, benefit_high_amount double, benefit_cost_ratio double,
            benefit_cost_ratio_low double, benefit_cost_ratio_high double, roi_pct double, roi_low_pct double,
            roi_high_pct double, roi_band varchar
        )
        """
    )
    con.executemany(f"insert into marts.mart_training_roi values ({', '.join('?' * 37)})", ROI)
    con.execute(
        """
        create table marts.mart_training_portfolio (
            cohort_year_number integer, period_label varchar, total_spend_amount double,
            evaluated_spend_amount double, evaluated_spend_share double, unevaluated_spend_amount double,
            roi_pct double, roi_low_pct double, roi_high_pct double, spend_no_plan_amount double,
            spend_insufficient_evidence_amount double, spend_pre_trend_failed_amount double,
            spend_placebo_failed_amount double, spend_imbalanced_amount double, spend_underpowered_amount double,
            spend_no_evidence_of_effect_amount double, spend_no_completers_amount double,
            value_per_rating_point_amount double, benefit_years double, currency_code varchar,
            programme_count integer default 0, evaluated_programme_count integer default 0
        )
        """
    )
    con.executemany(
        "insert into marts.mart_training_portfolio (cohort_year_number, period_label, total_spend_amount,"
        " evaluated_spend_amount, evaluated_spend_share, unevaluated_spend_amount, roi_pct, roi_low_pct,"
        " roi_high_pct, spend_no_plan_amount, spend_insufficient_evidence_amount, spend_pre_trend_failed_amount,"
        " spend_placebo_failed_amount, spend_imbalanced_amount, spend_underpowered_amount,"
        " spend_no_evidence_of_effect_amount, spend_no_completers_amount, value_per_rating_point_amount,"
        f" benefit_years, currency_code) values ({', '.join('?' * 20)})",
        portfolio_rows(),
    )
    con.execute(
        """
        create table marts.mart_training_roi_sensitivity (
            programme_id varchar, cohort_year_number integer, value_per_rating_point_amount double,
            benefit_years double, is_base_case boolean, completer_count integer, fully_loaded_cost_amount double,
            is_evaluated boolean, evaluation_reason varchar, benefit_amount double, roi_pct double,
            roi_low_pct double, roi_high_pct double, currency_code varchar
        )
        """
    )
    con.executemany(
        f"insert into marts.mart_training_roi_sensitivity values ({', '.join('?' * 14)})", sensitivity_rows()
    )
    con.execute(
        """
        create table marts.mart_training_budget (
            programme_id varchar, year_number integer, direct_cost_amount double, budget_plan_version varchar,
            budget_amount double, budget_variance_amount double, budget_used_share double, currency_code varchar
        )
        """
    )
    con.executemany(
        "insert into marts.mart_training_budget values (?, ?, ?, ?, ?, ?, ?, ?)",
        [(p, y, spend, f"{y}-v1", budget, spend - budget, spend / budget, "EUR") for p, y, spend, budget in BUDGET],
    )


# ---------------------------------------------------------------------- Data Health

RUN_1_AT = datetime(2024, 6, 1, 10, 0, tzinfo=UTC)
RUN_2_AT = datetime(2024, 6, 2, 10, 0, tzinfo=UTC)
# quality.results: (run, checked_at, suite, expectation, column, severity, success, unexpected)
CHECK_RESULTS = [
    ("run-1", RUN_1_AT, "raw_hris.employees", "expect_table_row_count_to_be_between", None, "error", True, None),
    ("run-1", RUN_1_AT, "raw_hris.employees", "expect_column_values_to_be_unique", "id", "error", True, 0),
    ("run-1", RUN_1_AT, "raw_hris.employees", "expect_column_values_to_match_regex", "work_email", "warn", True, 0),
    (
        "run-1",
        RUN_1_AT,
        "raw_hris.employees",
        "expect_column_values_to_not_be_null",
        "employee_number",
        "error",
        False,
        2,
    ),
    (
        "run-1",
        RUN_1_AT + timedelta(seconds=5),
        "marts.mart_capability_gap",
        "expect_column_values_to_not_be_null",
        "employee_id",
        "error",
        True,
        0,
    ),
    (
        "run-1",
        RUN_1_AT + timedelta(seconds=5),
        "marts.mart_capability_gap",
        "expect_column_values_to_be_in_set",
        "gap_band",
        "error",
        True,
        0,
    ),
    (
        "run-1",
        RUN_1_AT + timedelta(seconds=5),
        "marts.mart_capability_gap",
        "expect_column_values_to_be_between",
        "gap_levels",
        "warn",
        False,
        3,
    ),
    ("run-2", RUN_2_AT, "raw_hris.employees", "expect_table_row_count_to_be_between", None, "error", True, None),
    ("run-2", RUN_2_AT, "raw_hris.employees", "expect_column_values_to_be_unique", "id", "error", True, 0),
    ("run-2", RUN_2_AT, "raw_hris.employees", "expect_column_values_to_match_regex", "work_email", "warn", True, 0),
    (
        "run-2",
        RUN_2_AT,
        "raw_hris.employees",
        "expect_column_values_to_not_be_null",
        "employee_number",
        "error",
        True,
        0,
    ),
    (
        "run-2",
        RUN_2_AT + timedelta(seconds=5),
        "marts.mart_capability_gap",
        "expect_column_values_to_not_be_null",
        "employee_id",
        "error",
        True,
        0,
    ),
    (
        "run-2",
        RUN_2_AT + timedelta(seconds=5),
        "marts.mart_capability_gap",
        "expect_column_values_to_be_in_set",
        "gap_band",
        "error",
        True,
        0,
    ),
    (
        "run-2",
        RUN_2_AT + timedelta(seconds=5),
        "marts.mart_capability_gap",
        "expect_column_values_to_be_between",
        "gap_levels",
        "warn",
        False,
        4,
    ),
]
# quality.quarantine_counts: (run, checked_at, schema, source, resource, reason, records)
QUARANTINE = [
    ("run-1", RUN_1_AT, "raw_hris", "bamboohr", "employees", "missing id", 2),
    ("run-1", RUN_1_AT, "raw_lms", "docebo", "docebo_enrollments", "unknown user", 3),
    ("run-2", RUN_2_AT, "raw_hris", "bamboohr", "employees", "missing id", 2),
    ("run-2", RUN_2_AT, "raw_hris", "bamboohr", "employees", "missing or malformed workEmail", 1),
    ("run-2", RUN_2_AT, "raw_lms", "docebo", "docebo_enrollments", "unknown user", 4),
    ("run-2", RUN_2_AT, "raw_finance", "finance", "vendor_invoices", "amount is not a number", 1),
]
# <raw schema>._dlt_loads: (schema, dlt source, loaded at); status 0 = loaded
LOADS = [
    ("raw_hris", "bamboohr", datetime(2024, 6, 1, 9, 0, tzinfo=UTC)),
    ("raw_hris", "bamboohr", datetime(2024, 6, 2, 9, 0, tzinfo=UTC)),
    ("raw_hris", "workday", datetime(2024, 6, 2, 9, 5, tzinfo=UTC)),
    ("raw_lms", "docebo", datetime(2024, 6, 2, 9, 10, tzinfo=UTC)),
    ("raw_lms", "lrs", datetime(2024, 6, 1, 9, 20, tzinfo=UTC)),
    ("raw_performance", "lattice", datetime(2024, 6, 2, 9, 30, tzinfo=UTC)),
    ("raw_finance", "finance", datetime(2024, 5, 31, 8, 0, tzinfo=UTC)),
    ("raw_framework", "framework", datetime(2024, 6, 2, 8, 0, tzinfo=UTC)),
]
# marts.mart_load_reconciliation: (raw schema, dlt source, loaded at, resource, unit,
# received, loaded, quarantined, rejected, reason, newest load of the unit). Two HR file
# drops: the second skips the file it already has, loads a new one and rejects one no
# mapping claims; leavers.csv, rejected at the first drop, loads at the second (a rejection
# of an earlier load must not count). One finance export.
HR_DROP_1_AT = datetime(2024, 6, 1, 9, 15, tzinfo=UTC)
HR_DROP_2_AT = datetime(2024, 6, 2, 9, 15, tzinfo=UTC)
FINANCE_AT = datetime(2024, 5, 31, 8, 0, tzinfo=UTC)
RECONCILIATION = [
    ("raw_hris", "hr_files", HR_DROP_1_AT, "hr_file_records", "workers_2024-05.csv", 15, 14, 1, False, None, False),
    ("raw_hris", "hr_files", HR_DROP_1_AT, "hr_file_records", "leavers.csv", 0, 0, 0, True, "not UTF-8", False),
    (
        "raw_hris",
        "hr_files",
        HR_DROP_2_AT,
        "hr_file_records",
        "workers_2024-05.csv",
        0,
        0,
        0,
        False,
        "unchanged: loaded before as workers_2024-05.csv with mapping payroll_export",
        True,
    ),
    ("raw_hris", "hr_files", HR_DROP_2_AT, "hr_file_records", "workers_2024-06.csv", 16, 15, 1, False, None, True),
    ("raw_hris", "hr_files", HR_DROP_2_AT, "hr_file_records", "leavers.csv", 3, 3, 0, False, None, True),
    (
        "raw_hris",
        "hr_files",
        HR_DROP_2_AT,
        "hr_file_records",
        "contractors.xlsx",
        0,
        0,
        0,
        True,
        "no mapping claims the file (headers: Name, Rate, Agency)",
        True,
    ),
    ("raw_finance", "finance", FINANCE_AT, "vendor_invoices", "invoices_2024-05.csv", 12, 11, 1, False, None, True),
]
# marts.mart_xapi_conformance: (rule, statements breaking it, statements whose first rule
# it is, example issue). 9 statements break a rule: 4 actor.mbox (one of them also
# timestamp), 3 result.score.scaled, 3 timestamp; summing statement_count would say 10.
CONFORMANCE = [
    ("actor.mbox", 4, 4, "actor.mbox: not a mailto IRI"),
    ("result.score.scaled", 3, 3, "result.score.scaled: out of range [-1, 1]: 1.5"),
    ("timestamp", 3, 2, "timestamp: no time zone"),
]
# marts.mart_identity_match_report: (source system, identities, matched, ambiguous, unmatched)
IDENTITY = [("hris", 15, 15, 0, 0), ("lms", 20, 17, 1, 2), ("performance", 15, 14, 0, 1)]

EXPECTED_DATA_HEALTH = {
    # per run: (passed, failed errors, failed warnings)
    "results_per_run": {RUN_1_AT: (5, 1, 1), RUN_2_AT: (6, 0, 1)},
    # the latest run's failures: (suite, expectation, column, severity) -> unexpected rows
    "latest_failures": {
        ("marts.mart_capability_gap", "expect_column_values_to_be_between", "gap_levels", "warn"): 4,
    },
    "quarantine_latest": {
        "docebo_enrollments: unknown user": 4,
        "employees: missing id": 2,
        "employees: missing or malformed workEmail": 1,
        "vendor_invoices: amount is not a number": 1,
    },
    "quarantine_per_run": {RUN_1_AT: 5, RUN_2_AT: 8},
    # (schema, source) -> (last load, loads)
    "freshness": {
        ("raw_hris", "bamboohr"): (datetime(2024, 6, 2, 9, 0), 2),
        ("raw_hris", "workday"): (datetime(2024, 6, 2, 9, 5), 1),
        ("raw_lms", "docebo"): (datetime(2024, 6, 2, 9, 10), 1),
        ("raw_lms", "lrs"): (datetime(2024, 6, 1, 9, 20), 1),
        ("raw_performance", "lattice"): (datetime(2024, 6, 2, 9, 30), 1),
        ("raw_finance", "finance"): (datetime(2024, 5, 31, 8, 0), 1),
        ("raw_framework", "framework"): (datetime(2024, 6, 2, 8, 0), 1),
    },
    "match_rate": {"hris": 1.0, "lms": 17 / 20, "performance": 14 / 15},
    # the latest load of each unit, rejected first: unit -> (source, resource, received,
    # loaded, quarantined, rejected, reason)
    "units_latest": {
        "contractors.xlsx": (
            "hr_files",
            "hr_file_records",
            0,
            0,
            0,
            True,
            "no mapping claims the file (headers: Name, Rate, Agency)",
        ),
        "invoices_2024-05.csv": ("finance", "vendor_invoices", 12, 11, 1, False, None),
        "leavers.csv": ("hr_files", "hr_file_records", 3, 3, 0, False, None),
        "workers_2024-05.csv": (
            "hr_files",
            "hr_file_records",
            0,
            0,
            0,
            False,
            "unchanged: loaded before as workers_2024-05.csv with mapping payroll_export",
        ),
        "workers_2024-06.csv": ("hr_files", "hr_file_records", 16, 15, 1, False, None),
    },
    # units rejected at their latest load (leavers.csv's first-drop rejection does not count)
    "units_rejected_latest": 1,
    # rule -> (statements, example issue), most statements first, then by rule
    "conformance_by_rule": {rule: (count, example) for rule, count, _first, example in CONFORMANCE},
    # statements with any issue, each counted once (not 4 + 3 + 3)
    "conformance_statements": 9,
}


def write_data_health(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema quality")
    con.execute(
        """
        create table quality.results (
            run_id varchar, checked_at timestamp with time zone, invoked_by varchar, suite varchar,
            schema_name varchar, table_name varchar, expectation_index integer, expectation varchar,
            column_name varchar, severity varchar, success boolean, observed_value varchar,
            unexpected_count bigint, element_count bigint, row_count bigint, kwargs varchar, details varchar
        )
        """
    )
    result_rows = []
    for index, (run_id, checked_at, suite, expectation, column, severity, success, unexpected) in enumerate(
        CHECK_RESULTS, start=1
    ):
        schema, table = suite.split(".", 1)
        result_rows.append(
            (
                run_id,
                checked_at,
                "dagster",
                suite,
                schema,
                table,
                index,
                expectation,
                column,
                severity,
                success,
                None,
                unexpected,
                None if unexpected is None else 100,
                100,
                "{}",
                # a sample value like the runner keeps: never to reach a dataset
                "2 of 100 rows unexpected, e.g. ['person@example.com']",
            )
        )
    con.executemany(f"insert into quality.results values ({', '.join('?' * 17)})", result_rows)
    con.execute(
        """
        create table quality.quarantine_counts (
            run_id varchar, checked_at timestamp with time zone, schema_name varchar, source varchar,
            resource varchar, reason varchar, record_count bigint
        )
        """
    )
    con.executemany("insert into quality.quarantine_counts values (?, ?, ?, ?, ?, ?, ?)", QUARANTINE)
    for schema in sorted({load[0] for load in LOADS}):
        con.execute(f"create schema {schema}")
        con.execute(
            f"""
            create table {schema}._dlt_loads (
                load_id varchar not null, schema_name varchar, status bigint not null,
                inserted_at timestamp with time zone not null, schema_version_hash varchar
            )
            """
        )
        con.executemany(
            f"insert into {schema}._dlt_loads values (?, ?, 0, ?, 'hash')",
            [(f"{at.timestamp():.4f}", source, at) for s, source, at in LOADS if s == schema],
        )
    con.execute(
        """
        create table marts.mart_identity_match_report (
            source_system varchar, identity_count bigint, matched_count bigint, ambiguous_count bigint,
            unmatched_count bigint, matched_share double
        )
        """
    )
    con.executemany(
        "insert into marts.mart_identity_match_report values (?, ?, ?, ?, ?, ?)",
        [(*row, row[2] / row[1]) for row in IDENTITY],
    )
    con.execute(
        """
        create table marts.mart_load_reconciliation (
            raw_schema varchar not null, load_id varchar not null, loaded_at timestamp, source varchar,
            resource varchar, unit varchar, received bigint, loaded bigint, quarantined bigint,
            is_rejected boolean, reason varchar, is_skipped boolean, is_balanced boolean,
            is_latest_for_unit boolean
        )
        """
    )
    con.executemany(
        f"insert into marts.mart_load_reconciliation values ({', '.join('?' * 14)})",
        [
            (
                schema,
                f"{at.timestamp():.4f}",
                at.replace(tzinfo=None),
                source,
                resource,
                unit,
                received,
                loaded,
                quarantined,
                rejected,
                reason,
                not rejected and received == 0 and reason is not None,
                rejected or received == loaded + quarantined,
                latest,
            )
            for schema, source, at, resource, unit, received, loaded, quarantined, rejected, reason, latest in (
                RECONCILIATION
            )
        ],
    )
    con.execute(
        """
        create table marts.mart_xapi_conformance (
            issue_rule varchar not null, statement_count bigint not null,
            first_rule_statement_count bigint not null, example_issue varchar
        )
        """
    )
    con.executemany("insert into marts.mart_xapi_conformance values (?, ?, ?, ?)", CONFORMANCE)


# ------------------------------------------------------------------ a running Superset

REPO_ROOT = Path(__file__).resolve().parent.parent
SUPERSET_PYTHON = REPO_ROOT / ".venv" / "superset" / "bin" / "python"
CTL = REPO_ROOT / "dashboards" / "superset_ctl.py"
STARTUP_TIMEOUT_S = 180


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def epoch_ms(day: date | datetime) -> float:
    """What the chart-data API returns for a date or a (naive = UTC) timestamp."""
    if isinstance(day, datetime):
        return (day if day.tzinfo else day.replace(tzinfo=UTC)).timestamp() * 1000
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000


@dataclass
class SupersetServer:
    base_url: str
    env: dict[str, str]
    home: Path
    serving_path: Path
    http: requests.Session
    timings: dict[str, float] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.base_url + path, timeout=120, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.post(self.base_url + path, timeout=120, **kwargs)

    def ctl(self, *args: str, check: bool = True, env: dict[str, str] | None = None):
        return run_ctl(*args, env=env or self.env, check=check)


def run_ctl(*args: str, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [str(SUPERSET_PYTHON), str(CTL), *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"superset_ctl {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-6000:]}"
        )
    return result


def clean_env(**overrides: str) -> dict[str, str]:
    """The test's environment without any Superset settings of the developer's."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SUPERSET", "SERVING_", "FLASK_"))}
    env.update(overrides)
    return env


@contextmanager
def running_superset(tmp: Path, request: pytest.FixtureRequest) -> Iterator[SupersetServer]:
    """Tiny serving warehouse + init + import + `superset_ctl.py serve` on a free port,
    logged in as the admin through the REST API; stopped (process group) on exit."""
    if not SUPERSET_PYTHON.exists():
        pytest.fail(f"the Superset environment is missing at {SUPERSET_PYTHON.parent.parent}; run `make setup`")
    serving_path = build_serving_warehouse(tmp / "serving" / "warehouse.duckdb")
    port = free_port()
    password = secrets.token_urlsafe(16)
    env = clean_env(
        SUPERSET_HOME=str(tmp / "home"),
        SUPERSET_SECRET_KEY=secrets.token_urlsafe(42),
        SUPERSET_ADMIN_USER="admin",
        SUPERSET_ADMIN_PASSWORD=password,
        SUPERSET_DEMO_PASSWORD=secrets.token_urlsafe(16),
        SERVING_WAREHOUSE_PATH=str(serving_path),
        SUPERSET_PORT=str(port),
        SUPERSET_WORKERS="1",
        SUPERSET_THREADS="4",
        # no result cache, so a republished serving copy shows at once
        SUPERSET_DATA_CACHE_TIMEOUT="0",
    )
    server = SupersetServer(
        base_url=f"http://127.0.0.1:{port}",
        env=env,
        home=tmp / "home",
        serving_path=serving_path,
        http=requests.Session(),
    )

    for step, args in (("init", ["init"]), ("init_again", ["init"]), ("import", ["import"])):
        started = time.monotonic()
        result = server.ctl(*args)
        server.timings[step] = time.monotonic() - started
        server.outputs[step] = result.stderr

    log_path = tmp / "superset-serve.log"
    log_file = log_path.open("w")
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(SUPERSET_PYTHON), str(CTL), "serve"],
        env=env,
        cwd=REPO_ROOT,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, killed as a whole below
    )
    try:
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"Superset exited with {proc.returncode}:\n{log_path.read_text()[-6000:]}")
            try:
                if requests.get(server.base_url + "/health", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() - started > STARTUP_TIMEOUT_S:
                raise AssertionError(
                    f"Superset did not answer within {STARTUP_TIMEOUT_S}s:\n{log_path.read_text()[-6000:]}"
                )
            time.sleep(0.5)
        server.timings["startup"] = time.monotonic() - started

        login = server.post(
            "/api/v1/security/login",
            json={"username": "admin", "password": password, "provider": "db", "refresh": False},
        )
        assert login.status_code == 200, login.text
        server.http.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
        yield server
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log_file.close()
        report_timings(request, server.timings)


def report_timings(request: pytest.FixtureRequest, timings: dict[str, float]) -> None:
    """Print how long init/import/startup took, even when output is captured."""
    if timings:
        report_line(request, "superset timings: " + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items()))


def report_line(request: pytest.FixtureRequest, line: str) -> None:
    """Print one line to the terminal, even when output is captured."""
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():
        reporter.ensure_newline()
        reporter.write_line(line)
