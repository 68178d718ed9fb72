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
The promotion starts a 90-day grace period (var new_in_role_grace_days): at the ends of
July (30 days in the role) and August (61 days) her gap is shown but flagged
is_new_in_role and not open; at the end of September (91 days) it is open.

Learning (Bea): 2 h of CRS-003 (Communication) on 10 May, before any manager
assessment: unassessed (reported apart, not counted as misaligned); 4 h of CRS-001
(Communication) on 5 August and 2 h of CRS-002 (Data Literacy) on 10 August, both while
below the Data Analyst II bar: aimed at open gaps. Her alignment share is over assessed
hours: (4 + 2) / (2 + 4 + 2 - 2) = 1.0, with 2 unassessed hours (0.75 when unassessed
hours counted as misaligned).

The first fixture (`handmade`) adds the fair-gap cases (add_fair_gap_cases):
  * Dee Expired (E00004), Data Analyst I since 1 January 2023, rated Communication 2 by
    Ada on 20 June 2023 and never again: 346 days old at the end of May 2024 (valid, gap
    0), 376 days at the end of June (> 365, var capability_rating_validity_days): not
    assessed from June on.
  * Two peers rate Bea's Communication in the 2024 H2 cycle: Ada 2 (10 November), Cy 3
    (12 November): peer level (2 + 3) / 2 = 2.5 from 2 ratings (3 when the latest won).
  * Cy fails the CRS-001 test (Communication, target 3) on 1 October with 0.4: the seed
    lms_assessment_levels gives a failed test no level (it used to become 3 - 1 = 2); his
    pass of CRS-002 (Data Literacy, target 3) on 1 September still gives 3.
  * Data Analyst I also needs Leadership 2, which no course develops; Cy's manager rates
    it 1 on 25 June: a `no_targeting_course` row for every month June-December, one
    person each, so suppressed. No `gap_open_after_course` row: Bea's August completions
    were below the bar, but six months later (February 2025) is past the data.
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


def add_fair_gap_cases(path: Path) -> None:
    """Dee's expiring rating, Bea's two peer ratings, Cy's failed test and Leadership
    (a required capability no course develops); see the module docstring."""
    with duckdb.connect(str(path)) as con:
        con.execute(
            "insert into raw_hris.employees values ('4', 'E00004', 'Dee', 'Expired', 'Expired, Dee',"
            " 'dee.expired@example.com', '2023-01-01', null, 'Active', 'Data Analyst I', 'Analytics', 'Data',"
            " 'Remote', '1', '2024-12-31')"
        )
        con.execute(
            "insert into raw_hris.job_info values ('5', '4', '2023-01-01', 'Remote', 'Analytics', 'Data',"
            " 'Data Analyst I', 'Boss, Ada')"
        )
        con.execute(
            "insert into raw_performance.users values ('u4', 'Dee Expired', 'dee.expired@example.com', null,"
            " null, 'E00004')"
        )
        con.execute(
            "insert into raw_performance.review_cycles values ('c0', '2023 H1', '2023-01-01', '2023-06-30', 'closed')"
        )
        con.execute("insert into raw_performance.competencies values ('k3', 'Leadership')")
        reviews = [
            ("r5", "c0", "u4", "u1", "downward", "2023-06-20T10:00:00Z", [("k1", 2), ("k2", 2)]),
            ("r6", "c2", "u2", "u1", "peer", "2024-11-10T10:00:00Z", [("k1", 2)]),
            ("r7", "c2", "u2", "u3", "peer", "2024-11-12T10:00:00Z", [("k1", 3)]),
        ]
        con.executemany(
            "insert into raw_performance.reviews values (?, ?, ?, ?, ?, ?, ?, '3', null)",
            [(r[0], f"dlt_{r[0]}", *r[1:6]) for r in reviews],
        )
        ratings = [
            (f"dlt_{r[0]}_{i}", f"dlt_{r[0]}", str(i), k, str(v)) for r in reviews for i, (k, v) in enumerate(r[6])
        ]
        ratings.append(("dlt_r3_2", "dlt_r3", "2", "k3", "1"))  # Cy's Leadership, in his June review
        con.executemany("insert into raw_performance.reviews__competency_ratings values (?, ?, ?, ?, ?)", ratings)
        body = {
            "id": "s6",
            "timestamp": "2024-10-01T09:00:00Z",
            "verb": {"id": "http://adlnet.gov/expapi/verbs/failed"},
            "actor": {"account": {"name": "cy.other@example.com"}},
            "object": {
                "id": "https://lms.example/courses/CRS-001",
                "definition": {"name": {"en-US": "Course CRS-001"}},
            },
            "result": {"duration": "PT0S", "completion": False, "score": {"scaled": 0.4}, "success": False},
        }
        con.execute(
            "insert into raw_lms.statements values (?, ?, ?, ?, ?, ?, ?)",
            ["s6", body["timestamp"], body["timestamp"], body["verb"]["id"], "cy.other@example.com"]
            + [body["object"]["id"], json.dumps(body)],
        )
        con.execute("insert into raw_framework.capabilities values ('leadership', 'Leadership', 'Core', 'Leads')")
        con.execute("insert into raw_framework.required_levels values ('da_1', 'leadership', '2', '2023-01-01', null)")


@pytest.fixture(scope="module")
def handmade(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("handmade")
    path = work / "warehouse.duckdb"
    write_raw(path)
    add_fair_gap_cases(path)
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
        " gap_levels, gap_band, is_open_gap, is_new_in_role, cast(role_started_on as text)"
        " from marts.mart_capability_gap where employee_id = 'E00002' and capability_id = 'communication'"
        " and month_start_on in ('2024-06-01', '2024-07-01', '2024-08-01', '2024-09-01', '2024-12-01')"
        " order by month_start_on",
    )
    assert found == [
        ("2024-06-01", "da_1", 2, 2, 0, "intermediate", False, False, "2024-01-15"),  # meets the Analyst I bar
        # promoted: the bar rises, she falls below, but is new in the role (30 and 61 days)
        ("2024-07-01", "da_2", 3, 2, 1, "low", False, True, "2024-07-01"),
        ("2024-08-01", "da_2", 3, 2, 1, "low", False, True, "2024-07-01"),
        ("2024-09-01", "da_2", 3, 2, 1, "low", True, False, "2024-07-01"),  # 91 days: the gap is open
        ("2024-12-01", "da_2", 3, 3, 0, "intermediate", False, False, "2024-07-01"),  # rated 3 on 20 December
    ]
    # The rollup counts her July gap apart from the open gaps (a group of 2: suppressed, so
    # read the rule off the person rows instead).
    july = rows(
        handmade,
        "select sum(case when is_open_gap then 1 else 0 end), sum(case when is_new_in_role and gap_levels >= 1"
        " then 1 else 0 end) from marts.mart_capability_gap where month_start_on = '2024-07-01'",
    )
    assert july == [(2, 2)]  # Cy's Communication and Leadership are open; Bea's two new-role gaps are not


def test_expired_rating_counts_as_not_assessed(handmade: Path) -> None:
    found = rows(
        handmade,
        "select cast(month_start_on as text), manager_assessed_level, gap_levels, gap_band,"
        " cast(assessed_on as text), assessment_age_days, is_assessment_expired"
        " from marts.mart_capability_gap where employee_id = 'E00004' and capability_id = 'communication'"
        " and month_start_on in ('2024-05-01', '2024-06-01') order by month_start_on",
    )
    assert found == [
        ("2024-05-01", 2, 0, "intermediate", "2023-06-20", 346, False),
        ("2024-06-01", None, None, "not_assessed", "2023-06-20", 376, True),  # older than 365 days
    ]


def test_peer_ratings_of_one_cycle_are_averaged(handmade: Path) -> None:
    found = rows(
        handmade,
        "select cast(month_start_on as text), peer_assessed_level, peer_rating_count"
        " from marts.mart_capability_gap where employee_id = 'E00002' and capability_id = 'communication'"
        " and month_start_on in ('2024-10-01', '2024-11-01', '2024-12-01') order by month_start_on",
    )
    assert found == [("2024-10-01", None, None), ("2024-11-01", 2.5, 2), ("2024-12-01", 2.5, 2)]


def test_failed_lms_test_gives_no_level(handmade: Path) -> None:
    found = rows(
        handmade,
        "select capability_id, test_assessed_level from marts.mart_capability_gap"
        " where employee_id = 'E00003' and month_start_on = '2024-12-01' order by capability_id",
    )
    # Communication: failed CRS-001 (no level); Data Literacy: passed CRS-002 (its target, 3).
    assert found == [("communication", None), ("data_literacy", 3), ("leadership", None)]
    tests = rows(
        handmade,
        "select source_record_id, assessed_level from intermediate.int_capability__assessments_unified"
        " where rater_type = 'test' order by source_record_id",
    )
    assert tests == [("s4", 3)]


def test_content_gap_report(handmade: Path) -> None:
    found = rows(
        handmade,
        "select report_type, cast(month_start_on as text), job_profile_id, course_id, capability_id,"
        " required_level, is_suppressed, employee_count, followed_up_count, still_open_count, still_open_share"
        " from marts.mart_content_gap order by report_type, month_start_on, capability_id",
    )
    months = ["2024-06-01", "2024-07-01", "2024-08-01", "2024-09-01", "2024-10-01", "2024-11-01", "2024-12-01"]
    assert found == [
        ("no_targeting_course", m, "da_1", None, "leadership", 2, True, None, None, None, None) for m in months
    ]


def test_alignment_share(handmade: Path) -> None:
    person = rows(
        handmade,
        "select sum(learning_hours), sum(aligned_learning_hours), sum(unassessed_learning_hours),"
        " sum(aligned_learning_hours) / (sum(learning_hours) - sum(unassessed_learning_hours))"
        " from marts.mart_learning_alignment where employee_id = 'E00002'",
    )
    # Over assessed hours: 6 / (8 - 2) = 1.0 (it was 6 / 8 = 0.75 with the unassessed 2 h as misaligned).
    assert person == [(pytest.approx(8.0), pytest.approx(6.0), pytest.approx(2.0), pytest.approx(1.0))]
    by_month = rows(
        handmade,
        "select cast(month_start_on as text), course_id, learning_hours, unassessed_learning_hours, alignment_share"
        " from marts.mart_learning_alignment where employee_id = 'E00002' order by month_start_on, course_id",
    )
    assert by_month == [
        ("2024-05-01", "CRS-003", pytest.approx(2.0), pytest.approx(2.0), None),  # before any manager rating
        ("2024-08-01", "CRS-001", pytest.approx(4.0), 0.0, 1.0),  # new in role: learning for the new bar counts
        ("2024-08-01", "CRS-002", pytest.approx(2.0), 0.0, 1.0),
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
    # Dee (fair-gap cases) is in the HRIS and the performance tool, not the LMS.
    assert report == [("hris", 4, 4, 0, 0), ("lms", 3, 2, 0, 1), ("performance", 4, 4, 0, 0)]
    unmatched = rows(
        handmade,
        "select source_identifier from intermediate.int_identity__source_identities where match_status = 'unmatched'",
    )
    assert unmatched == [("contractor@partner.example",)]


# --- training spend and ROI, worked out by hand ------------------------------------------
#
# Finance for CRS-001 in 2024: a vendor invoice of 900.00 for Q3 with three participants,
# 300 each: Bea (started 5 August, completed the same day), the contractor (2 September,
# completed) and Cy, who started on 10 September (added below, with no hours logged) and
# completed only on 3 February 2025. A classroom session on 20 August with an instructor
# fee of 800.00 and a venue of 200.00 (August's only learner is Bea). Bea's 4 h on CRS-001
# as a Data Analyst II (level 2: 54 000 a year in seeds/pay_bands.csv) cost
# 4 x 54 000 x 1.30 / 1 720 = 163.2558 at the default loaded-pay variables; the
# contractor's time is not on the payroll.
# Completion cohorts: 2024 = Bea and the contractor (one completer employee, Bea), with
# delivery 300 + 300 + 800 + 200 = 1 600, participant time 163.2558 and the declared
# allocations 10 % + 15 % + 5 % of delivery = 480: fully loaded 2 243.2558. 2025 = Cy,
# whose 2024 seat (300) is paired with his 2025 completion: 300 + 90 = 390.
# The impact engine estimates +0.4 rating points (CI 0.1-0.7) for CRS-001, estimated and
# significant after adjustment: each cohort's benefit is 0.4 x 10 000 (default value of a
# point per person-year) x 1 year x 1 completer = 4 000 (1 000-7 000).
# CRS-002 (Bea 2 h in August at level 2: 81.6279; Cy 1 h 30 at level 1:
# 1.5 x 42 000 x 1.30 / 1 720 = 47.6163) has insufficient evidence; CRS-003 (Bea 2 h in
# May as a Data Analyst I: 2 x 42 000 x 1.30 / 1 720 = 63.4884) has no plan.
FINANCE = {
    "vendor_invoices": (
        ["invoice_id", "vendor", "course_id", "invoice_date", "period_start", "period_end", "seats", "amount"]
        + ["currency", "source_file"],
        [("INV-1", "Vendor", "CRS-001", "2024-09-30", "2024-07-01", "2024-09-30", "3", "900.00", "EUR", "f.csv")],
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
# Cy starts CRS-001 in the invoice's quarter and completes it the next year.
COHORT_STATEMENTS = [
    ("r1", "2024-09-10T09:00:00Z", "attempted", "cy.other@example.com", "CRS-001"),
    ("r2", "2025-02-03T09:00:00Z", "completed", "cy.other@example.com", "CRS-001"),
]
IMPACT_COLUMNS = (
    "plan_id varchar, plan_version varchar, programme_id varchar, outcome varchar, outcome_unit varchar,"
    " method varchar, estimate double, std_error double, ci_low double, ci_high double, p_value double,"
    " p_value_adjusted double, significant boolean, n_treated integer, n_comparison integer,"
    " pretrend_p_value double, mde double, min_effect_of_interest double, status varchar,"
    " status_reason varchar, conclusion varchar, horizon_periods integer, comparison_rule varchar,"
    " estimated_at timestamp, run_id varchar"
)
IMPACT = [
    # CRS-001 estimated and significant after adjustment; CRS-002 without enough evidence;
    # CRS-003 not evaluated at all.
    ("plan", "1", "CRS-001", "review_rating", "points", "did_staggered", 0.4, 0.15, 0.1, 0.7, 0.01, 0.03, True)
    + (1, 2, 0.5, 0.2, 0.3, "estimated", "", "positive effect", 2, "not yet treated", "2025-01-15 00:00:00")
    + ("run-1",),
    ("plan", "1", "CRS-002", "review_rating", "points", "did_staggered", 0.3, 0.4, -0.5, 1.1, 0.45, 0.9, False)
    + (2, 1, 0.5, 0.9, 0.1, "insufficient evidence", "too few treated", "not evaluated", 2, "not yet treated")
    + ("2025-01-15 00:00:00", "run-1"),
]
TIME_COST = 4 * 54_000 * 1.30 / 1_720  # Bea's 4 h on CRS-001
COST_2024 = 1_600 * 1.30 + TIME_COST  # delivery + 30 % allocated + participant time
COST_2025 = 300 * 1.30  # Cy's seat + 30 % allocated
OTHER_COST = 2 * 54_000 * 1.30 / 1_720 + 1.5 * 42_000 * 1.30 / 1_720 + 2 * 42_000 * 1.30 / 1_720


def _add_statements(con: duckdb.DuckDBPyConnection, statements: list[tuple]) -> None:
    """Append xAPI statements (no duration, no score) to raw_lms.statements."""
    for sid, ts, verb, login, course in statements:
        body = {
            "id": sid,
            "timestamp": ts,
            "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
            "actor": {"account": {"name": login}},
            "object": {
                "id": f"https://lms.example/courses/{course}",
                "definition": {"name": {"en-US": f"Course {course}"}},
            },
            "result": {"completion": verb == "completed"},
        }
        con.execute(
            "insert into raw_lms.statements values (?, ?, ?, ?, ?, ?, ?)",
            [sid, ts, ts, body["verb"]["id"], login, body["object"]["id"], json.dumps(body)],
        )


@pytest.fixture(scope="module")
def handmade_roi(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-made org with finance exports, built in the two dbt steps of a real run:
    everything but `impact_downstream` first, then (after the impact engine wrote its
    table) the models that read the estimates."""
    work = tmp_path_factory.mktemp("handmade_roi")
    path = work / "warehouse.duckdb"
    write_raw(path)
    with duckdb.connect(str(path)) as con:
        _add_statements(con, COHORT_STATEMENTS)
        con.execute("create schema raw_finance")
        for name, (columns, table_rows) in FINANCE.items():
            _table(con, f"raw_finance.{name}", columns, table_rows)
    env = {**os.environ, "WAREHOUSE_PATH": str(path)}
    # Only these marts and what they read (no Docebo data here); `cautious`: no tests of
    # marts left out, such as relationships from other marts to dim_course.
    select = ["--select", "+fct_training_spend", "+mart_training_portfolio", "+mart_training_roi_sensitivity"]
    select += ["+dim_course", "+dim_org_unit", "+dim_date", "--indirect-selection", "cautious"]
    first = dbt(["build", "--target", "duckdb", *select], env, work)
    assert first.returncode == 0, first.stdout[-6000:] + first.stderr[-3000:]
    # Before the engine has run, every programme lacks a plan, with no benefit.
    assert rows(path, "select distinct evaluation_reason, benefit_amount from marts.mart_training_roi") == [
        ("no_plan", None)
    ]
    with duckdb.connect(str(path)) as con:
        con.execute(f"create table marts.mart_learning_impact ({IMPACT_COLUMNS})")
        con.executemany(f"insert into marts.mart_learning_impact values ({', '.join(['?'] * 25)})", IMPACT)
    # The second step: the `impact_downstream` models these marts read (not the other
    # readers of the engine, whose inputs this fixture does not build).
    finance = ["tag:impact_downstream,+mart_training_portfolio", "tag:impact_downstream,+mart_training_roi_sensitivity"]
    second = dbt(["build", "--target", "duckdb", "--select", *finance], env, work)
    assert second.returncode == 0, second.stdout[-6000:] + second.stderr[-3000:]
    assert summary(second)["error"] == 0
    return path


def test_training_spend_of_one_programme(handmade_roi: Path) -> None:
    spend = rows(
        handmade_roi,
        "select cost_type, coalesce(org_unit_id, '-'), cast(month_start_on as text), participant_count, amount"
        " from marts.fct_training_spend where programme_id = 'CRS-001' order by cost_type, month_start_on, 2",
    )
    assert spend == [
        ("instructor", "data-analytics", "2024-08-01", 1, pytest.approx(800.0)),
        ("participant_time", "data-analytics", "2024-08-01", 1, pytest.approx(TIME_COST)),
        ("vendor", "data-analytics", "2024-08-01", 1, pytest.approx(300.0)),  # Bea's seat
        ("vendor", "-", "2024-09-01", 1, pytest.approx(300.0)),  # the contractor's seat
        ("vendor", "data-analytics", "2024-09-01", 1, pytest.approx(300.0)),  # Cy's seat
        ("venue", "data-analytics", "2024-08-01", 1, pytest.approx(200.0)),
    ]


def test_roi_pairs_cost_and_benefit_of_the_same_cohort(handmade_roi: Path) -> None:
    """Cy's 2024 seat is paid in the year he started but belongs to the 2025 cohort, in
    which he completed: the 2024 cohort carries only Bea's and the contractor's cost."""
    roi = rows(
        handmade_roi,
        "select cohort_year_number, participant_count, completer_count, delivery_cost_amount,"
        " participant_time_cost_amount, design_development_cost_amount, ld_staff_admin_cost_amount,"
        " evaluation_cost_amount, fully_loaded_cost_amount, is_evaluated, evaluation_reason, benefit_amount,"
        " benefit_low_amount, benefit_high_amount, roi_pct, roi_low_pct, roi_high_pct, roi_band,"
        " value_per_rating_point_amount, benefit_years"
        " from marts.mart_training_roi where programme_id = 'CRS-001' order by cohort_year_number",
    )
    assert roi == [
        (
            2024,
            2,  # Bea and the contractor took part
            1,  # only Bea is an employee who completed it
            pytest.approx(1_600.0),
            pytest.approx(TIME_COST),
            pytest.approx(160.0),
            pytest.approx(240.0),
            pytest.approx(80.0),
            pytest.approx(COST_2024),  # about 2 243
            True,
            None,
            pytest.approx(4_000.0),
            pytest.approx(1_000.0),
            pytest.approx(7_000.0),
            pytest.approx((4_000 - COST_2024) / COST_2024 * 100),  # about +78 %
            pytest.approx((1_000 - COST_2024) / COST_2024 * 100),  # about -55 %
            pytest.approx((7_000 - COST_2024) / COST_2024 * 100),  # about +212 %
            "break-even range",
            10_000.0,
            1.0,
        ),
        (
            2025,
            1,  # Cy
            1,
            pytest.approx(300.0),
            pytest.approx(0.0),
            pytest.approx(30.0),
            pytest.approx(45.0),
            pytest.approx(15.0),
            pytest.approx(COST_2025),
            True,
            None,
            pytest.approx(4_000.0),
            pytest.approx(1_000.0),
            pytest.approx(7_000.0),
            pytest.approx((4_000 - COST_2025) / COST_2025 * 100),
            pytest.approx((1_000 - COST_2025) / COST_2025 * 100),
            pytest.approx((7_000 - COST_2025) / COST_2025 * 100),
            "positive",
            10_000.0,
            1.0,
        ),
    ]
    bases = rows(
        handmade_roi,
        "select distinct delivery_cost_basis, participant_time_cost_basis, design_development_cost_basis,"
        " ld_staff_admin_cost_basis, evaluation_cost_basis from marts.mart_training_roi",
    )
    assert bases == [("actual", "actual", "allocated", "allocated", "allocated")]


def test_roi_is_null_with_a_reason_without_a_gated_estimate(handmade_roi: Path) -> None:
    others = rows(
        handmade_roi,
        "select programme_id, cohort_year_number, impact_status, is_evaluated, evaluation_reason, benefit_amount,"
        " roi_pct, roi_band from marts.mart_training_roi where programme_id <> 'CRS-001' order by programme_id",
    )
    assert others == [
        ("CRS-002", 2024, "insufficient evidence", False, "insufficient_evidence", None, None, None),
        ("CRS-003", 2024, None, False, "no_plan", None, None, None),
    ]


def test_roi_sensitivity_of_the_2024_cohort(handmade_roi: Path) -> None:
    """Benefit = 0.4 x value x years x 1 completer: 2 000 / 4 000 / 8 000 per year valued."""
    sensitivity = rows(
        handmade_roi,
        "select value_per_rating_point_amount, benefit_years, is_base_case, benefit_amount, roi_pct"
        " from marts.mart_training_roi_sensitivity where programme_id = 'CRS-001' and cohort_year_number = 2024"
        " order by 1, 2",
    )
    assert len(sensitivity) == 9
    expected = [
        (value, years, value == 10_000 and years == 1, 0.4 * value * years)
        for value in (5_000.0, 10_000.0, 20_000.0)
        for years in (1.0, 2.0, 3.0)
    ]
    for got, (value, years, base, benefit) in zip(sensitivity, expected, strict=True):
        assert got == (
            value,
            years,
            base,
            pytest.approx(benefit),
            pytest.approx((benefit - COST_2024) / COST_2024 * 100),
        )
    unevaluated = rows(
        handmade_roi,
        "select distinct evaluation_reason, roi_pct from marts.mart_training_roi_sensitivity"
        " where programme_id = 'CRS-002'",
    )
    assert unevaluated == [("insufficient_evidence", None)]


def test_portfolio_headline(handmade_roi: Path) -> None:
    portfolio = rows(
        handmade_roi,
        "select period_label, total_spend_amount, evaluated_spend_amount, evaluated_spend_share, roi_pct,"
        " roi_low_pct, roi_high_pct, spend_no_plan_amount, spend_insufficient_evidence_amount"
        " from marts.mart_training_portfolio order by period_label",
    )
    no_plan = 2 * 42_000 * 1.30 / 1_720  # CRS-003
    insufficient = OTHER_COST - no_plan  # CRS-002
    evaluated = COST_2024 + COST_2025
    total = evaluated + OTHER_COST
    assert portfolio == [
        (
            "2024",
            pytest.approx(COST_2024 + OTHER_COST),
            pytest.approx(COST_2024),
            pytest.approx(COST_2024 / (COST_2024 + OTHER_COST)),
            pytest.approx((4_000 - COST_2024) / COST_2024 * 100),
            pytest.approx((1_000 - COST_2024) / COST_2024 * 100),
            pytest.approx((7_000 - COST_2024) / COST_2024 * 100),
            pytest.approx(no_plan),
            pytest.approx(insufficient),
        ),
        (
            "2025",
            pytest.approx(COST_2025),
            pytest.approx(COST_2025),
            pytest.approx(1.0),
            pytest.approx((4_000 - COST_2025) / COST_2025 * 100),
            pytest.approx((1_000 - COST_2025) / COST_2025 * 100),
            pytest.approx((7_000 - COST_2025) / COST_2025 * 100),
            pytest.approx(0.0),
            pytest.approx(0.0),
        ),
        (
            "all years",
            pytest.approx(total),
            pytest.approx(evaluated),
            pytest.approx(evaluated / total),  # about 93 %
            pytest.approx((8_000 - evaluated) / evaluated * 100),
            pytest.approx((2_000 - evaluated) / evaluated * 100),
            pytest.approx((14_000 - evaluated) / evaluated * 100),
            pytest.approx(no_plan),
            pytest.approx(insufficient),
        ),
    ]
