"""What the engine reads: a handful of frames with fixed columns, from the marts.

`ImpactInputs.from_warehouse` reads them from the warehouse's marts (DuckDB file or
PostgreSQL). The validation command builds the same frames straight from the demo
generator (`demo/impact_inputs.py`) so it can afford 50 companies; the end-to-end test
checks that both routes give the engine the same picture of the same company.

Frames and columns:
- completions: employee_id, programme_id, completed_on  (first completion per pair)
- reviews: employee_id, period_id, period_end_on, value, manager_id
  (the manager's overall rating per review cycle, harmonised 1-5)
- capability: employee_id, period_id, period_end_on, capability_id, value, manager_id
  (manager-assessed capability level per review cycle)
- goals: employee_id, goal_year, start_on, value  (mean goal attainment in the year)
- jobs: employee_id, valid_from, valid_to, org_unit_id, job_level, manager_id
  (effective-dated; valid_to exclusive, null while current)
- spells: employee_id, hire_date, termination_date  (one row per employment period)
- programme_capabilities: programme_id, capability_id
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

FRAMES = {
    "completions": ["employee_id", "programme_id", "completed_on"],
    "reviews": ["employee_id", "period_id", "period_end_on", "value", "manager_id"],
    "capability": ["employee_id", "period_id", "period_end_on", "capability_id", "value", "manager_id"],
    "goals": ["employee_id", "goal_year", "start_on", "value"],
    "jobs": ["employee_id", "valid_from", "valid_to", "org_unit_id", "job_level", "manager_id"],
    "spells": ["employee_id", "hire_date", "termination_date"],
    "programme_capabilities": ["programme_id", "capability_id"],
}
OPTIONAL_FRAMES = {"goals"}
DATE_COLUMNS = {"completed_on", "period_end_on", "start_on", "valid_from", "valid_to", "hire_date", "termination_date"}

# The marts each frame comes from. Only marts: the engine never reads raw or staging data.
WAREHOUSE_SQL = {
    "completions": """
        select employee_id, course_id as programme_id, min(activity_on) as completed_on
        from marts.fct_learning_activity
        where is_completion and employee_id is not null
          -- development programmes: courses the framework maps to capabilities (mandatory
          -- compliance courses, which nearly everyone completes, are not treatments)
          and course_id in (select course_id from marts.bridge_course_capability)
        group by employee_id, course_id
    """,
    "reviews": """
        select employee_id, review_cycle_id as period_id, period_end_on,
               overall_rating as value, reviewer_employee_id as manager_id
        from marts.fct_review
        where rater_type = 'manager' and overall_rating is not null
    """,
    "capability": """
        select a.employee_id, r.review_cycle_id as period_id, r.period_end_on, a.capability_id,
               cast(a.assessed_level as double precision) as value, r.reviewer_employee_id as manager_id
        from marts.fct_capability_assessment as a
        join marts.fct_review as r on r.review_id = a.review_id
        where a.rater_type = 'manager' and a.assessed_level is not null
    """,
    "goals": """
        select employee_id, goal_year, min(start_on) as start_on, avg(attainment) as value
        from marts.fct_goal
        where attainment is not null
        group by employee_id, goal_year
    """,
    "jobs": """
        select employee_id, valid_from, valid_to, org_unit_id, job_level, manager_employee_id as manager_id
        from marts.dim_employee
    """,
    "spells": """
        select employee_id, hire_date, max(termination_date) as termination_date
        from marts.dim_employee
        group by employee_id, hire_date
    """,
    "programme_capabilities": """
        select course_id as programme_id, capability_id from marts.bridge_course_capability
    """,
}


class InputError(RuntimeError):
    """A mart the engine needs is missing or has the wrong shape."""


@dataclass
class ImpactInputs:
    completions: pd.DataFrame
    reviews: pd.DataFrame
    capability: pd.DataFrame
    goals: pd.DataFrame
    jobs: pd.DataFrame
    spells: pd.DataFrame
    programme_capabilities: pd.DataFrame
    as_of: date
    # Frames derived once and shared by every plan (impact/panels.py).
    cache: dict = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name, columns in FRAMES.items():
            frame = getattr(self, name)
            missing = [c for c in columns if c not in frame.columns]
            if missing:
                raise InputError(f"{name}: missing column(s) {missing}")
            frame = frame[columns].copy()
            for column in set(columns) & DATE_COLUMNS:
                frame[column] = pd.to_datetime(frame[column]).dt.normalize().astype("datetime64[ns]")
            setattr(self, name, frame)

    @classmethod
    def from_warehouse(cls, connection, as_of: date | None = None) -> ImpactInputs:
        """`connection`: a DB-API connection (duckdb or psycopg2) to the warehouse."""
        frames = {}
        for name, sql in WAREHOUSE_SQL.items():
            try:
                cursor = connection.cursor()
                cursor.execute(sql)
                rows = cursor.fetchall()
                columns = [d[0] for d in cursor.description]
            except Exception as error:  # the driver's own error types differ
                if name not in OPTIONAL_FRAMES:
                    raise InputError(f"cannot read {name} from the marts: {error}") from error
                # A customer without the source (e.g. no goals tool): its plans report
                # "insufficient evidence" rather than failing the others.
                rows, columns = [], FRAMES[name]
            frames[name] = pd.DataFrame.from_records(rows, columns=columns)
        if as_of is None:
            latest = [frames["completions"]["completed_on"].max(), frames["reviews"]["period_end_on"].max()]
            latest = [pd.Timestamp(v) for v in latest if v is not None and not pd.isna(v)]
            as_of = max(latest).date() if latest else date.today()
        return cls(**frames, as_of=as_of)
