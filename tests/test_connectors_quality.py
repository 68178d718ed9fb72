"""The Great Expectations suites of the connector tables, on data the production
connectors loaded from the emulators: the demo's planted bad records end up in
quarantine (the suites pass), and each corruption a suite guards against fails it."""

from __future__ import annotations

import shutil
from pathlib import Path

import dlt
import duckdb
import pytest

from expectations import validate_table

SUITES = [
    "raw_hris.employment_status",
    "raw_hris.workday_workers",
    "raw_hris.hr_file_records",
    "raw_lms.docebo_users",
    "raw_lms.docebo_courses",
    "raw_lms.docebo_enrollments",
    "raw_lms.docebo_learning_plans",
    "raw_lms.docebo_learning_plans__courses",
    "raw_lms.docebo_external_training",
    "raw_finance.course_prices",
    "raw_finance.vendor_invoices",
    "raw_finance.instructor_costs",
    "raw_finance.venue_costs",
    "raw_performance.goals",
    "raw_performance.feedbacks",
    "raw_performance.checkins",
    "raw_performance.fifteen_five_users",
    "raw_performance.culture_amp_employees",
    "raw_performance.culture_amp_performance_cycles",
    "raw_performance.culture_amp_manager_reviews",
]


@pytest.fixture(scope="module")
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every connector table the suites guard, loaded by the production sources."""
    from ingestion.bamboohr import bamboohr_source
    from ingestion.culture_amp import culture_amp_source
    from ingestion.docebo import docebo_source
    from ingestion.fifteen_five import fifteen_five_source
    from ingestion.finance import finance_source
    from ingestion.hr_files import hr_files_source
    from ingestion.lattice import lattice_source
    from ingestion.workday import workday_source

    vendors, tools = request.getfixturevalue("vendors"), request.getfixturevalue("people_tools")
    docebo, demo_dir = request.getfixturevalue("docebo"), request.getfixturevalue("demo_dir")
    work = tmp_path_factory.mktemp("quality")
    loads = [
        ("raw_hris", "bamboohr", bamboohr_source(base_url=vendors.bamboohr_url, api_key=vendors.key)),
        ("raw_performance", "lattice", lattice_source(base_url=vendors.lattice_url, api_token=vendors.token)),
        (
            "raw_lms",
            "docebo",
            docebo_source(base_url=docebo.url, client_id=docebo.client_id, client_secret=docebo.client_secret),
        ),
        ("raw_performance", "ff", fifteen_five_source(base_url=tools.fifteen_five_url, api_key=tools.fifteen_five_key)),
        (
            "raw_performance",
            "ca",
            culture_amp_source(
                base_url=tools.culture_amp_url, client_id=tools.culture_amp_id, client_secret=tools.culture_amp_secret
            ),
        ),
        (
            "raw_hris",
            "wd",
            workday_source(report_url=tools.workday_url, username=tools.workday_user, password=tools.workday_password),
        ),
        ("raw_finance", "finance", finance_source(folder=str(demo_dir / "finance"))),
        ("raw_hris", "hr_files", hr_files_source(folder=str(demo_dir / "hr_drop"))),
    ]
    for dataset, name, source in loads:
        pipeline = dlt.pipeline(
            pipeline_name=f"quality_{name}",
            destination=dlt.destinations.duckdb(str(work / "warehouse.duckdb")),
            dataset_name=dataset,
            pipelines_dir=str(work / "pipelines"),
        )
        pipeline.run(source)
    return work / "warehouse.duckdb"


@pytest.fixture(autouse=True)
def _quality_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("QUALITY_DIR", str(tmp_path / "quality"))


def _quarantined(path: Path, schema: str, resource: str) -> int:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(f"select count(*) from {schema}.quarantine where resource = ?", [resource]).fetchone()[0]


@pytest.mark.parametrize("suite", SUITES)
def test_suite_passes_on_loaded_demo_data(loaded: Path, suite: str) -> None:
    schema, table = suite.split(".")
    result = validate_table(str(loaded), schema, table)
    assert result.error is None, result.error
    # no error and no warning either: `make check` on the demo must print a clean verdict
    assert result.failed == (), [(o.expectation_type, o.column, o.describe()) for o in result.failed]
    assert result.row_count and result.row_count > 0


@pytest.mark.parametrize(
    ("schema", "resource"),
    [
        ("raw_lms", "docebo_enrollments"),
        ("raw_performance", "checkins"),
        ("raw_performance", "culture_amp_manager_reviews"),
        ("raw_performance", "goals"),
        ("raw_hris", "workday_workers"),
        ("raw_hris", "employment_status"),
        ("raw_finance", "vendor_invoices"),
        ("raw_hris", "hr_file_records"),
    ],
)
def test_planted_bad_records_are_quarantine_rows_not_suite_failures(loaded: Path, schema: str, resource: str) -> None:
    assert _quarantined(loaded, schema, resource) > 0, "the demo plants bad records here"
    assert validate_table(str(loaded), schema, resource).failed_errors == ()


ONE = "where rowid = (select min(rowid) from {table})"


@pytest.mark.parametrize(
    ("suite", "corruption", "expectation", "column"),
    [
        (
            "raw_performance.checkins",
            "update {table} set pulse = 9 " + ONE,
            "expect_column_values_to_be_between",
            "pulse",
        ),
        (
            "raw_performance.culture_amp_manager_reviews",
            "update {table} set rating__value = 7 " + ONE,
            "expect_column_values_to_be_in_set",
            "bucket_on_scale",
        ),
        (
            "raw_lms.docebo_enrollments",
            "update {table} set enrollment_score = 150 " + ONE,
            "expect_column_values_to_be_between",
            "enrollment_score",
        ),
        (
            "raw_hris.employment_status",
            "update {table} set employee_id = 'nobody' " + ONE,
            "expect_column_values_to_be_in_set",
            "employee_in_directory",
        ),
        (
            "raw_performance.goals",
            "update {table} set due_date = '2001-01-01' " + ONE,
            "expect_column_values_to_be_in_set",
            "dates_ordered",
        ),
        (
            "raw_hris.workday_workers",
            "update {table} set active_status = 'yes' " + ONE,
            "expect_column_values_to_be_in_set",
            "active_status",
        ),
        (
            "raw_finance.vendor_invoices",
            "update {table} set invoice_id = (select max(invoice_id) from {table}) " + ONE,
            "expect_column_values_to_be_unique",
            "invoice_id",
        ),
        (
            "raw_performance.feedbacks",
            "update {table} set to_id = 'usr_gone' " + ONE,
            "expect_column_values_to_be_in_set",
            "recipient_exists",
        ),
    ],
)
def test_a_corrupted_copy_fails_the_expectation_guarding_it(
    loaded: Path, tmp_path: Path, suite: str, corruption: str, expectation: str, column: str
) -> None:
    copy = tmp_path / "corrupted.duckdb"
    shutil.copy(loaded, copy)
    schema, table = suite.split(".")
    with duckdb.connect(str(copy)) as con:
        con.execute(corruption.format(table=f"{schema}.{table}"))
    result = validate_table(str(copy), schema, table)
    failed = {(o.expectation_type, o.column) for o in result.failed_errors}
    assert failed == {(expectation, column)}, failed
    assert not result.success


MARTS_SQL = """
create schema marts;
create table marts.dim_employee (employee_id varchar, is_current boolean);
insert into marts.dim_employee values ('E1', true), ('E2', true);
create table marts.fct_goal (
    goal_id varchar, employee_id varchar, goal_year integer, start_on date, due_on date,
    target_value double, current_value double, attainment double, status varchar
);
insert into marts.fct_goal values
    ('g1', 'E1', 2025, '2025-01-15', '2025-12-31', 10, 5, 0.5, 'progressing'),
    ('g2', 'E2', 2025, '2025-01-15', '2025-12-31', 0, 3, null, 'on_track'),
    ('g3', 'E2', 2026, '2026-01-15', '2026-12-31', 4, 5, 1.25, 'completed');
create table marts.fct_check_in (
    check_in_id varchar, employee_id varchar, reviewer_employee_id varchar, week_start_on date,
    week_end_on date, submitted_at timestamp, pulse_rating integer, is_reviewed boolean, source_system varchar
);
insert into marts.fct_check_in values
    ('c1', 'E2', 'E1', '2026-10-19', '2026-10-23', '2026-10-23 16:00:00', 4, true, 'fifteen_five'),
    ('c2', 'E2', 'E1', '2026-10-26', '2026-10-30', '2026-10-30 16:00:00', 3, false, 'fifteen_five');
"""


@pytest.mark.parametrize(
    ("suite", "corruption", "expectation", "column"),
    [
        (
            "marts.fct_goal",
            "update marts.fct_goal set attainment = 0.6 where goal_id = 'g1'",
            "expect_column_values_to_be_in_set",
            "attainment_matches_values",
        ),
        (
            "marts.fct_goal",
            "update marts.fct_goal set employee_id = 'E9' where goal_id = 'g1'",
            "expect_column_values_to_be_in_set",
            "employee_in_dim_employee",
        ),
        (
            "marts.fct_check_in",
            "update marts.fct_check_in set week_start_on = '2026-10-19', week_end_on = '2026-10-23'"
            " where check_in_id = 'c2'",
            "expect_compound_columns_to_be_unique",
            "employee_id, week_end_on",
        ),
        (
            "marts.fct_check_in",
            "update marts.fct_check_in set pulse_rating = 6 where check_in_id = 'c1'",
            "expect_column_values_to_be_between",
            "pulse_rating",
        ),
    ],
)
def test_mart_suites_pass_then_fail_on_the_corruption(
    tmp_path: Path, suite: str, corruption: str, expectation: str, column: str
) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(MARTS_SQL)
    schema, table = suite.split(".")
    clean = validate_table(str(path), schema, table)
    assert clean.failed_errors == () and clean.error is None, [(o.expectation_type, o.column) for o in clean.failed]
    with duckdb.connect(str(path)) as con:
        con.execute(corruption)
    failed = {(o.expectation_type, o.column) for o in validate_table(str(path), schema, table).failed_errors}
    assert failed == {(expectation, column)}, failed
