"""Turnover and check-in cadence on a small org written by hand, built with
`dbt build --select +mart_turnover +mart_check_in_cadence`, checked against values worked
out by hand.

The org (BambooHR; org unit Data / Analytics unless said; all hired 2020-01-01 unless said):
  * Mo Boss (E1) manages everyone in Data except Nia.
  * Al, Bo, Cy, Di, Ed (E2-E6): stay throughout.
  * Ray (E7): left 2023-03-31 (Voluntary), re-hired 2023-09-01, still employed. His
    current employee record shows only the re-hire: the first exit lives in the
    employment status history and must count.
  * Ivy (E8): left 2023-06-30 (Involuntary).
  * Nia (E9): hired 2023-07-01, reports to Al.
  * Sal (E10, org unit Sales / Field, job without a pay band): left 2023-10-31 (Voluntary).
  * Tom (E11): hired 2024-01-15, the latest dated event: the data's as-of date, so January
    2024 (and 2024, and the trailing 12 months ending January 2024) are partial.

2023, whole company. Days employed: Mo + Al..Ed 6 x 365 = 2190; Ray 1 Jan-31 Mar (90) +
1 Sep-31 Dec (122) = 212; Ivy 1 Jan-30 Jun 181; Nia 1 Jul-31 Dec 184; Sal 1 Jan-31 Oct
304; total 3071. Average headcount 3071 / 365 = 8.41370; on 1 January it was 9 (Mo, Al-Ed,
Ray, Ivy, Sal). Leavers: Ray (voluntary, his first spell), Ivy (involuntary), Sal
(voluntary) = 3. Turnover 3 / 8.41370 = 0.356561 (not 3 / 9 = 0.3333 on the 1 January
headcount, and not 2 / ... as when only current spells count).
2023, Data: 3071 - 304 = 2767 days, 7.580822 on average; leavers Ray and Ivy: 2 / 7.580822
= 0.263823. Sales: 304 / 365 = 0.83 on average, under 5: suppressed.
Cost: Ray and Ivy hold `Analyst` (job level 1, 42 000 a year in seeds/pay_bands.csv) x 0.21
(default replacement-cost share) = 8 820 each; Sal's `Sales Rep` has no profile, so no pay
band: not costed. Company 2023: 17 640 from 2 costed leavers of 3.
March 2023, company: 9 people all 31 days -> average 9.0; 1 leaver (Ray): 1 / 9.
Trailing 12 months ending December 2023 = the calendar year 2023.
January 2024 (partial, 1-15 January): Mo, Al..Ed, Ray, Nia 8 x 15 = 120 days + Tom 1 day =
121; 121 / 15 = 8.066667; no leavers; period_end_on 2024-01-15.

Check-ins (15Five) cover the weeks ending Friday 5 and 12 January 2024. Mo's reports on
those Fridays: Al, Bo, Cy, Di, Ed and Ray (Nia reports to Al, Tom is not hired yet): 6
reports, 12 report-weeks. Al..Ed checked in both weeks (10), Ray in the first only (1):
11 / 12 = 0.916667. Reviewed: Al, Bo, Cy in week 1, 24 h, 48 h and 12 h after submitting:
3 / 11 reviewed, median response 24 h. Al's manager rated his Communication 1 against the
Analyst bar of 2 (1 December 2023): in January the team has 1 open gap, 1 / 6 per report.
Al, with Nia as his only report, is suppressed.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from expectations import validate_table
from tests.test_dbt_duckdb import dbt, summary
from tests.test_dbt_postgres import postgres  # noqa: F401  (the throwaway PostgreSQL server fixture)
from tests.test_hr_system_of_record import copy_raw_to_postgres
from tests.test_marts_handmade import _table

pytestmark = pytest.mark.slow

START = "2020-01-01"
PEOPLE = [
    # id, first, last, hire (current record), termination (current record), title, dept, division, supervisor id
    ("1", "Mo", "Boss", START, None, "Analyst", "Analytics", "Data", None),
    ("2", "Al", "One", START, None, "Analyst", "Analytics", "Data", "1"),
    ("3", "Bo", "Two", START, None, "Analyst", "Analytics", "Data", "1"),
    ("4", "Cy", "Three", START, None, "Analyst", "Analytics", "Data", "1"),
    ("5", "Di", "Four", START, None, "Analyst", "Analytics", "Data", "1"),
    ("6", "Ed", "Five", START, None, "Analyst", "Analytics", "Data", "1"),
    ("7", "Ray", "Return", "2023-09-01", None, "Analyst", "Analytics", "Data", "1"),
    ("8", "Ivy", "Gone", START, "2023-06-30", "Analyst", "Analytics", "Data", "1"),
    ("9", "Nia", "New", "2023-07-01", None, "Analyst", "Analytics", "Data", "2"),
    ("10", "Sal", "Field", START, "2023-10-31", "Sales Rep", "Field", "Sales", "1"),
    ("11", "Tom", "Late", "2024-01-15", None, "Analyst", "Analytics", "Data", "1"),
]
NAMES = {p[0]: f"{p[2]}, {p[1]}" for p in PEOPLE}
# employee id -> [(date, status, termination type)]
STATUS = {p[0]: [(p[3] if p[0] in ("9", "11") else START, "Full-Time", None)] for p in PEOPLE}
STATUS["7"] += [("2023-03-31", "Terminated", "Voluntary"), ("2023-09-01", "Full-Time", None)]
STATUS["8"] += [("2023-06-30", "Terminated", "Involuntary")]
STATUS["10"] += [("2023-10-31", "Terminated", "Voluntary")]
# employee id -> job record dates (Ray has one per employment period)
JOB_DATES = {p[0]: [START if p[0] not in ("9", "11") else p[3]] for p in PEOPLE}
JOB_DATES["7"] = [START, "2023-09-01"]
# 15Five: (user, Friday, reviewed hours after submission or None)
CHECK_INS = [(u, "2024-01-05", h) for u, h in [("2", 24), ("3", 48), ("4", 12), ("5", None), ("6", None)]]
CHECK_INS += [(u, "2024-01-12", None) for u in ("2", "3", "4", "5", "6")]
CHECK_INS += [("7", "2024-01-05", None), ("9", "2024-01-05", None)]
WEEK_STARTS = {"2024-01-05": "2024-01-01", "2024-01-12": "2024-01-08"}
FRAMEWORK = {
    "capabilities": (
        ["capability_id", "capability_name", "category", "description"],
        [("communication", "Communication", "Core", "Talks")],
    ),
    "job_profiles": (["job_profile_id", "job_title", "job_family", "job_level"], [("an", "Analyst", "data", "1")]),
    "required_levels": (
        ["job_profile_id", "capability_id", "required_level", "effective_from", "effective_to"],
        [("an", "communication", "2", "2020-01-01", None)],
    ),
    "course_capabilities": (["course_id", "capability_id", "target_level"], [("CRS-1", "communication", "3")]),
}


def email(person_id: str) -> str:
    person = next(p for p in PEOPLE if p[0] == person_id)
    return f"{person[1].lower()}.{person[2].lower()}@example.com"


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
                (i, f"E{i}", f, la, f"{la}, {f}", email(i), h, t, "Inactive" if t else "Active", title, dept, div)
                + ("Remote", s, "2024-01-15")
                for i, f, la, h, t, title, dept, div, s in PEOPLE
            ],
        )
        _table(
            con,
            "raw_hris.job_info",
            ["id", "employee_id", "date", "location", "department", "division", "job_title", "reports_to"],
            [
                (f"{i}-{n}", i, d, "Remote", dept, div, title, NAMES[s] if s else None)
                for i, _, _, _, _, title, dept, div, s in PEOPLE
                for n, d in enumerate(JOB_DATES[i])
            ],
        )
        _table(
            con,
            "raw_hris.employment_status",
            ["id", "employee_id", "date", "employment_status", "termination_type_id", "last_changed"],
            [
                (str(n), i, d, status, kind, "2024-01-15")
                for i, rows in STATUS.items()
                for n, (d, status, kind) in enumerate(rows, start=1)
            ],
        )
        _table(
            con,
            "raw_performance.users",
            ["id", "name", "email", "title", "manager_id", "external_user_id"],
            [(f"u{i}", f"{f} {la}", email(i), None, None, f"E{i}") for i, f, la, *_ in PEOPLE],
        )
        _table(
            con,
            "raw_performance.review_cycles",
            ["id", "name", "start_date", "end_date", "state"],
            [("c1", "2023 H2", "2023-07-01", "2023-12-31", "closed")],
        )
        _table(con, "raw_performance.competencies", ["id", "name"], [("k1", "Communication")])
        _table(
            con,
            "raw_performance.reviews",
            ["id", "_dlt_id", "review_cycle_id", "reviewee_id", "reviewer_id", "review_type"]
            + ["submitted_at", "rating", "calibrated_rating"],
            [("r1", "dlt_r1", "c1", "u2", "u1", "downward", "2023-12-01T10:00:00Z", "2", None)],
        )
        _table(
            con,
            "raw_performance.reviews__competency_ratings",
            ["_dlt_id", "_dlt_parent_id", "_dlt_list_idx", "competency_id", "rating"],
            [("dlt_r1_0", "dlt_r1", "0", "k1", "1")],
        )
        con.execute(
            "create table raw_lms.statements (id text, timestamp text, stored text, verb_id text,"
            " actor_account_name text, object_id text, statement json)"
        )
        _table(
            con,
            "raw_performance.fifteen_five_users",
            ["id", "email", "first_name", "last_name", "is_active", "reviewer_id"],
            [(f"ff{i}", email(i), f, la, "true", f"ff{s}" if s else None) for i, f, la, _, _, _, _, _, s in PEOPLE],
        )
        _table(
            con,
            "raw_performance.checkins",
            ["id", "user_id", "week_start", "week_end", "submit_ts", "pulse", "reviewed", "reviewed_ts"],
            [
                (
                    f"ci{n}",
                    f"ff{user}",
                    WEEK_STARTS[friday],
                    friday,
                    f"{friday}T16:00:00Z",
                    "4",
                    "true" if hours else "false",
                    reviewed_at(friday, hours),
                )
                for n, (user, friday, hours) in enumerate(CHECK_INS)
            ],
        )
        for name, (columns, rows) in FRAMEWORK.items():
            _table(con, f"raw_framework.{name}", columns, rows)


def reviewed_at(friday: str, hours: int | None) -> str | None:
    """The review time `hours` after a 16:00 UTC Friday submission."""
    if hours is None:
        return None
    return (datetime.fromisoformat(f"{friday}T16:00:00+00:00") + timedelta(hours=hours)).isoformat()


ORG_SETTINGS = {"HR_SYSTEM_OF_RECORD": "bamboohr", "DISABLED_SOURCES": "culture_amp,workday,learnupon,hr_files"}
SELECT = ["--select", "+mart_turnover", "+mart_check_in_cadence", "+dim_employee"]
SELECT += ["--exclude", "source:raw_lms.docebo_*+", "--indirect-selection", "cautious"]


@pytest.fixture(scope="module")
def org(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("people_metrics")
    path = work / "warehouse.duckdb"
    write_raw(path)
    env = {**os.environ, "WAREHOUSE_PATH": str(path), **ORG_SETTINGS}
    result = dbt(["build", "--target", "duckdb", *SELECT], env, work)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert summary(result)["error"] == 0
    return path


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


TURNOVER = (
    "select coalesce(org_unit_id, 'company'), leaver_count, voluntary_leaver_count, involuntary_leaver_count,"
    " unclassified_leaver_count, average_headcount, turnover_rate, is_partial_period, cast(period_end_on as text),"
    " is_suppressed, costed_leaver_count, turnover_cost_amount from marts.mart_turnover"
)


def test_2023_counts_every_spell_and_divides_by_average_headcount(org: Path) -> None:
    found = rows(org, TURNOVER + " where period_grain = 'year' and period_start_on = '2023-01-01' order by 1")
    data, sales = "data-analytics", "sales-field"
    assert {row[0] for row in found} == {"company", data, sales}
    by_unit = {row[0]: row[1:] for row in found}
    assert by_unit["company"] == (
        3,
        2,
        1,
        0,
        pytest.approx(3071 / 365),
        pytest.approx(3 / (3071 / 365)),
        False,
        "2023-12-31",
        False,
        2,
        pytest.approx(2 * 42000 * 0.21),
    )
    assert by_unit[data] == (
        2,
        1,
        1,
        0,
        pytest.approx(2767 / 365),
        pytest.approx(2 / (2767 / 365)),
        False,
        "2023-12-31",
        False,
        2,
        pytest.approx(17640.0),
    )
    # Sales averages 0.83 people: every measure blank
    assert by_unit[sales] == (None, None, None, None, None, None, False, "2023-12-31", True, None, None)


def test_month_and_trailing_window(org: Path) -> None:
    march = rows(
        org,
        TURNOVER + " where period_grain = 'month' and period_start_on = '2023-03-01' and org_unit_id is null",
    )
    assert march[0][1:7] == (1, 1, 0, 0, pytest.approx(9.0), pytest.approx(1 / 9))
    year = rows(org, TURNOVER + " where period_grain = 'year' and period_start_on = '2023-01-01'")
    trailing = rows(org, TURNOVER + " where period_grain = 'trailing_12_months' and period_start_on = '2023-01-01'")
    assert sorted(trailing) == sorted(year)


def test_the_last_month_is_partial(org: Path) -> None:
    found = rows(
        org,
        "select period_grain, cast(period_start_on as text), leaver_count, average_headcount, is_partial_period,"
        " cast(period_end_on as text) from marts.mart_turnover where org_unit_id is null"
        " and period_end_on = '2024-01-15' order by period_grain",
    )
    assert found == [
        ("month", "2024-01-01", 0, pytest.approx(121 / 15), True, "2024-01-15"),
        # 1 Feb 2023 - 15 Jan 2024: Ray's March exit, Ivy's and Sal's
        ("trailing_12_months", "2023-02-01", 3, pytest.approx(trailing_days() / 349), True, "2024-01-15"),
        ("year", "2024-01-01", 0, pytest.approx(121 / 15), True, "2024-01-15"),
    ]
    # every earlier period is complete
    assert rows(
        org, "select count(*) from marts.mart_turnover where is_partial_period and period_end_on <> '2024-01-15'"
    ) == [(0,)]


def trailing_days() -> int:
    """Person-days from 1 February 2023 to 15 January 2024 (349 days): Mo and Al..Ed 6 x 349;
    Ray 1 Feb-31 Mar (59) + 1 Sep-15 Jan (137); Ivy 1 Feb-30 Jun (150); Nia 1 Jul-15 Jan
    (199); Sal 1 Feb-31 Oct (273); Tom 1."""
    return 6 * 349 + 59 + 137 + 150 + 199 + 273 + 1


def test_check_in_cadence_per_manager(org: Path) -> None:
    found = rows(
        org,
        "select manager_employee_id, org_unit_id, is_suppressed, report_count, report_week_count,"
        " checked_in_report_week_count, check_in_share, reviewed_check_in_share, responded_report_week_count,"
        " median_response_hours, open_gap_count, open_gaps_per_report"
        " from marts.mart_check_in_cadence order by manager_employee_id",
    )
    assert found == [
        (
            "E1",
            "data-analytics",
            False,
            6,
            12,
            11,
            pytest.approx(11 / 12),
            pytest.approx(3 / 11),
            3,
            pytest.approx(24.0),
            1,
            pytest.approx(1 / 6),
        ),
        ("E2", "data-analytics", True, None, None, None, None, None, None, None, None, None),
    ]


# --- Great Expectations suites: pass on the org, and each derived check fails on the one
# corruption a faulty model would make

SUITE_CORRUPTIONS = [
    # (mart, derived column, corruption)
    (
        "mart_turnover",
        "measures_match_suppression",
        "update marts.mart_turnover set leaver_count = 1 where is_suppressed",
    ),
    (
        "mart_turnover",
        "split_adds_up",
        "update marts.mart_turnover set voluntary_leaver_count = 0"
        " where period_grain = 'year' and period_start_on = '2023-01-01' and org_unit_id is null",
    ),
    (
        "mart_turnover",
        "turnover_matches_counts",
        "update marts.mart_turnover set turnover_rate = 3 / 9.0"
        " where period_grain = 'year' and period_start_on = '2023-01-01' and org_unit_id is null",
    ),
    (
        "mart_turnover",
        "costed_within_leavers",
        "update marts.mart_turnover set costed_leaver_count = 4"
        " where period_grain = 'year' and period_start_on = '2023-01-01' and org_unit_id is null",
    ),
    (
        "mart_turnover",
        "partial_only_at_as_of",
        "update marts.mart_turnover set is_partial_period = true"
        " where period_grain = 'month' and period_start_on = '2023-03-01' and org_unit_id is null",
    ),
    (
        "mart_turnover",
        "unit_within_company",
        "update marts.mart_turnover set leaver_count = 3, voluntary_leaver_count = 2, unclassified_leaver_count = 1,"
        " turnover_rate = 3 / average_headcount"
        " where period_grain = 'month' and period_start_on = '2023-03-01' and org_unit_id = 'data-analytics'",
    ),
    (
        "mart_check_in_cadence",
        "measures_match_suppression",
        "update marts.mart_check_in_cadence set report_count = 1 where is_suppressed",
    ),
    (
        "mart_check_in_cadence",
        "share_matches_counts",
        "update marts.mart_check_in_cadence set check_in_share = 1.0 where not is_suppressed",
    ),
    (
        "mart_check_in_cadence",
        "gaps_per_report_matches",
        "update marts.mart_check_in_cadence set open_gaps_per_report = 0.5 where not is_suppressed",
    ),
    (
        "mart_check_in_cadence",
        "response_only_when_responded",
        "update marts.mart_check_in_cadence set responded_report_week_count = 0 where not is_suppressed",
    ),
    (
        "mart_check_in_cadence",
        "manager_in_dim_employee",
        "update marts.mart_check_in_cadence set manager_employee_id = 'E404' where not is_suppressed",
    ),
]


@pytest.mark.parametrize("mart", ["mart_turnover", "mart_check_in_cadence"])
def test_suites_pass_on_the_org(org: Path, mart: str) -> None:
    result = validate_table(org, "marts", mart)
    assert result.error is None, result.error
    assert {(e.expectation_type, e.column) for e in result.failed} == set()


@pytest.mark.parametrize(
    ("mart", "column", "corruption"), SUITE_CORRUPTIONS, ids=[f"{c[0]}:{c[1]}" for c in SUITE_CORRUPTIONS]
)
def test_suite_check_fails_on_its_corruption(
    org: Path, tmp_path: Path, mart: str, column: str, corruption: str
) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(org, copy)
    with duckdb.connect(str(copy)) as con:
        con.execute(corruption)
    result = validate_table(copy, "marts", mart)
    assert result.error is None, result.error
    assert {(e.column, e.severity) for e in result.failed} == {(column, "error")}


def comparable(values: list[tuple]) -> list[tuple]:
    """Rows with numbers rounded, in an order that does not compare None with a value."""
    rounded = [
        tuple(round(float(v), 6) if isinstance(v, float) or type(v).__name__ == "Decimal" else v for v in row)
        for row in values
    ]
    return sorted(rounded, key=repr)


@pytest.mark.postgres
def test_the_same_rows_on_postgres(org: Path, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    """Both marts built from the same raw tables on PostgreSQL equal the DuckDB rows."""
    import psycopg2

    server = request.getfixturevalue("postgres")
    admin = psycopg2.connect(server.credentials)
    admin.autocommit = True  # create database cannot run in a transaction
    with admin.cursor() as cursor:
        cursor.execute("create database people_metrics")
    admin.close()
    credentials = server.credentials.rsplit("/", 1)[0] + "/people_metrics"
    copy_raw_to_postgres(org, credentials)
    env = {**server.env(), "PGDATABASE": "people_metrics", **ORG_SETTINGS}
    result = dbt(["build", "--target", "postgres", *SELECT], env, tmp_path)
    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-3000:]
    assert summary(result)["error"] == 0
    with psycopg2.connect(credentials) as pg, pg.cursor() as cursor:
        for mart in ("mart_turnover", "mart_check_in_cadence"):
            cursor.execute(f"select * from marts.{mart}")
            on_postgres = comparable(cursor.fetchall())
            assert on_postgres == comparable(rows(org, f"select * from marts.{mart}")), mart
            assert on_postgres, f"{mart} is empty"
