"""Great Expectations suites against small DuckDB warehouses built in tmp_path.

A valid warehouse passes every suite; each corruption fails exactly the expectation that
guards against it, with the offending values reported; the CLI's exit status follows.
These hand-made warehouses hold four of the guarded tables, loaded on 2025-01-01, so the
freshness window is widened here (EXPECTATIONS_MAX_LOAD_AGE_HOURS); tests/test_quality.py
validates every suite on a real demo warehouse.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` from the repo root
    sys.path.insert(0, str(ROOT))

from expectations import SuiteFileError, load_suites, validate_all, validate_table  # noqa: E402
from expectations.__main__ import _display_name, main  # noqa: E402
from expectations.runner import build_gx_suite  # noqa: E402

# 2025-01-01T00:00:00Z, as dlt writes a load id (Unix time with a fraction).
LOAD_ID = "1735689600.123456"

WAREHOUSE_SQL = f"""
create schema raw_hris;
create schema raw_performance;
create schema marts;

create table raw_hris.employees (
    id varchar, employee_number varchar, first_name varchar, last_name varchar,
    display_name varchar, work_email varchar, hire_date varchar, termination_date varchar,
    status varchar, job_title varchar, department varchar, division varchar,
    location varchar, supervisor_e_id varchar, last_changed varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_hris.employees values
    ('101', 'E00001', 'Ada', 'Lovelace', 'Lovelace, Ada', 'ada.lovelace@northwind.example',
     '2020-01-15', null, 'Active', 'Head of Engineering', 'Engineering', 'Product',
     'London', null, '2024-12-01T09:00:00Z', '{LOAD_ID}', 'd1'),
    ('102', 'E00002', 'Alan', 'Turing', 'Turing, Alan', 'alan.turing@northwind.example',
     '2021-06-01', null, 'Active', 'Engineer', 'Engineering', 'Product',
     'London', '101', '2024-12-01T09:00:00Z', '{LOAD_ID}', 'd2'),
    ('103', 'E00003', 'Grace', 'Hopper', 'Hopper, Grace', 'grace.hopper@northwind.example',
     '2019-03-10', '2024-05-31', 'Inactive', 'Engineer', 'Engineering', 'Product',
     'Boston', '101', '2024-06-01T09:00:00Z', '{LOAD_ID}', 'd3');

create table raw_performance.review_cycles (
    id varchar, name varchar, start_date varchar, end_date varchar, state varchar,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_performance.review_cycles values
    ('C1', '2024 H1', '2024-01-01', '2024-06-30', 'COMPLETED', '{LOAD_ID}', 'c1');

create table raw_performance.reviews (
    id varchar, review_cycle_id varchar, reviewee_id varchar, reviewer_id varchar,
    review_type varchar, submitted_at varchar, rating bigint, calibrated_rating bigint,
    _dlt_load_id varchar, _dlt_id varchar
);
insert into raw_performance.reviews values
    ('R1', 'C1', 'L2', 'L2', 'self', '2024-07-01T10:00:00Z', 4, null, '{LOAD_ID}', 'r1'),
    ('R2', 'C1', 'L2', 'L1', 'downward', '2024-07-02T10:00:00Z', 3, 4, '{LOAD_ID}', 'r2'),
    ('R3', 'C1', 'L3', 'L2', 'peer', '2024-07-03T10:00:00Z', 5, 5, '{LOAD_ID}', 'r3');

create table marts.mart_capability_gap (
    month_start_on date, employee_id varchar, capability_id varchar, org_unit_id varchar,
    job_profile_id varchar, job_level integer, required_level integer,
    manager_assessed_level integer, self_assessed_level integer, gap_levels integer,
    gap_band varchar, perception_gap integer, is_open_gap boolean, peer_assessed_level double precision,
    test_assessed_level integer, is_new_in_role boolean, role_started_on date, assessed_on date,
    assessment_age_days integer, is_assessment_expired boolean, peer_rating_count integer
);
insert into marts.mart_capability_gap values
    ('2024-06-01', 'E00001', 'CAP-01', 'product-engineering', 'JP-ENG', 3, 3, 2, 3, 1, 'low', 1, true,
     2.5, null, false, '2023-01-01', '2024-06-10', 20, false, 2),
    ('2024-06-01', 'E00001', 'CAP-02', 'product-engineering', 'JP-ENG', 3, 3, 3, 3, 0, 'intermediate', 0, false,
     null, null, false, '2023-01-01', '2024-06-10', 20, false, null),
    ('2024-06-01', 'E00002', 'CAP-01', 'product-engineering', 'JP-ENG', 2, 2, 4, 4, -2, 'high', 0, false,
     null, null, false, '2021-06-01', '2024-01-15', 167, false, null),
    ('2024-06-01', 'E00003', 'CAP-01', 'product-engineering', 'JP-ENG', 2, 4, null, 2, null, 'not_assessed',
     null, false, null, null, false, '2019-03-10', '2023-03-01', 487, true, null),
    ('2024-07-01', 'E00001', 'CAP-01', 'product-engineering', 'JP-ENG', 3, 3, 3, 3, 0, 'intermediate', 0, false,
     null, null, false, '2023-01-01', '2024-07-05', 26, false, null);

create table marts.dim_employee (
    employee_key varchar, employee_id varchar, full_name varchar, work_email varchar,
    org_unit_id varchar, job_profile_id varchar, job_level integer,
    manager_employee_id varchar, employment_status varchar, hire_date date,
    termination_date date, valid_from date, valid_to date, is_current boolean
);
insert into marts.dim_employee values
    ('E00001-2020-01-15', 'E00001', 'Ada Lovelace', 'ada.lovelace@northwind.example',
     'product-engineering', 'JP-ENG', 2, null, 'Active', '2020-01-15', null,
     '2020-01-15', '2023-01-01', false),
    ('E00001-2023-01-01', 'E00001', 'Ada Lovelace', 'ada.lovelace@northwind.example',
     'product-engineering', 'JP-ENG', 3, null, 'Active', '2020-01-15', null,
     '2023-01-01', null, true),
    ('E00002-2021-06-01', 'E00002', 'Alan Turing', 'alan.turing@northwind.example',
     'product-engineering', 'JP-ENG', 2, 'E00001', 'Active', '2021-06-01', null,
     '2021-06-01', null, true),
    ('E00003-2019-03-10', 'E00003', 'Grace Hopper', 'grace.hopper@northwind.example',
     'product-engineering', 'JP-ENG', 2, 'E00001', 'Inactive', '2019-03-10', '2024-05-31',
     '2019-03-10', null, true);
"""

SUITE_NAMES = [
    "marts.dim_employee",
    "marts.mart_capability_gap",
    "raw_hris.employees",
    "raw_performance.reviews",
]
# dim_employee's orphan-key checks read these dims: the small warehouse has them empty-free
WAREHOUSE_SQL += """
create table marts.dim_org_unit (org_unit_id varchar, org_unit_name varchar, division_name varchar);
insert into marts.dim_org_unit values ('product-engineering', 'Engineering', 'Product');
create table marts.dim_job (job_profile_id varchar, job_title varchar, job_family varchar, job_level integer);
insert into marts.dim_job values ('JP-ENG', 'Engineer', 'engineering', 2);
create table marts.dim_capability (capability_id varchar, capability_name varchar, category varchar);
insert into marts.dim_capability values ('CAP-01', 'One', 'Core'), ('CAP-02', 'Two', 'Core');
create table marts.dim_date (
    date_day date, month_start_on date, year_number integer, month_number integer, quarter_number integer
);
insert into marts.dim_date values ('2024-06-01', '2024-06-01', 2024, 6, 2), ('2024-07-01', '2024-07-01', 2024, 7, 3);
"""
ALL_SUITES = [
    "marts.bridge_course_capability",
    "marts.bridge_goal_capability",
    "marts.dim_business_goal",
    "marts.dim_capability",
    "marts.dim_course",
    "marts.dim_date",
    "marts.dim_employee",
    "marts.dim_employee_protected",
    "marts.dim_job",
    "marts.dim_kpi",
    "marts.dim_org_unit",
    "marts.fct_capability_assessment",
    "marts.fct_check_in",
    "marts.fct_goal",
    "marts.fct_kpi_value",
    "marts.fct_learning_activity",
    "marts.fct_review",
    "marts.fct_training_spend",
    "marts.mart_bench_strength",
    "marts.mart_calibration_shift",
    "marts.mart_capability_gap",
    "marts.mart_capability_gap_by_job_profile",
    "marts.mart_capability_gap_by_org_unit",
    "marts.mart_check_in_cadence",
    "marts.mart_cmi5_attempts",
    "marts.mart_content_gap",
    "marts.mart_goal_impact",
    "marts.mart_hr_data_health",
    "marts.mart_identity_match_report",
    "marts.mart_learning_alignment",
    "marts.mart_learning_effectiveness",
    "marts.mart_learning_impact",
    "marts.mart_learning_impact_balance",
    "marts.mart_learning_recommendations",
    "marts.mart_load_reconciliation",
    "marts.mart_nine_box",
    "marts.mart_nine_box_by_org_unit",
    "marts.mart_rater_calibration",
    "marts.mart_rating_bias_audit",
    "marts.mart_retention",
    "marts.mart_succession_candidates",
    "marts.mart_training_budget",
    "marts.mart_training_portfolio",
    "marts.mart_training_roi",
    "marts.mart_training_roi_sensitivity",
    "marts.mart_turnover",
    "marts.mart_xapi_conformance",
    "raw_finance.course_prices",
    "raw_finance.instructor_costs",
    "raw_finance.vendor_invoices",
    "raw_finance.venue_costs",
    "raw_framework.capabilities",
    "raw_framework.course_capabilities",
    "raw_framework.job_profiles",
    "raw_framework.required_levels",
    "raw_hris.employees",
    "raw_hris.employment_status",
    "raw_hris.hr_file_records",
    "raw_hris.job_info",
    "raw_hris.workday_workers",
    "raw_lms.docebo_courses",
    "raw_lms.docebo_enrollments",
    "raw_lms.docebo_external_training",
    "raw_lms.docebo_learning_plans",
    "raw_lms.docebo_learning_plans__courses",
    "raw_lms.docebo_users",
    "raw_lms.statements",
    "raw_performance.checkins",
    "raw_performance.competencies",
    "raw_performance.culture_amp_employees",
    "raw_performance.culture_amp_manager_reviews",
    "raw_performance.culture_amp_performance_cycles",
    "raw_performance.feedbacks",
    "raw_performance.fifteen_five_users",
    "raw_performance.goals",
    "raw_performance.review_cycles",
    "raw_performance.reviews",
    "raw_performance.reviews__competency_ratings",
    "raw_performance.users",
]


@pytest.fixture(autouse=True)
def _old_loads_are_fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The fixture data was loaded on 2025-01-01; keep Data Docs inside tmp_path."""
    monkeypatch.setenv("EXPECTATIONS_MAX_LOAD_AGE_HOURS", "1000000")
    monkeypatch.setenv("QUALITY_DIR", str(tmp_path / "quality"))


def build_warehouse(path: Path, *corruptions: str) -> Path:
    """A DuckDB file with the contract tables, valid, then each corruption statement."""
    con = duckdb.connect(str(path))
    try:
        con.execute(WAREHOUSE_SQL)
        for statement in corruptions:
            con.execute(statement)
    finally:
        con.close()
    return path


def failures(result) -> set[tuple[str, str | None, str]]:
    """(expectation type, column, severity) of each failed expectation."""
    return {(o.expectation_type, o.column, o.severity) for o in result.failed}


def only_failure(result):
    assert len(result.failed) == 1, [(o.expectation_type, o.column) for o in result.failed]
    return result.failed[0]


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "warehouse.duckdb")


# --- valid data -----------------------------------------------------------------------


def test_valid_warehouse_passes_every_suite(warehouse: Path) -> None:
    results = validate_all(str(warehouse), SUITE_NAMES)

    assert [r.suite for r in results] == SUITE_NAMES
    by_suite = {r.suite: r for r in results}
    assert {s: r.row_count for s, r in by_suite.items()} == {
        "marts.dim_employee": 4,
        "marts.mart_capability_gap": 5,
        "raw_hris.employees": 3,
        "raw_performance.reviews": 3,
    }
    for result in results:
        assert result.error is None
        assert result.failed == (), (result.suite, failures(result))
        assert result.success
        # one outcome per expectation in the file, all actually evaluated
        assert len(result.expectations) == len(load_suites()[result.suite].expectations)
        assert all(o.exception is None for o in result.expectations)

    employees = by_suite["raw_hris.employees"]
    row_count = next(o for o in employees.expectations if o.expectation_type == "expect_table_row_count_to_be_between")
    assert row_count.observed_value == 3
    assert row_count.kwargs == {"min_value": 1}  # no earlier run: only "not empty"
    id_unique = next(
        o
        for o in employees.expectations
        if (o.expectation_type, o.column) == ("expect_column_values_to_be_unique", "id")
    )
    assert (id_unique.element_count, id_unique.unexpected_count) == (3, 0)


def test_results_keep_suite_file_order_and_severity(warehouse: Path) -> None:
    result = validate_table(str(warehouse), "raw_performance", "reviews")

    assert [(o.expectation_type, o.column, o.severity) for o in result.expectations] == [
        ("expect_column_values_to_not_be_null", "id", "error"),
        ("expect_column_values_to_be_unique", "id", "error"),
        ("expect_column_values_to_not_be_null", "reviewee_id", "error"),
        ("expect_column_values_to_be_in_set", "review_type", "error"),
        ("expect_column_values_to_be_between", "rating", "error"),
        ("expect_column_values_to_be_between", "calibrated_rating", "error"),
        ("expect_column_values_to_not_be_null", "review_cycle_id", "error"),
        ("expect_column_values_to_be_in_set", "cycle_exists", "error"),
        ("expect_column_values_to_not_be_null", "submitted_at", "error"),
        ("expect_table_row_count_to_be_between", None, "error"),
        ("expect_column_min_to_be_between", "load_age_hours", "error"),
    ]
    # calibrated_rating has one null: checked on the two non-null values only
    calibrated = result.expectations[5]
    assert (calibrated.element_count, calibrated.unexpected_count) == (3, 0)


# --- corruptions: each fails exactly the expectation that guards against it -----------


def test_null_employee_id_fails_not_null(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb", "update raw_hris.employees set id = null where employee_number = 'E00002'"
    )
    result = validate_table(str(path), "raw_hris", "employees")

    assert not result.success
    failed = only_failure(result)
    assert (failed.expectation_type, failed.column, failed.severity) == (
        "expect_column_values_to_not_be_null",
        "id",
        "error",
    )
    assert (failed.unexpected_count, failed.element_count) == (1, 3)


def test_duplicate_review_id_fails_unique(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "insert into raw_performance.reviews values "
        f"('R2', 'C1', 'L3', 'L1', 'downward', '2024-07-04T10:00:00Z', 2, null, '{LOAD_ID}', 'r4')",
    )
    result = validate_table(str(path), "raw_performance", "reviews")

    assert not result.success
    failed = only_failure(result)
    assert (failed.expectation_type, failed.column) == ("expect_column_values_to_be_unique", "id")
    assert failed.unexpected_count == 2  # both rows carrying R2
    assert failed.element_count == 4
    assert failed.unexpected_sample == ("R2", "R2")


def test_off_scale_rating_fails_between(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "w.duckdb", "update raw_performance.reviews set rating = 7 where id = 'R2'")
    result = validate_table(str(path), "raw_performance", "reviews")

    failed = only_failure(result)
    assert (failed.expectation_type, failed.column, failed.severity) == (
        "expect_column_values_to_be_between",
        "rating",
        "error",
    )
    assert failed.kwargs == {"column": "rating", "min_value": 1, "max_value": 5}
    assert failed.unexpected_count == 1
    assert failed.unexpected_sample == (7,)
    assert not result.success


def test_unknown_review_type_fails_in_set(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb", "update raw_performance.reviews set review_type = '360' where id = 'R3'"
    )
    failed = only_failure(validate_table(str(path), "raw_performance", "reviews"))

    assert (failed.expectation_type, failed.column) == ("expect_column_values_to_be_in_set", "review_type")
    assert failed.unexpected_sample == ("360",)


def test_band_contradicting_gap_fails_band_matches_gap(tmp_path: Path) -> None:
    # gap 1 means "low" (to develop); calling it "high" (exceeds) is a valid band name
    # but the wrong one, so only the consistency check can catch it.
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_capability_gap set gap_band = 'high' "
        "where employee_id = 'E00001' and capability_id = 'CAP-01' and month_start_on = '2024-06-01'",
    )
    result = validate_table(str(path), "marts", "mart_capability_gap")

    failed = only_failure(result)
    assert (failed.expectation_type, failed.column, failed.severity) == (
        "expect_column_values_to_be_in_set",
        "band_matches_gap",
        "error",
    )
    assert (failed.unexpected_count, failed.element_count) == (1, 5)
    assert failed.unexpected_sample == (False,)
    assert not result.success


def test_not_assessed_band_with_a_gap_fails_band_matches_gap(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_capability_gap set gap_band = 'not_assessed' where gap_levels = -2",
    )
    failed = only_failure(validate_table(str(path), "marts", "mart_capability_gap"))

    assert failed.column == "band_matches_gap"
    assert failed.unexpected_count == 1


def test_low_band_without_a_gap_fails_band_matches_gap(tmp_path: Path) -> None:
    # A null gap makes the SQL comparison null; the check must count it, not skip it.
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_capability_gap set manager_assessed_level = null, gap_levels = null, "
        "perception_gap = null, is_open_gap = false where gap_band = 'low'",
    )
    failed = only_failure(validate_table(str(path), "marts", "mart_capability_gap"))

    assert failed.column == "band_matches_gap"
    assert (failed.unexpected_count, failed.element_count) == (1, 5)


def test_duplicate_grain_fails_compound_unique(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "insert into marts.mart_capability_gap values ('2024-07-01', 'E00001', 'CAP-01', "
        "'product-engineering', 'JP-ENG', 3, 3, 3, 3, 0, 'intermediate', 0, false, "
        "null, null, false, '2023-01-01', '2024-07-05', 26, false, null)",
    )
    failed = only_failure(validate_table(str(path), "marts", "mart_capability_gap"))

    assert failed.expectation_type == "expect_compound_columns_to_be_unique"
    assert failed.column == "month_start_on, employee_id, capability_id"
    assert failed.unexpected_count == 2


def test_gap_out_of_range_fails_between(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_capability_gap set gap_levels = 5, required_level = 6 "
        "where employee_id = 'E00001' and capability_id = 'CAP-02'",
    )
    result = validate_table(str(path), "marts", "mart_capability_gap")

    # gap 5 is still >= 1, but the band says intermediate and the row is not an open gap;
    # 6 - 3 is not 5: the consistency checks fail too
    assert failures(result) == {
        ("expect_column_values_to_be_between", "required_level", "error"),
        ("expect_column_values_to_be_between", "gap_levels", "error"),
        ("expect_column_values_to_be_in_set", "band_matches_gap", "error"),
        ("expect_column_values_to_be_in_set", "gap_matches_levels", "error"),
        ("expect_column_values_to_be_in_set", "open_gap_matches_gap", "error"),
    }
    gap = next(o for o in result.failed if o.column == "gap_levels")
    assert gap.unexpected_sample == (5,)


def test_two_current_rows_for_one_employee_fail(tmp_path: Path) -> None:
    # Reopen Ada's closed history row: both her rows are now current and open.
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.dim_employee set is_current = true, valid_to = null where employee_key = 'E00001-2020-01-15'",
    )
    result = validate_table(str(path), "marts", "dim_employee")

    failed = only_failure(result)
    assert (failed.expectation_type, failed.column) == (
        "expect_column_values_to_be_between",
        "current_rows_for_employee",
    )
    assert (failed.unexpected_count, failed.element_count) == (2, 4)  # both of Ada's rows
    assert failed.unexpected_sample == (2, 2)
    assert not result.success


def test_employee_without_current_row_fails(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.dim_employee set is_current = false, valid_to = '2024-06-01' where employee_id = 'E00002'",
    )
    failed = only_failure(validate_table(str(path), "marts", "dim_employee"))

    assert failed.column == "current_rows_for_employee"
    assert failed.unexpected_sample == (0,)


def test_current_flag_on_closed_row_fails(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.dim_employee set valid_to = '2024-01-01' where employee_id = 'E00002'",
    )
    failed = only_failure(validate_table(str(path), "marts", "dim_employee"))

    assert failed.column == "is_current_matches_valid_to"
    assert failed.unexpected_count == 1


def test_duplicate_employee_key_fails_unique(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.dim_employee set employee_key = 'E00002-2021-06-01' where employee_id = 'E00003'",
    )
    failed = only_failure(validate_table(str(path), "marts", "dim_employee"))

    assert (failed.expectation_type, failed.column) == ("expect_column_values_to_be_unique", "employee_key")
    assert failed.unexpected_sample == ("E00002-2021-06-01", "E00002-2021-06-01")


def test_unparseable_hire_date_fails_strftime(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb", "update raw_hris.employees set hire_date = '2021-13-01' where id = '102'"
    )
    result = validate_table(str(path), "raw_hris", "employees")

    # the derived day count is null for it, so only the format check speaks
    failed = only_failure(result)
    assert (failed.expectation_type, failed.column) == (
        "expect_column_values_to_match_strftime_format",
        "hire_date",
    )
    assert failed.unexpected_sample == ("2021-13-01",)


def test_future_hire_date_and_bad_email_are_warnings_only(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update raw_hris.employees set hire_date = '2025-03-01' where id = '102'",
        "update raw_hris.employees set work_email = 'grace.hopper' where id = '103'",
    )
    result = validate_table(str(path), "raw_hris", "employees")

    assert failures(result) == {
        ("expect_column_values_to_be_between", "hire_days_after_load", "warn"),
        ("expect_column_values_to_match_regex", "work_email", "warn"),
    }
    future = next(o for o in result.failed if o.column == "hire_days_after_load")
    assert future.unexpected_sample == (59,)  # 2025-03-01 is 59 days after the 2025-01-01 load
    assert result.failed_errors == ()
    assert result.success


def test_status_outside_set_fails(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb", "update raw_hris.employees set status = 'Terminated' where id = '103'"
    )
    failed = only_failure(validate_table(str(path), "raw_hris", "employees"))

    assert (failed.expectation_type, failed.column) == ("expect_column_values_to_be_in_set", "status")
    assert failed.unexpected_sample == ("Terminated",)


def test_missing_column_is_reported_against_its_expectation(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "w.duckdb", "alter table raw_performance.reviews drop column review_type")
    failed = only_failure(validate_table(str(path), "raw_performance", "reviews"))

    assert (failed.expectation_type, failed.column) == ("expect_column_values_to_be_in_set", "review_type")
    assert 'The column "review_type" in BatchData does not exist' in failed.exception


def test_missing_table_fails_the_suite(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "w.duckdb", "drop table marts.dim_employee")
    results = {r.suite: r for r in validate_all(str(path))}

    assert sorted(results) == ALL_SUITES
    missing = results["marts.dim_employee"]
    assert missing.error == "table marts.dim_employee not found"
    assert missing.expectations == ()
    assert not missing.success
    assert results["raw_hris.employees"].success  # the others still ran


# --- suite files ----------------------------------------------------------------------


def test_every_suite_file_builds_valid_gx_expectations() -> None:
    suites = load_suites()
    assert sorted(suites) == ALL_SUITES
    for spec in suites.values():
        gx_suite = build_gx_suite(spec)
        assert len(gx_suite.expectations) == len(spec.expectations)
        assert {e.severity for e in spec.expectations} <= {"error", "warn"}


def test_suite_columns_exist_in_the_data_model() -> None:
    """A column renamed in docs/DATA_MODEL.md must be renamed in the suites too."""
    model = (ROOT / "docs" / "DATA_MODEL.md").read_text().splitlines()
    for spec in load_suites().values():
        if spec.schema == "raw_framework":  # "the CSV columns as they are"
            header = (ROOT / "framework" / f"{spec.table}.csv").read_text().splitlines()[0].split(",")
            missing = [c for c in spec.source_columns if c not in header]
            assert missing == [], f"{spec.name}: {missing} not in framework/{spec.table}.csv"
            continue
        # the table's row inside the section whose heading names its schema
        start = next(i for i, line in enumerate(model) if line.startswith("#") and f"`{spec.schema}`" in line)
        section = []
        for line in model[start + 1 :]:
            if line.startswith("#"):
                break
            section.append(line)
        row = next((line for line in section if line.startswith(f"| `{spec.table}` |")), None)
        assert row is not None, f"{spec.name} is not in docs/DATA_MODEL.md"
        documented = set(re.findall(r"`([a-z_][a-z0-9_]*)`", row)) | {"_dlt_load_id", "_dlt_id"}
        missing = [c for c in spec.source_columns if c not in documented]
        assert missing == [], f"{spec.name}: {missing} not in the data model"


def test_invalid_severity_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "raw_hris.employees.yml").write_text(
        "expectations:\n"
        "  - type: expect_column_values_to_not_be_null\n"
        "    kwargs: {column: id}\n"
        "    severity: critical\n"
    )
    with pytest.raises(SuiteFileError, match=r"expectation #1 .*severity"):
        load_suites(tmp_path)


def test_unknown_expectation_type_is_rejected(tmp_path: Path, warehouse: Path) -> None:
    (tmp_path / "raw_hris.employees.yml").write_text(
        "expectations:\n  - type: expect_column_values_to_be_nice\n    kwargs: {column: id}\n    severity: error\n"
    )
    with pytest.raises(SuiteFileError, match="expect_column_values_to_be_nice"):
        validate_all(str(warehouse), suites_dir=tmp_path)


# --- spend and ROI: the allocation and ROI arithmetic checks --------------------------

SPEND_ROI_SQL = """
create schema marts;
create table marts.dim_course (course_id varchar, course_name varchar);
insert into marts.dim_course values ('CRS-001', 'One'), ('CRS-002', 'Two');
create table marts.dim_org_unit (org_unit_id varchar, org_unit_name varchar, division_name varchar);
insert into marts.dim_org_unit values ('eng', 'Engineering', 'Product');

create table marts.fct_training_spend (
    spend_allocation_id varchar, spend_line_id varchar, cost_type varchar, source_record_id varchar,
    programme_id varchar, org_unit_id varchar, spend_on date, month_start_on date,
    allocation_share double precision, learning_hours double precision,
    hourly_loaded_pay_amount double precision, line_amount double precision, amount double precision,
    currency_code varchar
);
insert into marts.fct_training_spend values
    ('vendor:INV-1|2025-01-01|eng', 'vendor:INV-1', 'vendor', 'INV-1', 'CRS-001', 'eng',
     '2025-01-20', '2025-01-01', 0.5, null, null, 300, 150, 'EUR'),
    ('vendor:INV-1|2025-02-01|no-org-unit', 'vendor:INV-1', 'vendor', 'INV-1', 'CRS-001', null,
     '2025-02-03', '2025-02-01', 0.5, null, null, 300, 150, 'EUR'),
    ('participant_time:a1|2025-01-01|eng', 'participant_time:a1', 'participant_time', 'a1', 'CRS-001', 'eng',
     '2025-01-20', '2025-01-01', 1, 2, 32.5, 65, 65, 'EUR');

create table marts.mart_training_roi (
    programme_id varchar, cohort_year_number integer, completer_count integer,
    vendor_cost_amount double precision, instructor_cost_amount double precision,
    venue_cost_amount double precision, delivery_cost_amount double precision, delivery_cost_basis varchar,
    participant_time_cost_amount double precision, design_development_cost_amount double precision,
    ld_staff_admin_cost_amount double precision, evaluation_cost_amount double precision,
    evaluation_cost_basis varchar, fully_loaded_cost_amount double precision, currency_code varchar,
    is_evaluated boolean, evaluation_reason varchar, impact_status varchar, is_impact_significant boolean,
    impact_estimate double precision, impact_ci_low double precision, impact_ci_high double precision,
    value_per_rating_point_amount double precision, benefit_years double precision,
    benefit_amount double precision, benefit_low_amount double precision, benefit_high_amount double precision,
    benefit_cost_ratio double precision, benefit_cost_ratio_low double precision,
    benefit_cost_ratio_high double precision, roi_pct double precision, roi_low_pct double precision,
    roi_high_pct double precision, roi_band varchar
);
-- CRS-001: +0.2 points (CI 0.05-0.35), significant, for 10 completers at 10 000 a point;
-- cost 12 000 delivery + 5 000 time + 3 000 allocated = 20 000: benefit 20 000
-- (5 000-35 000), BCR 1 (0.25-1.75), ROI 0 % (-75 % to +75 %). CRS-002: underpowered.
insert into marts.mart_training_roi values
    ('CRS-001', 2025, 10, 12000, 0, 0, 12000, 'actual', 5000, 1200, 1200, 600, 'allocated', 20000, 'EUR',
     true, null, 'estimated', true, 0.2, 0.05, 0.35, 10000, 1,
     20000, 5000, 35000, 1, 0.25, 1.75, 0, -75, 75, 'break-even range'),
    ('CRS-002', 2025, 3, 1000, 0, 0, 1000, 'actual', 200, 100, 100, 100, 'allocated', 1500, 'EUR',
     false, 'underpowered', 'underpowered', false, 0.3, -0.1, 0.7, 10000, 1,
     null, null, null, null, null, null, null, null, null, null);

create table marts.mart_training_roi_sensitivity (
    programme_id varchar, cohort_year_number integer, value_per_rating_point_amount double precision,
    benefit_years double precision, fully_loaded_cost_amount double precision, is_evaluated boolean,
    evaluation_reason varchar, benefit_amount double precision, roi_pct double precision,
    roi_low_pct double precision, roi_high_pct double precision, currency_code varchar
);
-- CRS-001 at 20 000 x 2 years: benefit 0.2 x 20 000 x 2 x 10 = 80 000 on 20 000: +300 %.
insert into marts.mart_training_roi_sensitivity values
    ('CRS-001', 2025, 20000, 2, 20000, true, null, 80000, 300, 0, 600, 'EUR'),
    ('CRS-002', 2025, 20000, 2, 1500, false, 'underpowered', null, null, null, null, 'EUR');

create table marts.mart_training_portfolio (
    period_label varchar, total_spend_amount double precision, evaluated_spend_amount double precision,
    evaluated_spend_share double precision, unevaluated_spend_amount double precision,
    roi_pct double precision, roi_low_pct double precision, roi_high_pct double precision,
    spend_no_plan_amount double precision, spend_insufficient_evidence_amount double precision,
    spend_pre_trend_failed_amount double precision, spend_placebo_failed_amount double precision,
    spend_imbalanced_amount double precision, spend_underpowered_amount double precision,
    spend_no_evidence_of_effect_amount double precision, spend_no_completers_amount double precision,
    currency_code varchar
);
-- The two cohorts above: 21 500 in all, 20 000 evaluated (93.0 %), 1 500 underpowered.
insert into marts.mart_training_portfolio values
    ('2025', 21500, 20000, 0.9302325581395349, 1500, 0, -75, 75, 0, 0, 0, 0, 0, 1500, 0, 0, 'EUR'),
    ('all years', 21500, 20000, 0.9302325581395349, 1500, 0, -75, 75, 0, 0, 0, 0, 0, 1500, 0, 0, 'EUR');

create table marts.mart_training_budget (
    programme_id varchar, year_number integer, direct_cost_amount double precision,
    budget_amount double precision, budget_variance_amount double precision, currency_code varchar
);
insert into marts.mart_training_budget values
    ('CRS-001', 2025, 12000, 16000, -4000, 'EUR'),
    ('CRS-002', 2025, 1000, null, null, 'EUR');
"""


def build_spend_roi_warehouse(path: Path, *corruptions: str) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute(SPEND_ROI_SQL)
        for statement in corruptions:
            con.execute(statement)
    finally:
        con.close()
    return path


def test_valid_spend_and_roi_pass(tmp_path: Path) -> None:
    path = build_spend_roi_warehouse(tmp_path / "w.duckdb")
    for table in ("fct_training_spend", *ROI_TABLES):
        result = validate_table(str(path), "marts", table)
        assert result.error is None
        assert result.failed == (), (table, failures(result))
        assert all(o.exception is None for o in result.expectations)


@pytest.mark.parametrize(
    ("corruption", "failed_columns"),
    [
        (
            "update marts.mart_training_roi set roi_pct = 10 where programme_id = 'CRS-001'",
            {"roi_matches_benefit_and_cost"},
        ),
        (
            "update marts.mart_training_roi set roi_low_pct = -70 where programme_id = 'CRS-001'",
            {"roi_matches_benefit_and_cost"},
        ),
        (
            "update marts.mart_training_roi set benefit_cost_ratio = 1.5 where programme_id = 'CRS-001'",
            {"bcr_matches_benefit_and_cost"},
        ),
        (
            "update marts.mart_training_roi set roi_band = 'positive' where programme_id = 'CRS-001'",
            {"roi_band_matches_interval"},
        ),
        (
            "update marts.mart_training_roi set benefit_amount = 30000, benefit_cost_ratio = 1.5, roi_pct = 50"
            " where programme_id = 'CRS-001'",
            {"benefit_matches_estimate"},
        ),
        (  # a benefit without an estimate: a made-up number
            "update marts.mart_training_roi set benefit_amount = 3000, benefit_low_amount = 3000,"
            " benefit_high_amount = 3000, benefit_cost_ratio = 2, benefit_cost_ratio_low = 2,"
            " benefit_cost_ratio_high = 2, roi_pct = 100, roi_low_pct = 100, roi_high_pct = 100,"
            " roi_band = 'positive' where programme_id = 'CRS-002'",
            {"benefit_matches_estimate"},
        ),
        (
            "update marts.mart_training_roi set fully_loaded_cost_amount = 21000 where programme_id = 'CRS-002'",
            {"cost_matches_parts"},
        ),
        (  # an ROI from an estimate that is not significant after adjustment
            "update marts.mart_training_roi set is_impact_significant = false where programme_id = 'CRS-001'",
            {"evaluated_matches_reason"},
        ),
        (  # a programme without an ROI and without a reason
            "update marts.mart_training_roi set evaluation_reason = null where programme_id = 'CRS-002'",
            {"evaluated_matches_reason"},
        ),
        (
            "update marts.mart_training_roi set evaluation_reason = 'not yet evaluated' where programme_id = 'CRS-002'",
            {"evaluation_reason"},
        ),
        (
            "update marts.mart_training_roi set evaluation_cost_amount = 900 where programme_id = 'CRS-002'",
            {"cost_matches_parts"},
        ),
        (
            "update marts.mart_training_roi set benefit_low_amount = 36000, impact_ci_low = 0.36,"
            " benefit_cost_ratio_low = 1.8, roi_low_pct = 80 where programme_id = 'CRS-001'",
            {"benefit_high_amount, benefit_low_amount", "roi_band_matches_interval"},
        ),
    ],
)
def test_corrupted_roi_arithmetic_fails_its_check(tmp_path: Path, corruption: str, failed_columns: set) -> None:
    path = build_spend_roi_warehouse(tmp_path / "w.duckdb", corruption)
    result = validate_table(str(path), "marts", "mart_training_roi")

    assert not result.success
    assert {o.column for o in result.failed} == failed_columns
    assert {o.severity for o in result.failed} == {"error"}


ROI_TABLES = ("mart_training_roi", "mart_training_roi_sensitivity", "mart_training_portfolio", "mart_training_budget")


@pytest.mark.parametrize(
    ("table", "corruption", "failed_columns"),
    [
        (  # an ROI under an assumption for a cohort without a gated estimate
            "mart_training_roi_sensitivity",
            "update marts.mart_training_roi_sensitivity set roi_pct = 50 where programme_id = 'CRS-002'",
            {"roi_matches_benefit_and_cost"},
        ),
        (
            "mart_training_roi_sensitivity",
            "update marts.mart_training_roi_sensitivity set roi_pct = 200 where programme_id = 'CRS-001'",
            {"roi_matches_benefit_and_cost"},
        ),
        (  # unevaluated spend that no reason accounts for
            "mart_training_portfolio",
            "update marts.mart_training_portfolio set spend_underpowered_amount = 1000",
            {"spend_adds_up"},
        ),
        (
            "mart_training_portfolio",
            "update marts.mart_training_portfolio set evaluated_spend_share = 0.5 where period_label = '2025'",
            {"share_matches_spend"},
        ),
        (  # a portfolio ROI with nothing evaluated
            "mart_training_portfolio",
            "update marts.mart_training_portfolio set evaluated_spend_amount = 0, evaluated_spend_share = 0,"
            " unevaluated_spend_amount = 21500, spend_no_plan_amount = 20000 where period_label = '2025'",
            {"roi_only_with_evaluated_spend"},
        ),
        (
            "mart_training_budget",
            "update marts.mart_training_budget set budget_variance_amount = 4000 where programme_id = 'CRS-001'",
            {"variance_matches"},
        ),
    ],
)
def test_corrupted_roi_sensitivity_portfolio_budget_fail_their_check(
    tmp_path: Path, table: str, corruption: str, failed_columns: set
) -> None:
    path = build_spend_roi_warehouse(tmp_path / "w.duckdb", corruption)
    result = validate_table(str(path), "marts", table)

    assert not result.success
    assert {o.column for o in result.failed} == failed_columns
    assert {o.severity for o in result.failed} == {"error"}


@pytest.mark.parametrize(
    ("corruption", "failed_columns"),
    [
        (
            "update marts.fct_training_spend set amount = 160"
            " where spend_allocation_id = 'vendor:INV-1|2025-01-01|eng'",
            {"amount_matches_share"},
        ),
        (  # a share lost in allocation: the line no longer adds up (both of its rows flagged)
            "update marts.fct_training_spend set allocation_share = 0.4, amount = 120"
            " where spend_allocation_id = 'vendor:INV-1|2025-01-01|eng'",
            {"line_shares_add_up"},
        ),
        (
            "update marts.fct_training_spend set amount = 70, line_amount = 70 where cost_type = 'participant_time'",
            {"participant_time_matches_hours"},
        ),
        (
            "update marts.fct_training_spend set currency_code = 'USD' where cost_type = 'participant_time'",
            {"currency_code"},
        ),
        (
            "update marts.fct_training_spend set month_start_on = '2025-03-01' where cost_type = 'participant_time'",
            {"spend_on_in_month"},
        ),
    ],
)
def test_corrupted_spend_allocation_fails_its_check(tmp_path: Path, corruption: str, failed_columns: set) -> None:
    path = build_spend_roi_warehouse(tmp_path / "w.duckdb", corruption)
    result = validate_table(str(path), "marts", "fct_training_spend")

    assert not result.success
    assert {o.column for o in result.failed} == failed_columns


@pytest.mark.postgres
def test_spend_and_roi_checks_on_postgres(postgres_url: str) -> None:
    """The derived SQL (windows, date_trunc, ||) runs on PostgreSQL and still catches errors."""
    import psycopg2

    def load(*corruptions: str) -> None:
        con = psycopg2.connect(postgres_url)
        con.autocommit = True
        try:
            with con.cursor() as cur:
                cur.execute("drop schema if exists raw_hris, raw_performance, marts, quality cascade")
                cur.execute(SPEND_ROI_SQL)
                for statement in corruptions:
                    cur.execute(statement)
        finally:
            con.close()

    load()
    for table in ("fct_training_spend", *ROI_TABLES):
        result = validate_table(postgres_url, "marts", table)
        assert result.error is None and result.failed == (), (table, failures(result))

    load(
        "update marts.mart_training_roi set roi_pct = 10 where programme_id = 'CRS-001'",
        "update marts.fct_training_spend set allocation_share = 0.4, amount = 120"
        " where spend_allocation_id = 'vendor:INV-1|2025-01-01|eng'",
    )
    roi = validate_table(postgres_url, "marts", "mart_training_roi")
    spend = validate_table(postgres_url, "marts", "fct_training_spend")
    assert {o.column for o in roi.failed} == {"roi_matches_benefit_and_cost"}
    assert {o.column for o in spend.failed} == {"line_shares_add_up"}
    assert spend.failed[0].unexpected_count == 2


# --- load reconciliation: every unit's records accounted for --------------------------

RECONCILIATION_SQL = """
create schema marts;
create table marts.mart_load_reconciliation (
    raw_schema varchar, load_id varchar, loaded_at timestamp, source varchar, resource varchar,
    unit varchar, received bigint, loaded bigint, quarantined bigint, is_rejected boolean,
    reason varchar, is_skipped boolean, is_balanced boolean, is_latest_for_unit boolean
);
-- a.csv loaded on 2024-06-01 (one record quarantined), skipped as unchanged on 2024-06-02;
-- b.csv rejected whole on 2024-06-02; one finance export.
insert into marts.mart_load_reconciliation values
    ('raw_hris', '1717232400.5', '2024-06-01 09:00:00.5', 'hr_files', 'hr_file_records', 'a.csv',
     10, 9, 1, false, null, false, true, false),
    ('raw_hris', '1717318800.25', '2024-06-02 09:00:00.25', 'hr_files', 'hr_file_records', 'a.csv',
     0, 0, 0, false, 'unchanged: loaded before as a.csv with mapping m', true, true, true),
    ('raw_hris', '1717318800.25', '2024-06-02 09:00:00.25', 'hr_files', 'hr_file_records', 'b.csv',
     0, 0, 0, true, 'no mapping claims the file', false, true, true),
    ('raw_finance', '1717232400.5', '2024-06-01 09:00:00.5', 'finance', 'vendor_invoices', 'invoices.csv',
     4, 4, 0, false, null, false, true, true);
"""


def build_reconciliation_warehouse(path: Path, *corruptions: str) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute(RECONCILIATION_SQL)
        for statement in corruptions:
            con.execute(statement)
    finally:
        con.close()
    return path


def test_valid_load_reconciliation_passes(tmp_path: Path) -> None:
    path = build_reconciliation_warehouse(tmp_path / "w.duckdb")
    result = validate_table(str(path), "marts", "mart_load_reconciliation")

    assert result.error is None
    assert result.failed == (), failures(result)
    assert all(o.exception is None for o in result.expectations)
    assert result.row_count == 4
    balance = next(o for o in result.expectations if o.column == "counts_balance")
    assert (balance.element_count, balance.unexpected_count) == (4, 0)


def test_empty_load_reconciliation_passes(tmp_path: Path) -> None:
    """No connector that reconciles is enabled: an empty mart is not a failure."""
    path = build_reconciliation_warehouse(tmp_path / "w.duckdb", "delete from marts.mart_load_reconciliation")
    result = validate_table(str(path), "marts", "mart_load_reconciliation")

    assert result.error is None
    assert result.failed == (), failures(result)


@pytest.mark.parametrize(
    ("corruption", "failed_columns"),
    [
        (  # a record lost between reading the file and loading it: 10 received, 8 + 1 accounted for
            "update marts.mart_load_reconciliation set loaded = 8, is_balanced = false"
            " where unit = 'a.csv' and received = 10",
            {"counts_balance"},
        ),
        (  # the counts add up but the mart calls the row unbalanced
            "update marts.mart_load_reconciliation set is_balanced = false where unit = 'invoices.csv'",
            {"flags_match_counts"},
        ),
        (  # a skipped unit (0 received, with a reason) not flagged as skipped
            "update marts.mart_load_reconciliation set is_skipped = false where reason like 'unchanged%'",
            {"flags_match_counts"},
        ),
        (  # a rejected file that still loaded records
            "update marts.mart_load_reconciliation set received = 2, loaded = 2 where unit = 'b.csv'",
            {"rejected_loads_nothing"},
        ),
        (  # the older load of a.csv marked as its latest: the dashboard would show both rows
            "update marts.mart_load_reconciliation set is_latest_for_unit = true where unit = 'a.csv'",
            {"latest_flag_matches_load"},
        ),
        (  # one unit twice in one load
            "insert into marts.mart_load_reconciliation select * from marts.mart_load_reconciliation"
            " where unit = 'invoices.csv'",
            {"raw_schema, load_id, source, resource, unit"},
        ),
        (
            "update marts.mart_load_reconciliation set load_id = 'load-7' where unit = 'b.csv'",
            {"load_id"},
        ),
    ],
)
def test_corrupted_load_reconciliation_fails_its_check(tmp_path: Path, corruption: str, failed_columns: set) -> None:
    path = build_reconciliation_warehouse(tmp_path / "w.duckdb", corruption)
    result = validate_table(str(path), "marts", "mart_load_reconciliation")

    assert not result.success
    assert {o.column for o in result.failed} == failed_columns
    assert {o.severity for o in result.failed} == {"error"}


def test_unbalanced_unit_is_reported_with_its_row(tmp_path: Path) -> None:
    path = build_reconciliation_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_load_reconciliation set loaded = 8, is_balanced = false"
        " where unit = 'a.csv' and received = 10",
    )
    failed = only_failure(validate_table(str(path), "marts", "mart_load_reconciliation"))

    assert (failed.expectation_type, failed.column) == ("expect_column_values_to_be_in_set", "counts_balance")
    assert (failed.unexpected_count, failed.element_count) == (1, 4)
    assert failed.unexpected_sample == (False,)


@pytest.mark.postgres
def test_load_reconciliation_checks_on_postgres(postgres_url: str) -> None:
    """The derived SQL (boolean rules on the counts, a window per unit) runs on PostgreSQL too."""
    import psycopg2

    def load(*corruptions: str) -> None:
        con = psycopg2.connect(postgres_url)
        con.autocommit = True
        try:
            with con.cursor() as cur:
                cur.execute("drop schema if exists raw_hris, raw_performance, marts, quality cascade")
                cur.execute(RECONCILIATION_SQL)
                for statement in corruptions:
                    cur.execute(statement)
        finally:
            con.close()

    load()
    result = validate_table(postgres_url, "marts", "mart_load_reconciliation")
    assert result.error is None and result.failed == (), failures(result)

    load(
        "update marts.mart_load_reconciliation set loaded = 8, is_balanced = false"
        " where unit = 'a.csv' and received = 10",
        "update marts.mart_load_reconciliation set is_latest_for_unit = true where unit = 'a.csv'",
    )
    result = validate_table(postgres_url, "marts", "mart_load_reconciliation")
    assert {o.column for o in result.failed} == {"counts_balance", "latest_flag_matches_load"}


# --- command line ---------------------------------------------------------------------


def test_cli_exits_1_on_corrupted_warehouse(tmp_path: Path) -> None:
    path = build_warehouse(tmp_path / "w.duckdb", "update raw_performance.reviews set rating = 7 where id = 'R2'")
    suites = [arg for name in SUITE_NAMES for arg in ("--suite", name)]
    proc = subprocess.run(
        [sys.executable, "-m", "expectations", "--warehouse", str(path), *suites],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert proc.returncode == 1, proc.stdout + proc.stderr
    fail_lines = [line for line in proc.stdout.splitlines() if line.startswith("FAIL [")]
    assert fail_lines == [
        "FAIL [error] raw_performance.reviews: expect_column_values_to_be_between on rating: "
        "1 of 3 rows unexpected, e.g. [7]"
    ]
    assert "Calculating Metrics" not in proc.stderr  # progress bars silenced
    assert proc.stdout.rstrip().endswith("FAILED: 1 error-severity failure(s), 0 warning(s)")


def test_cli_passes_with_warnings_only(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb", "update raw_hris.employees set hire_date = '2025-03-01' where id = '102'"
    )
    code = main(["--warehouse", str(path), "--suite", "raw_hris.employees"])

    out = capsys.readouterr().out
    assert code == 0
    assert (
        "WARN [warn] raw_hris.employees: expect_column_values_to_be_between on "
        "hire_days_after_load: 1 of 3 rows unexpected, e.g. [59]"
    ) in out.splitlines()
    assert "FAIL" not in out
    assert out.rstrip().endswith("passed: 0 error-severity failure(s), 1 warning(s)")


def test_cli_usage_errors_exit_2(tmp_path: Path, warehouse: Path, capsys) -> None:
    assert main(["--warehouse", str(warehouse), "--suite", "raw_hris.nope"]) == 2
    assert "no suite named ['raw_hris.nope']" in capsys.readouterr().err
    assert main(["--warehouse", str(tmp_path / "absent.duckdb")]) == 2
    assert "no DuckDB warehouse at" in capsys.readouterr().err


def test_cli_never_prints_a_postgres_password() -> None:
    assert _display_name("postgresql://etl:s3cret@db:5432/wh") == "postgresql://etl@db:5432/wh"
    assert _display_name("postgresql:///wh?user=etl&password=s3cret&host=/run/pg") == (
        "postgresql:///wh?user=etl&host=/run/pg"
    )
    assert _display_name("data/warehouse.duckdb") == "data/warehouse.duckdb"


# --- PostgreSQL, the second warehouse target --------------------------------------------


def load_postgres(url: str, *corruptions: str) -> None:
    import psycopg2

    con = psycopg2.connect(url)
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute("drop schema if exists raw_hris, raw_performance, marts, quality cascade")
            cur.execute(WAREHOUSE_SQL)
            for statement in corruptions:
                cur.execute(statement)
    finally:
        con.close()


@pytest.mark.postgres
def test_postgres_warehouse_valid_then_corrupted(postgres_url: str) -> None:
    load_postgres(postgres_url)
    assert [(r.suite, r.success, r.failed) for r in validate_all(postgres_url, SUITE_NAMES)] == [
        (name, True, ()) for name in SUITE_NAMES
    ]

    load_postgres(
        postgres_url,
        "update raw_hris.employees set hire_date = '2025-03-01' where id = '102'",
        "update raw_performance.reviews set rating = 7 where id = 'R2'",
        "update marts.dim_employee set is_current = true, valid_to = null where employee_key = 'E00001-2020-01-15'",
        "update marts.mart_capability_gap set gap_band = 'high' where gap_levels = 1",
    )
    results = {r.suite: r for r in validate_all(postgres_url, SUITE_NAMES)}

    assert {s: failures(r) for s, r in results.items()} == {
        "marts.dim_employee": {("expect_column_values_to_be_between", "current_rows_for_employee", "error")},
        "marts.mart_capability_gap": {("expect_column_values_to_be_in_set", "band_matches_gap", "error")},
        "raw_hris.employees": {("expect_column_values_to_be_between", "hire_days_after_load", "warn")},
        "raw_performance.reviews": {("expect_column_values_to_be_between", "rating", "error")},
    }
    assert results["raw_hris.employees"].failed[0].unexpected_sample == (59,)
    assert results["marts.dim_employee"].failed[0].unexpected_sample == (2, 2)


@pytest.mark.postgres
def test_postgres_run_is_recorded_once_per_run_id(postgres_url: str) -> None:
    import psycopg2

    from expectations.runner import run_checks

    load_postgres(postgres_url, "update raw_performance.reviews set rating = 7 where id = 'R2'")
    for _ in range(2):  # the same run id twice: its rows are replaced, not duplicated
        run = run_checks(postgres_url, SUITE_NAMES, run_id="pg-run-1", docs=False)
        assert run.recorded, run.record_error
    expected_rows = sum(len(r.expectations) for r in run.results)

    with psycopg2.connect(postgres_url) as con, con.cursor() as cur:
        cur.execute("select count(*), count(distinct suite) from quality.results where run_id = 'pg-run-1'")
        assert cur.fetchone() == (expected_rows, 4)
        cur.execute(
            "select suite, expectation, column_name, severity, unexpected_count, row_count, details "
            "from quality.results where not success"
        )
        assert cur.fetchall() == [
            (
                "raw_performance.reviews",
                "expect_column_values_to_be_between",
                "rating",
                "error",
                1,
                3,
                "1 of 3 rows unexpected, e.g. [7]",
            )
        ]
