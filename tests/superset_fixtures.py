"""A tiny DuckDB serving warehouse with known values, for the Superset tests.

Three org units: Engineering (6 employees), Sales (5) and Legal (4). Legal is below
the 5-person threshold, so nothing about it may reach any chart; its gaps are
deliberately large so that a leak would change every expected number below.
Two capabilities, two months (2024-05 and 2024-06, the latest).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

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


def mart_rows() -> list[tuple]:
    rows = []
    required_level = 3
    for month, by_org in GAPS.items():
        for org_unit_id, by_capability in by_org.items():
            employees = ORG_UNITS[org_unit_id][2]
            for capability_id, gaps in by_capability.items():
                assert len(gaps) == len(employees)
                for employee_id, gap in zip(employees, gaps, strict=True):
                    manager_level = None if gap is None else required_level - gap
                    self_level = None if manager_level is None else min(5, manager_level + 1)
                    rows.append(
                        (
                            month,
                            employee_id,
                            capability_id,
                            org_unit_id,
                            "jp-specialist",
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
        con.execute("checkpoint")
    finally:
        con.close()
    return path
