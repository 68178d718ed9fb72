"""A three-person org written by hand, built with `dbt build`, checked against values
worked out by hand.

The org (all dates 2024):
  * Ada Boss (E00001), Data Analyst II, manages the others; never assessed.
  * Bea Learner (E00002), hired 15 Jan as Data Analyst I, promoted to Data Analyst II on
    1 July. Her manager rates Communication 2 on 20 June and 3 on 20 December.
  * Cy Other (E00003), Data Analyst I all year; his manager rates Communication 1.
Bars: Data Analyst I needs Communication 2 and Data Literacy 2, Data Analyst II needs 3
and 3. So Bea meets the Communication bar in June (gap 0), falls below it when the
promotion raises the bar in July (gap 1, band `low`) and meets it again in December.

Learning (Bea): 2 h of CRS-003 (Communication) on 10 May, before any manager
assessment: not aimed at an open gap; 4 h of CRS-001 (Communication) on 5 August and
2 h of CRS-002 (Data Literacy) on 10 August, both while below the Data Analyst II bar:
aimed at open gaps. Her alignment share is (4 + 2) / (2 + 4 + 2) = 0.75.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from tests.test_dbt_duckdb import dbt, summary

pytestmark = pytest.mark.slow

EMPLOYEES = [
    # id, number, first, last, email, hire, title, supervisor
    ("1", "E00001", "Ada", "Boss", "ada.boss@example.com", "2020-01-01", "Data Analyst II", None),
    ("2", "E00002", "Bea", "Learner", "bea.learner@example.com", "2024-01-15", "Data Analyst II", "1"),
    ("3", "E00003", "Cy", "Other", "cy.other@example.com", "2024-01-01", "Data Analyst I", "1"),
]
JOB_INFO = [
    # id, employee id, date, title, reports to
    ("1", "1", "2020-01-01", "Data Analyst II", None),
    ("2", "2", "2024-01-15", "Data Analyst I", "Boss, Ada"),
    ("3", "2", "2024-07-01", "Data Analyst II", "Boss, Ada"),
    ("4", "3", "2024-01-01", "Data Analyst I", "Boss, Ada"),
]
USERS = [
    # Bea has no external id: she resolves by email, whose case differs from HRIS.
    ("u1", "Ada Boss", "ada.boss@example.com", "E00001"),
    ("u2", "Bea Learner", "Bea.Learner@Example.com", None),
    ("u3", "Cy Other", "cy.other@example.com", "E00003"),
]
CYCLES = [("c1", "2024 H1", "2024-01-01", "2024-06-30"), ("c2", "2024 H2", "2024-07-01", "2024-12-31")]
COMPETENCIES = [("k1", "Communication"), ("k2", "data literacy")]
REVIEWS = [
    # id, cycle, reviewee, reviewer, type, submitted, overall, [(competency, rating)]
    ("r1", "c1", "u2", "u1", "downward", "2024-06-20T10:00:00Z", 3, [("k1", 2), ("k2", 2)]),
    ("r2", "c1", "u2", "u2", "self", "2024-06-18T10:00:00Z", 4, [("k1", 3), ("k2", 3)]),
    ("r3", "c1", "u3", "u1", "downward", "2024-06-25T10:00:00Z", 2, [("k1", 1), ("k2", 2)]),
    ("r4", "c2", "u2", "u1", "downward", "2024-12-20T10:00:00Z", 4, [("k1", 3), ("k2", 3)]),
]
STATEMENTS = [
    # id, timestamp, verb, login, course, duration, score
    ("s1", "2024-05-10T09:00:00Z", "completed", "Bea.Learner@example.com", "CRS-003", "PT2H", None),
    ("s2", "2024-08-05T09:00:00Z", "completed", "bea.learner@example.com", "CRS-001", "PT4H", None),
    ("s3", "2024-08-10T09:00:00Z", "completed", "bea.learner@example.com", "CRS-002", "PT2H", None),
    ("s4", "2024-09-01T09:00:00Z", "passed", "cy.other@example.com", "CRS-002", "PT1H30M", 0.8),
    ("s5", "2024-09-02T09:00:00Z", "completed", "contractor@partner.example", "CRS-001", "PT3H", None),
]
FRAMEWORK = {
    "capabilities": (
        ["capability_id", "capability_name", "category", "description"],
        [("communication", "Communication", "Core", "Talks"), ("data_literacy", "Data Literacy", "Digital", "Reads")],
    ),
    "job_profiles": (
        ["job_profile_id", "job_title", "job_family", "job_level"],
        [("da_1", "Data Analyst I", "data_analytics", "1"), ("da_2", "Data Analyst II", "data_analytics", "2")],
    ),
    "required_levels": (
        ["job_profile_id", "capability_id", "required_level", "effective_from", "effective_to"],
        [
            ("da_1", "communication", "2", "2023-01-01", None),
            ("da_1", "data_literacy", "2", "2023-01-01", None),
            ("da_2", "communication", "3", "2023-01-01", None),
            ("da_2", "data_literacy", "3", "2023-01-01", None),
        ],
    ),
    "course_capabilities": (
        ["course_id", "capability_id", "target_level"],
        [("CRS-001", "communication", "3"), ("CRS-002", "data_literacy", "3"), ("CRS-003", "communication", "4")],
    ),
}


def _table(con: duckdb.DuckDBPyConnection, name: str, columns: list[str], rows: list[tuple]) -> None:
    con.execute(f"create table {name} ({', '.join(f'{c} text' for c in columns)})")
    con.executemany(f"insert into {name} values ({', '.join('?' for _ in columns)})", rows)


def write_raw(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        for schema in ("raw_hris", "raw_lms", "raw_performance", "raw_framework"):
            con.execute(f"create schema {schema}")
        _table(
            con,
            "raw_hris.employees",
            ["id", "employee_number", "first_name", "last_name", "display_name", "work_email", "hire_date"]
            + ["termination_date", "status", "job_title", "department", "division", "location"]
            + ["supervisor_e_id", "last_changed"],
            [
                (i, n, f, la, f"{la}, {f}", e, h, None, "Active", t, "Analytics", "Data", "Remote", s, "2024-12-31")
                for i, n, f, la, e, h, t, s in EMPLOYEES
            ],
        )
        _table(
            con,
            "raw_hris.job_info",
            ["id", "employee_id", "date", "location", "department", "division", "job_title", "reports_to"],
            [(i, e, d, "Remote", "Analytics", "Data", t, r) for i, e, d, t, r in JOB_INFO],
        )
        _table(
            con,
            "raw_performance.users",
            ["id", "name", "email", "title", "manager_id", "external_user_id"],
            [(i, n, e, None, None, x) for i, n, e, x in USERS],
        )
        _table(
            con,
            "raw_performance.review_cycles",
            ["id", "name", "start_date", "end_date", "state"],
            [(*c, "closed") for c in CYCLES],
        )
        _table(con, "raw_performance.competencies", ["id", "name"], COMPETENCIES)
        _table(
            con,
            "raw_performance.reviews",
            ["id", "_dlt_id", "review_cycle_id", "reviewee_id", "reviewer_id", "review_type"]
            + ["submitted_at", "rating", "calibrated_rating"],
            [(r[0], f"dlt_{r[0]}", *r[1:6], str(r[6]), None) for r in REVIEWS],
        )
        _table(
            con,
            "raw_performance.reviews__competency_ratings",
            ["_dlt_id", "_dlt_parent_id", "_dlt_list_idx", "competency_id", "rating"],
            [
                (f"dlt_{r[0]}_{i}", f"dlt_{r[0]}", str(i), competency, str(rating))
                for r in REVIEWS
                for i, (competency, rating) in enumerate(r[7])
            ],
        )
        statements = []
        for sid, ts, verb, login, course, duration, score in STATEMENTS:
            result = {"duration": duration, "completion": verb == "completed"}
            if score is not None:
                result |= {"score": {"scaled": score}, "success": verb == "passed"}
            body = {
                "id": sid,
                "timestamp": ts,
                "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
                "actor": {"account": {"name": login}},
                "object": {
                    "id": f"https://lms.example/courses/{course}",
                    "definition": {"name": {"en-US": f"Course {course}"}},
                },
                "result": result,
            }
            statements.append(
                (sid, ts, ts, f"http://adlnet.gov/expapi/verbs/{verb}", login, body["object"]["id"], json.dumps(body))
            )
        con.execute(
            "create table raw_lms.statements (id text, timestamp text, stored text, verb_id text,"
            " actor_account_name text, object_id text, statement json)"
        )
        con.executemany("insert into raw_lms.statements values (?, ?, ?, ?, ?, ?, ?)", statements)
        for name, (columns, rows) in FRAMEWORK.items():
            _table(con, f"raw_framework.{name}", columns, rows)


@pytest.fixture(scope="module")
def handmade(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("handmade")
    path = work / "warehouse.duckdb"
    write_raw(path)
    # The hand-made org has no Docebo or finance data: build everything that does not read them.
    exclude = ["--exclude", "source:raw_finance+", "source:raw_lms.docebo_*+"]
    result = dbt(["build", "--target", "duckdb", *exclude], {**os.environ, "WAREHOUSE_PATH": str(path)}, work)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert summary(result)["error"] == 0
    return path


def rows(path: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()


def test_gap_band_before_and_after_the_promotion(handmade: Path) -> None:
    found = rows(
        handmade,
        "select cast(month_start_on as text), job_profile_id, required_level, manager_assessed_level,"
        " gap_levels, gap_band, is_open_gap from marts.mart_capability_gap"
        " where employee_id = 'E00002' and capability_id = 'communication'"
        " and month_start_on in ('2024-06-01', '2024-07-01', '2024-12-01') order by month_start_on",
    )
    assert found == [
        ("2024-06-01", "da_1", 2, 2, 0, "intermediate", False),  # meets the Analyst I bar
        ("2024-07-01", "da_2", 3, 2, 1, "low", True),  # promoted: the bar rises, she falls below
        ("2024-12-01", "da_2", 3, 3, 0, "intermediate", False),  # rated 3 on 20 December
    ]


def test_alignment_share(handmade: Path) -> None:
    person = rows(
        handmade,
        "select sum(learning_hours), sum(aligned_learning_hours),"
        " sum(aligned_learning_hours) / sum(learning_hours)"
        " from marts.mart_learning_alignment where employee_id = 'E00002'",
    )
    assert person == [(pytest.approx(8.0), pytest.approx(6.0), pytest.approx(0.75))]
    by_month = rows(
        handmade,
        "select cast(month_start_on as text), course_id, learning_hours, alignment_share"
        " from marts.mart_learning_alignment where employee_id = 'E00002' order by month_start_on, course_id",
    )
    assert by_month == [
        ("2024-05-01", "CRS-003", pytest.approx(2.0), 0.0),  # before any manager assessment
        ("2024-08-01", "CRS-001", pytest.approx(4.0), 1.0),
        ("2024-08-01", "CRS-002", pytest.approx(2.0), 1.0),
    ]
    # Cy's passed test is on a capability where he meets the bar: not aligned.
    assert rows(handmade, "select alignment_share from marts.mart_learning_alignment where employee_id = 'E00003'") == [
        (0.0,)
    ]


def test_recommendations_for_the_open_gap_of_the_latest_month(handmade: Path) -> None:
    found = rows(
        handmade,
        "select employee_id, work_email, capability_id, course_id, recommendation_rank"
        " from marts.mart_learning_recommendations order by employee_id, capability_id, recommendation_rank",
    )
    # December: only Cy is below a bar (Communication 1 < 2); both Communication courses reach it.
    assert found == [
        ("E00003", "cy.other@example.com", "communication", "CRS-001", 1),
        ("E00003", "cy.other@example.com", "communication", "CRS-003", 2),
    ]


def test_identity_match_report_keeps_the_contractor_visible(handmade: Path) -> None:
    report = rows(
        handmade,
        "select source_system, identity_count, matched_count, ambiguous_count, unmatched_count"
        " from marts.mart_identity_match_report order by source_system",
    )
    assert report == [("hris", 3, 3, 0, 0), ("lms", 3, 2, 0, 1), ("performance", 3, 3, 0, 0)]
    unmatched = rows(
        handmade,
        "select source_identifier from intermediate.int_identity__source_identities where match_status = 'unmatched'",
    )
    assert unmatched == [("contractor@partner.example",)]


# --- training spend and ROI, worked out by hand ------------------------------------------
#
# Finance for CRS-001 in 2024: a vendor invoice of 900.00 for Q3 (Bea started on 5 August,
# the contractor on 2 September: 450 each), and a classroom session on 20 August with an
# instructor fee of 800.00 and a venue of 200.00 (August's only learner is Bea). Bea's 4 h
# on CRS-001 as a Data Analyst II (level 2: 54 000 a year in seeds/pay_bands.csv) cost
# 4 x 54 000 x 1.30 / 1 720 = 163.2558 at the default loaded-pay variables; the
# contractor's time is not on the payroll. Fully loaded: 900 + 800 + 200 + 163.2558.
# The impact engine estimates +0.4 rating points (CI 0.1-0.7) for CRS-001; Bea is the one
# employee who completed it, so the benefit is 0.4 x 10 000 (default value of a point per
# person-year) x 1 = 4 000 (1 000-7 000). Her Communication gap against the Data Analyst
# II bar (3) was 1 before (rated 2 in June) and 0 after (3 in December): 1 point closed.
FINANCE = {
    "vendor_invoices": (
        ["invoice_id", "vendor", "course_id", "invoice_date", "period_start", "period_end", "seats", "amount"]
        + ["currency", "source_file"],
        [("INV-1", "Vendor", "CRS-001", "2024-09-30", "2024-07-01", "2024-09-30", "2", "900.00", "EUR", "f.csv")],
    ),
    "instructor_costs": (
        ["cost_id", "session_id", "course_id", "instructor", "session_date", "days", "day_rate", "amount"]
        + ["currency", "source_file"],
        [("INS-1", "SES-1", "CRS-001", "A. Moreau", "2024-08-20", "1", "800.00", "800.00", "EUR", "f.csv")],
    ),
    "venue_costs": (
        ["cost_id", "session_id", "course_id", "venue", "session_date", "amount", "currency", "source_file"],
        [("VEN-1", "SES-1", "CRS-001", "Lisbon Hub", "2024-08-20", "200.00", "EUR", "f.csv")],
    ),
}
IMPACT_COLUMNS = (
    "plan_id varchar, plan_version varchar, programme_id varchar, outcome varchar, outcome_unit varchar,"
    " method varchar, estimate double, std_error double, ci_low double, ci_high double, p_value double,"
    " n_treated integer, n_comparison integer, pretrend_p_value double, mde double,"
    " min_effect_of_interest double, status varchar, horizon_periods integer, comparison_rule varchar,"
    " estimated_at timestamp, run_id varchar"
)
IMPACT = [
    # CRS-001 estimated; CRS-002 without enough evidence; CRS-003 not evaluated at all.
    ("plan", "1", "CRS-001", "review_rating", "points", "did_staggered", 0.4, 0.15, 0.1, 0.7, 0.01, 1, 2, 0.5)
    + (0.2, 0.1, "estimated", 2, "not yet treated", "2025-01-15 00:00:00", "run-1"),
    ("plan", "1", "CRS-002", "review_rating", "points", "did_staggered", 0.3, 0.4, -0.5, 1.1, 0.45, 2, 1, 0.5)
    + (0.9, 0.1, "insufficient evidence", 2, "not yet treated", "2025-01-15 00:00:00", "run-1"),
]


@pytest.fixture(scope="module")
def handmade_roi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made org with finance exports, built in the two dbt steps of a real run:
    everything but `impact_downstream` first, then (after the impact engine wrote its
    table) the models that read the estimates."""
    work = tmp_path_factory.mktemp("handmade_roi")
    path = work / "warehouse.duckdb"
    write_raw(path)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw_finance")
        for name, (columns, table_rows) in FINANCE.items():
            _table(con, f"raw_finance.{name}", columns, table_rows)
    env = {**os.environ, "WAREHOUSE_PATH": str(path)}
    # Only these marts and what they read (no Docebo data here); `cautious`: no tests of
    # marts left out, such as relationships from other marts to dim_course.
    select = ["--select", "+fct_training_spend", "+mart_training_roi", "+dim_course", "+dim_org_unit", "+dim_date"]
    select += ["--indirect-selection", "cautious"]
    first = dbt(["build", "--target", "duckdb", *select], env, work)
    assert first.returncode == 0, first.stdout[-6000:] + first.stderr[-3000:]
    # Before the engine has run, every programme is "not yet evaluated", with no benefit.
    assert rows(path, "select distinct evaluation_status, benefit_amount from marts.mart_training_roi") == [
        ("not yet evaluated", None)
    ]
    with duckdb.connect(str(path)) as con:
        con.execute(f"create table marts.mart_learning_impact ({IMPACT_COLUMNS})")
        con.executemany(f"insert into marts.mart_learning_impact values ({', '.join(['?'] * 21)})", IMPACT)
    second = dbt(["build", "--target", "duckdb", "--select", "tag:impact_downstream"], env, work)
    assert second.returncode == 0, second.stdout[-6000:] + second.stderr[-3000:]
    assert summary(second)["error"] == 0
    return path


def test_training_spend_and_roi_of_one_programme(handmade_roi: Path) -> None:
    spend = rows(
        handmade_roi,
        "select cost_type, coalesce(org_unit_id, '-'), cast(month_start_on as text), participant_count, amount"
        " from marts.fct_training_spend where programme_id = 'CRS-001' order by cost_type, month_start_on",
    )
    time_cost = 4 * 54_000 * 1.30 / 1_720
    assert spend == [
        ("instructor", "data-analytics", "2024-08-01", 1, pytest.approx(800.0)),
        ("participant_time", "data-analytics", "2024-08-01", 1, pytest.approx(time_cost)),
        ("vendor", "data-analytics", "2024-08-01", 1, pytest.approx(450.0)),  # Bea's seat
        ("vendor", "-", "2024-09-01", 1, pytest.approx(450.0)),  # the contractor's seat
        ("venue", "data-analytics", "2024-08-01", 1, pytest.approx(200.0)),
    ]

    cost = 900 + 800 + 200 + time_cost
    benefit, low, high = 0.4 * 10_000, 0.1 * 10_000, 0.7 * 10_000
    roi = rows(
        handmade_roi,
        "select participant_count, completer_count, direct_cost_amount, fully_loaded_cost_amount,"
        " budget_amount, budget_used_share, evaluation_status, benefit_amount, benefit_low_amount,"
        " benefit_high_amount, benefit_cost_ratio, roi_pct, roi_low_pct, roi_high_pct, roi_band,"
        " gap_points_closed, cost_per_gap_point_closed_amount"
        " from marts.mart_training_roi where programme_id = 'CRS-001' and year_number = 2024",
    )
    assert roi == [
        (
            2,  # Bea and the contractor took part
            1,  # only Bea is an employee who completed it
            pytest.approx(1_900.0),
            pytest.approx(cost),
            30_000.0,  # seeds/training_budget.csv, plan 2024-v1
            pytest.approx(1_900 / 30_000),
            "estimated",
            pytest.approx(benefit),
            pytest.approx(low),
            pytest.approx(high),
            pytest.approx(benefit / cost),
            pytest.approx((benefit - cost) / cost * 100),  # about +94 %
            pytest.approx((low - cost) / cost * 100),  # about -52 %
            pytest.approx((high - cost) / cost * 100),  # about +239 %
            "break-even range",  # the ROI interval contains 0
            1.0,
            pytest.approx(cost),
        )
    ]
    others = rows(
        handmade_roi,
        "select programme_id, evaluation_status, benefit_amount, roi_pct, roi_band"
        " from marts.mart_training_roi where programme_id <> 'CRS-001' order by programme_id",
    )
    assert others == [
        ("CRS-002", "insufficient evidence", None, None, None),
        ("CRS-003", "not yet evaluated", None, None, None),
    ]
