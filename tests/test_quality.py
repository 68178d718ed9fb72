"""Every suite on a real demo warehouse, then on corrupted copies of it.

One small demo warehouse (`python -m demo build`, 200 people) is built once per session,
through the real pipeline: its Dagster job runs the GX asset checks, which record their
results. The demo passes every suite; its planted bad records (reviews rated off the 1-5
scale) show as quarantined counts. Then each corruption, applied to its own copy, makes
`make check` (or the CLI it calls) fail naming the expectation that guards against it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from expectations.__main__ import main
from expectations.suites import load_suites
from tests.conftest import SMALL_ORG, free_demo_ports

ROOT = Path(__file__).resolve().parents[1]
ALL_SUITES = sorted(load_suites())
# the demo's planted bad reviews (docs/DECISIONS.md); other sources may plant more
PLANTED_QUARANTINE = [
    ("raw_performance", "lattice", "reviews", "rating 0 off the 1-5 scale", 1),
    ("raw_performance", "lattice", "reviews", "rating 7 off the 1-5 scale", 1),
    ("raw_performance", "lattice", "reviews", "rating 9 off the 1-5 scale", 1),
]

pytestmark = pytest.mark.slow


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EXPECTATIONS_")}
    for key in ("SUPERSET_HOME", "DAGSTER_HOME", "SERVING_WAREHOUSE_PATH", "DLT_PIPELINES_DIR", "QUALITY_DIR"):
        env.pop(key, None)
    return {**env, **extra}


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo warehouse built by the real pipeline, once; tests only read it or copy it."""
    data = tmp_path_factory.mktemp("quality-demo")
    env = _clean_env(
        WAREHOUSE_PATH=str(data / "warehouse.duckdb"),
        DEMO_EMPLOYEES=str(SMALL_ORG),
        DEMO_SEED="7",
        **free_demo_ports(),
    )
    proc = subprocess.run(
        [sys.executable, "-m", "demo", "build"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=1500
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    return data / "warehouse.duckdb"


@pytest.fixture
def corrupt(demo_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A copy of the demo warehouse in tmp_path with SQL statements applied."""
    monkeypatch.delenv("QUALITY_DIR", raising=False)
    for key in [k for k in os.environ if k.startswith("EXPECTATIONS_")]:
        monkeypatch.delenv(key)

    def make(*statements: str) -> Path:
        copy = tmp_path / "warehouse.duckdb"
        shutil.copyfile(demo_warehouse, copy)
        with duckdb.connect(str(copy)) as con:
            for statement in statements:
                con.execute(statement)
        return copy

    return make


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


def rows_in(path: Path, table: str) -> int:
    return query(path, f"select count(*) from {table}")[0][0]


def quarantined_in(path: Path) -> list[tuple]:
    """Each raw schema's quarantine table counted by reason, straight from the tables."""
    found = query(
        path,
        "select table_schema from information_schema.tables where table_name = 'quarantine' "
        "and table_schema like 'raw%' and table_schema not like '%_staging' order by 1",
    )
    out = []
    for (schema,) in found:
        out += query(
            path,
            f"select '{schema}', source, resource, reason, count(*) from {schema}.quarantine "
            "group by all order by source, resource, reason",
        )
    return out


def check(path: Path, capsys: pytest.CaptureFixture, *args: str) -> tuple[int, list[str]]:
    """The CLI `make check` calls, in-process: exit status and output lines."""
    code = main(["--warehouse", str(path), *args])
    return code, capsys.readouterr().out.splitlines()


def fail_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if line.startswith(("FAIL [", "WARN ["))]


# --- the demo as built --------------------------------------------------------------


def test_the_pipeline_run_recorded_every_suite_passing(demo_warehouse: Path) -> None:
    """The Dagster job's asset checks validated every table and kept the results."""
    rows = query(
        demo_warehouse,
        "select suite, count(*), bool_and(success), count(distinct run_id), min(invoked_by) "
        "from quality.results group by suite order by suite",
    )
    assert [r[0] for r in rows] == ALL_SUITES
    for suite, expectations, success, runs, invoked_by in rows:
        assert expectations == len(load_suites()[suite].expectations), suite
        assert (success, runs, invoked_by) == (True, 1, "dagster"), suite
    # the checks on raw tables recorded the schema's quarantine, under the same run id
    quarantine = query(
        demo_warehouse,
        "select schema_name, source, resource, reason, record_count from quality.quarantine_counts "
        "order by schema_name, source, resource, reason",
    )
    assert quarantine == quarantined_in(demo_warehouse)  # every raw schema, with or without a suite
    assert set(PLANTED_QUARANTINE) <= set(quarantine)
    run_ids = query(
        demo_warehouse, "select distinct run_id from quality.results union select run_id from quality.quarantine_counts"
    )
    assert len(run_ids) == 1
    docs = demo_warehouse.parent / "quality" / "data_docs" / "index.html"
    assert docs.is_file()
    assert "raw_performance.reviews" in docs.read_text()


def test_make_check_passes_on_the_demo_and_shows_quarantine(demo_warehouse: Path, tmp_path: Path) -> None:
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(demo_warehouse, copy)
    proc = subprocess.run(
        ["make", "-s", "check"],
        cwd=ROOT,
        env=_clean_env(WAREHOUSE_PATH=str(copy), QUALITY_RUN_ID="make-check-1"),
        capture_output=True,
        text=True,
        timeout=600,
    )

    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert fail_lines(lines) == []
    assert lines[-1] == "passed: 0 error-severity failure(s), 0 warning(s)"
    shown = [line for line in lines if line.startswith("quarantined:")]
    assert shown == [f"quarantined: {n} record(s) in {s}.{r}: {why}" for s, _, r, why, n in quarantined_in(copy)]
    for planted in ("rating 0", "rating 7", "rating 9"):
        assert f"quarantined: 1 record(s) in raw_performance.reviews: {planted} off the 1-5 scale" in shown
    index = tmp_path / "quality" / "data_docs" / "index.html"
    assert f"data docs: {index}" in lines
    assert index.is_file()

    # appended under its run id beside the pipeline's run, with the same verdicts
    runs = query(
        copy,
        "select invoked_by, count(*), count(distinct suite), bool_and(success) "
        "from quality.results where run_id = 'make-check-1' group by all",
    )
    total = sum(len(s.expectations) for s in load_suites().values())
    assert runs == [("cli", total, len(ALL_SUITES), True)]
    assert query(copy, "select count(distinct run_id) from quality.results") == [(2,)]
    assert query(copy, "select count(*) from quality.quarantine_counts where run_id = 'make-check-1'") == [
        (len(quarantined_in(copy)),)
    ]


def test_a_run_id_is_recorded_once(corrupt, capsys) -> None:
    copy = corrupt()
    for _ in range(2):
        code, _lines = check(copy, capsys, "--run-id", "same-run", "--no-docs", "--suite", "raw_hris.employees")
        assert code == 0
    expected = len(load_suites()["raw_hris.employees"].expectations)
    assert query(copy, "select count(*) from quality.results where run_id = 'same-run'") == [(expected,)]
    # every raw schema's quarantine is counted, whichever suites ran
    assert query(copy, "select count(*) from quality.quarantine_counts where run_id = 'same-run'") == [
        (len(quarantined_in(copy)),)
    ]


# --- corruptions: each one fails make check naming the expectation ------------------


def test_null_keys_fail(corrupt, capsys) -> None:
    # dlt loads raw primary keys NOT NULL; the person key and a review's reviewee are not
    copy = corrupt(
        "update raw_hris.employees set employee_number = null where employee_number = 'E00002'",
        "update raw_performance.reviews set reviewee_id = null "
        "where id = (select min(id) from raw_performance.reviews)",
    )
    code, lines = check(copy, capsys, "--no-docs")

    assert code == 1
    assert fail_lines(lines) == [
        "FAIL [error] raw_hris.employees: expect_column_values_to_not_be_null on employee_number: "
        f"1 of {rows_in(copy, 'raw_hris.employees')} rows unexpected, e.g. [None]",
        "FAIL [error] raw_performance.reviews: expect_column_values_to_not_be_null on reviewee_id: "
        f"1 of {rows_in(copy, 'raw_performance.reviews')} rows unexpected, e.g. [None]",
    ]
    assert lines[-1] == "FAILED: 2 error-severity failure(s), 0 warning(s)"


def test_duplicate_key_fails(corrupt, capsys) -> None:
    copy = corrupt(
        "insert into raw_performance.reviews select * from raw_performance.reviews "
        "where id = (select min(id) from raw_performance.reviews)"
    )
    first_id = query(copy, "select min(id) from raw_performance.reviews")[0][0]
    code, lines = check(copy, capsys, "--no-docs")

    assert code == 1
    assert fail_lines(lines) == [
        "FAIL [error] raw_performance.reviews: expect_column_values_to_be_unique on id: "
        f"2 of {rows_in(copy, 'raw_performance.reviews')} rows unexpected, e.g. [{first_id!r}, {first_id!r}]"
    ]


def test_off_scale_ratings_fail(corrupt, capsys) -> None:
    copy = corrupt(
        "update raw_performance.reviews set rating = 7 where id in (select id from raw_performance.reviews "
        "order by id limit 2)",
        "update marts.fct_capability_assessment set assessed_level = 0 "
        "where assessment_id = (select min(assessment_id) from marts.fct_capability_assessment)",
    )
    code, lines = check(copy, capsys, "--no-docs")

    assert code == 1
    assert fail_lines(lines) == [
        "FAIL [error] marts.fct_capability_assessment: expect_column_values_to_be_between on assessed_level: "
        f"1 of {rows_in(copy, 'marts.fct_capability_assessment')} rows unexpected, e.g. [0]",
        "FAIL [error] raw_performance.reviews: expect_column_values_to_be_between on rating: "
        f"2 of {rows_in(copy, 'raw_performance.reviews')} rows unexpected, e.g. [7, 7]",
    ]


def test_stale_source_fails_freshness(corrupt, capsys, monkeypatch) -> None:
    # the HRIS has not loaded for three days
    copy = corrupt("update raw_hris.employees set _dlt_load_id = cast(epoch(current_timestamp) - 3 * 86400 as varchar)")
    code, lines = check(copy, capsys, "--no-docs", "--suite", "raw_hris.employees")

    assert code == 1
    (line,) = fail_lines(lines)
    assert re.fullmatch(
        r"FAIL \[error\] raw_hris\.employees: expect_column_min_to_be_between on load_age_hours: "
        r"observed 72\.0\d+ \(expected at most 36\)",
        line,
    ), line

    # the window is configurable
    monkeypatch.setenv("EXPECTATIONS_MAX_LOAD_AGE_HOURS", "96")
    code, lines = check(copy, capsys, "--no-docs", "--suite", "raw_hris.employees")
    assert (code, fail_lines(lines)) == (0, [])


def test_bands_contradicting_gaps_fail(corrupt, capsys) -> None:
    # a gap of one level or more called "high" (exceeds the bar): a valid band, the wrong one
    copy = corrupt(
        "update marts.mart_capability_gap set gap_band = 'high' where gap_band = 'low' "
        "and month_start_on = (select max(month_start_on) from marts.mart_capability_gap) "
        "and employee_id = (select min(employee_id) from marts.mart_capability_gap where gap_band = 'low' "
        "and month_start_on = (select max(month_start_on) from marts.mart_capability_gap))"
    )
    changed = query(copy, "select count(*) from marts.mart_capability_gap where gap_band = 'high' and gap_levels >= 1")
    code, lines = check(copy, capsys, "--no-docs")

    assert code == 1
    assert changed[0][0] >= 1
    assert fail_lines(lines) == [
        "FAIL [error] marts.mart_capability_gap: expect_column_values_to_be_in_set on band_matches_gap: "
        f"{changed[0][0]} of {rows_in(copy, 'marts.mart_capability_gap')} rows unexpected, "
        f"e.g. {[False] * min(changed[0][0], 5)}"
    ]


def test_orphan_key_fails(corrupt, capsys) -> None:
    copy = corrupt(
        "update marts.fct_review set employee_id = 'E99999' "
        "where review_id = (select min(review_id) from marts.fct_review)"
    )
    code, lines = check(copy, capsys, "--no-docs")

    assert code == 1
    assert fail_lines(lines) == [
        "FAIL [error] marts.fct_review: expect_column_values_to_be_in_set on employee_in_dim_employee: "
        f"1 of {rows_in(copy, 'marts.fct_review')} rows unexpected, e.g. [False]"
    ]


def test_row_count_drop_since_the_previous_run_fails(corrupt, capsys, demo_warehouse: Path) -> None:
    # the pipeline's check recorded every statement; keep 40% of them: a 60% drop, beyond 20%
    before = rows_in(demo_warehouse, "raw_lms.statements")
    kept = before * 2 // 5
    copy = corrupt(
        f"delete from raw_lms.statements where id not in (select id from raw_lms.statements order by id limit {kept})"
    )
    assert query(copy, "select distinct row_count from quality.results where suite = 'raw_lms.statements'") == [
        (before,)
    ]
    code, lines = check(copy, capsys, "--no-docs")

    assert code == 1
    assert fail_lines(lines) == [
        "FAIL [error] raw_lms.statements: expect_table_row_count_to_be_between: "
        f"observed {kept} (expected at least {before * 80 // 100})"
    ]
    # the failed run is kept too, with the count it saw
    assert query(
        copy,
        "select row_count, success from quality.results where invoked_by = 'cli' "
        "and suite = 'raw_lms.statements' and expectation = 'expect_table_row_count_to_be_between'",
    ) == [(kept, False)]


# --- Dagster: errors on raw data block downstream assets, warnings do not -------------


def _materialize_with_check(warehouse: Path):
    from dagster import AssetKey, asset, materialize

    from orchestration.assets.quality import make_check

    @asset(key=AssetKey(["raw_hris", "employees"]))
    def employees() -> None:  # stands in for the dlt load: the copy is already loaded
        return None

    @asset(key=AssetKey(["staging", "stg_hris__employees"]), deps=[employees])
    def staged() -> None:
        return None

    result = materialize([employees, staged, make_check("raw_hris.employees", warehouse)], raise_on_error=False)
    materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    (evaluation,) = result.get_asset_check_evaluations()
    return result, materialized, evaluation


def test_error_on_raw_data_blocks_downstream_assets(corrupt) -> None:
    from dagster import AssetCheckSeverity

    copy = corrupt("update raw_hris.employees set employee_number = null where employee_number = 'E00002'")
    result, materialized, evaluation = _materialize_with_check(copy)

    assert not result.success
    assert materialized == {"raw_hris/employees"}  # staging never ran
    assert (evaluation.check_name, evaluation.passed, evaluation.severity) == (
        "gx_employees",
        False,
        AssetCheckSeverity.ERROR,
    )
    metadata = {k: v.value for k, v in evaluation.metadata.items()}
    assert metadata["failed_errors"] == 1
    assert (
        "| error | expect_column_values_to_not_be_null | employee_number | "
        f"1 of {rows_in(copy, 'raw_hris.employees')} rows unexpected, e.g. [None] |" in metadata["failures"]
    )
    assert metadata["data_docs"] == (copy.parent / "quality" / "data_docs" / "index.html").as_uri()
    assert Path(metadata["validation_page"]).is_file()
    assert "Failed" in Path(metadata["validation_page"]).read_text()
    # kept in the warehouse under the Dagster run id
    rows = query(
        copy,
        f"select invoked_by, expectation, column_name, success from quality.results "
        f"where run_id = '{result.run_id}' and not success",
    )
    assert rows == [("dagster", "expect_column_values_to_not_be_null", "employee_number", False)]


def test_warnings_on_raw_data_do_not_block(corrupt) -> None:
    from dagster import AssetCheckSeverity

    copy = corrupt("update raw_hris.employees set work_email = 'nobody' where employee_number = 'E00003'")
    result, materialized, evaluation = _materialize_with_check(copy)

    assert result.success
    assert materialized == {"raw_hris/employees", "staging/stg_hris__employees"}
    assert (evaluation.passed, evaluation.severity) == (False, AssetCheckSeverity.WARN)
    failures = evaluation.metadata["failures"].value
    assert (
        "| warn | expect_column_values_to_match_regex | work_email | "
        f"1 of {rows_in(copy, 'raw_hris.employees')} rows unexpected, e.g. ['nobody'] |" in (failures)
    )


def test_only_checks_on_raw_tables_block() -> None:
    from orchestration.assets.quality import GX_CHECKS

    blocking = {spec.asset_key.path[0] for check in GX_CHECKS for spec in check.check_specs if spec.blocking}
    non_blocking = {spec.asset_key.path[0] for check in GX_CHECKS for spec in check.check_specs if not spec.blocking}
    assert blocking == {"raw_hris", "raw_lms", "raw_performance", "raw_framework", "raw_finance"}
    assert non_blocking == {"marts"}


# --- every derived check can fail ------------------------------------------------------

ONE = "where rowid = (select min(rowid) from {table}{cond})"
CONTENT_GAP_KEYS = (
    "report_type, month_start_on, job_profile_id, course_id, capability_id, required_level, is_suppressed"
)
# One valid passed cmi5 attempt (one terminated session of half an hour); corruptions edit it.
CMI5_VALUES = (
    "('{registration}', 'au-1', null, 'learner@example.com', timestamp '2024-01-01 09:00',"
    " timestamp '2024-01-01 09:30', 1, 1, 0, 0.5, true, timestamp '2024-01-01 09:10', true,"
    " timestamp '2024-01-01 09:20', 0.9, 0, 0.9, false, null, 'CompletedAndPassed', true,"
    " timestamp '2024-01-01 09:20', true, 'passed')"
)
CMI5_ATTEMPT = "insert into {{table}} values " + CMI5_VALUES
DERIVED_CASES = [
    # (suite, derived column, corruption of one row (or one day))
    # succession: the 9-box, its org unit rollup, candidates and bench strength
    (
        "marts.mart_nine_box",
        "performance_band_matches_rating",
        "update {table} set performance_band = 'low', nine_box_number = nine_box_number - 2 " + ONE,
        " where performance_band = 'high' and nine_box_number is not null",
    ),
    (
        "marts.mart_nine_box",
        "potential_band_matches_points",
        "update {table} set potential_points = 0 " + ONE,
        " where potential_band = 'high'",
    ),
    (
        "marts.mart_nine_box",
        "box_matches_bands",
        "update {table} set nine_box_number = 9 " + ONE,
        " where nine_box_number = 1",
    ),
    (
        "marts.mart_nine_box",
        "flight_risk_matches_points",
        "update {table} set flight_risk_band = 'high' " + ONE,
        " where flight_risk_points = 0",
    ),
    ("marts.mart_nine_box", "employee_in_dim_employee", "update {table} set employee_id = 'nobody' " + ONE),
    ("marts.mart_nine_box", "month_in_dim_date", "update {table} set month_start_on = date '1900-01-01' " + ONE),
    (
        "marts.mart_nine_box_by_org_unit",
        "group_size_matches_source",
        "delete from marts.mart_nine_box where rowid = (select min(rowid) from marts.mart_nine_box"
        " where nine_box_number is not null and org_unit_id in"
        " (select org_unit_id from {table} where not is_suppressed and placed_employee_count > 5)"
        " and month_start_on = (select max(month_start_on) from marts.mart_nine_box))",
    ),
    (
        "marts.mart_nine_box_by_org_unit",
        "measures_match_suppression",
        "update {table} set box_share = box_share + 0.5 " + ONE,
        " where not is_suppressed",
    ),
    (
        "marts.mart_nine_box_by_org_unit",
        "boxes_add_up",
        "update {table} set box_employee_count = box_employee_count + 1,"
        " box_share = cast(box_employee_count + 1 as double) / placed_employee_count " + ONE,
        " where not is_suppressed and box_employee_count < placed_employee_count",
    ),
    (
        "marts.mart_succession_candidates",
        "readiness_matches_evidence",
        "update {table} set readiness = 'ready_now' " + ONE,
        " where readiness = 'not_assessed'",
    ),
    (
        "marts.mart_succession_candidates",
        "gaps_add_up",
        "update {table} set gap_levels = 4 * gap_count + 1 " + ONE,
        " where gap_count > 0 and readiness = 'ready_3_plus_years'",
    ),
    (
        "marts.mart_succession_candidates",
        "matches_nine_box",
        "update {table} set flight_risk_band = case flight_risk_band when 'low' then 'high' else 'low' end " + ONE,
    ),
    (
        "marts.mart_succession_candidates",
        "job_in_dim_job",
        "update {table} set critical_job_profile_id = 'nojob' " + ONE,
    ),
    (
        "marts.mart_bench_strength",
        "counts_match_candidates",
        "update {table} set ready_now_count = ready_now_count + 1, candidate_count = candidate_count + 1,"
        " has_ready_successor = true, bench_strength_ratio = cast(ready_now_count + 1 as double) / incumbent_count "
        + ONE,
        " where incumbent_count > 0",
    ),
    # business goals and KPI actuals
    ("marts.dim_business_goal", "period_is_ordered", "update {table} set goal_end_on = goal_start_on - 1 " + ONE),
    ("marts.dim_kpi", "goal_in_dim_business_goal", "update {table} set goal_id = 'nogoal' " + ONE),
    ("marts.bridge_goal_capability", "goal_in_dim_business_goal", "update {table} set goal_id = 'nogoal' " + ONE),
    (
        "marts.bridge_goal_capability",
        "capability_in_dim_capability",
        "update {table} set capability_id = 'nope' " + ONE,
    ),
    (
        "marts.bridge_goal_capability",
        "validity_is_ordered",
        "update {table} set effective_to = effective_from - 1 " + ONE,
    ),
    ("marts.fct_kpi_value", "kpi_in_dim_kpi", "update {table} set kpi_id = 'nokpi' " + ONE),
    ("marts.fct_kpi_value", "period_is_ordered", "update {table} set period_end_on = period_start_on - 1 " + ONE),
    (
        "marts.fct_kpi_value",
        "attainment_matches_direction",
        "update {table} set attainment_ratio = 1 / attainment_ratio " + ONE,
        " where direction = 'lower_is_better' and attainment_ratio <> 1",
    ),
    (
        "marts.fct_kpi_value",
        "target_met_matches_margin",
        "update {table} set is_target_met = not is_target_met " + ONE,
        " where is_target_met is not null",
    ),
    ("marts.dim_date", "day_has_no_gap_before", "delete from marts.dim_date where date_day = date '2020-02-10'"),
    (
        "marts.dim_date",
        "month_start_matches_day",
        "update marts.dim_date set month_start_on = date '2020-01-01' where date_day = date '2020-02-10'",
    ),
    (
        "marts.dim_date",
        "parts_match_day",
        "update marts.dim_date set month_number = 3 where date_day = date '2020-02-10'",
    ),
    (
        "marts.dim_employee",
        "validity_is_ordered",
        "update {table} set valid_to = valid_from - 1 " + ONE,
        " where valid_to is not null",
    ),
    ("marts.dim_employee", "org_unit_in_dim_org_unit", "update {table} set org_unit_id = 'nowhere' " + ONE),
    ("marts.dim_employee", "job_in_dim_job", "update {table} set job_profile_id = 'nojob' " + ONE),
    (
        "marts.dim_employee_protected",
        "current_rows_for_employee",
        "update {table} set is_current = false, valid_to = valid_from " + ONE,
        " where is_current",
    ),
    (
        "marts.dim_employee_protected",
        "is_current_matches_valid_to",
        "update {table} set valid_to = valid_from " + ONE,
        " where is_current",
    ),
    ("marts.dim_employee_protected", "employee_in_dim_employee", "update {table} set employee_id = 'E99999' " + ONE),
    (
        "marts.dim_employee_protected",
        "birth_year_is_plausible",
        "update {table} set birth_year = extract(year from valid_from) " + ONE,
        " where birth_year is not null",
    ),
    ("marts.fct_capability_assessment", "review_in_fct_review", "update {table} set review_id = 'nope' " + ONE),
    ("marts.fct_capability_assessment", "employee_in_dim_employee", "update {table} set employee_id = 'E99999' " + ONE),
    (
        "marts.fct_capability_assessment",
        "capability_in_dim_capability",
        "update {table} set capability_id = 'nope' " + ONE,
    ),
    ("marts.fct_learning_activity", "employee_in_dim_employee", "update {table} set employee_id = 'E99999' " + ONE),
    ("marts.fct_learning_activity", "course_in_dim_course", "update {table} set course_id = 'CRS-999' " + ONE),
    (
        "marts.fct_learning_activity",
        "completion_matches_verb",
        "update {table} set is_completion = false " + ONE,
        " where verb = 'completed'",
    ),
    (
        "marts.fct_learning_activity",
        "activity_on_matches_at",
        "update {table} set activity_on = activity_on + 1 " + ONE,
    ),
    ("marts.fct_review", "reviewer_in_dim_employee", "update {table} set reviewer_employee_id = 'E99999' " + ONE),
    (
        "marts.fct_review",
        "rater_type_matches_review_type",
        "update {table} set rater_type = 'peer' " + ONE,
        " where review_type = 'self'",
    ),
    (
        "marts.mart_capability_gap",
        "gap_matches_levels",
        "update {table} set gap_levels = -1 " + ONE,
        " where gap_levels = -2",
    ),
    (
        "marts.mart_capability_gap",
        "perception_gap_matches_levels",
        "update {table} set perception_gap = perception_gap + 1 " + ONE,
        " where perception_gap is not null",
    ),
    (
        "marts.mart_capability_gap",
        "open_gap_matches_gap",
        "update {table} set is_open_gap = true " + ONE,
        " where gap_levels = 0",
    ),
    ("marts.mart_capability_gap", "employee_in_dim_employee", "update {table} set employee_id = 'E99999' " + ONE),
    (
        "marts.mart_capability_gap",
        "expired_rating_not_used",
        "update {table} set is_assessment_expired = true " + ONE,
        " where manager_assessed_level is not null",
    ),
    (
        "marts.mart_capability_gap",
        "rating_age_in_use_within_validity",
        "update {table} set assessment_age_days = 400 " + ONE,
        " where manager_assessed_level is not null",
    ),
    (
        "marts.mart_capability_gap",
        "peer_level_has_count",
        "update {table} set peer_rating_count = 2 " + ONE,
        " where peer_assessed_level is null",
    ),
    (
        "marts.mart_learning_alignment",
        "hour_parts_within_hours",
        "update {table} set outside_role_learning_hours = learning_hours + 1 " + ONE,
    ),
    # content gaps: rows added where the demo may have none of the kind to edit
    (
        "marts.mart_content_gap",
        "keys_match_report",
        f"insert into {{table}} ({CONTENT_GAP_KEYS}) select 'no_targeting_course', null, null, null,"
        " min(capability_id), null, true from marts.dim_capability",
    ),
    (
        "marts.mart_content_gap",
        "counts_match_suppression",
        "update {table} set is_suppressed = not is_suppressed " + ONE,
        " where report_type = 'no_targeting_course'",
    ),
    (
        "marts.mart_content_gap",
        "counts_nest",
        "update {table} set followed_up_count = employee_count + 1 " + ONE,
        " where report_type = 'gap_open_after_course' and not is_suppressed",
    ),
    (
        "marts.mart_content_gap",
        "no_course_reaches_bar",
        "update {table} set required_level = 1 " + ONE,
        " where report_type = 'no_targeting_course'",
    ),
    (
        "marts.mart_content_gap",
        "course_develops_capability",
        f"insert into {{table}} ({CONTENT_GAP_KEYS}) select 'gap_open_after_course', null, null, course.course_id,"
        " capability.capability_id, null, true from marts.dim_course as course cross join marts.dim_capability"
        " as capability where not exists (select 1 from marts.bridge_course_capability as bridge"
        " where bridge.course_id = course.course_id and bridge.capability_id = capability.capability_id) limit 1",
    ),
    (
        "marts.mart_content_gap",
        "capability_in_dim_capability",
        f"insert into {{table}} ({CONTENT_GAP_KEYS}) select 'no_targeting_course', date '1990-01-01',"
        " min(job_profile_id), null, 'nope', 3, true from marts.dim_job",
    ),
    (
        "marts.mart_content_gap",
        "job_in_dim_job",
        f"insert into {{table}} ({CONTENT_GAP_KEYS}) select 'no_targeting_course', date '1990-01-01', 'nojob',"
        " null, min(capability.capability_id), 5, true from marts.dim_capability as capability"
        " where not exists (select 1 from marts.bridge_course_capability as bridge"
        " where bridge.capability_id = capability.capability_id and bridge.target_level >= 5)",
    ),
    (
        "marts.mart_content_gap",
        "course_in_dim_course",
        f"insert into {{table}} ({CONTENT_GAP_KEYS}) select 'gap_open_after_course', null, null, 'nocourse',"
        " min(capability_id), null, true from marts.dim_capability",
    ),
    ("marts.mart_capability_gap", "capability_in_dim_capability", "update {table} set capability_id = 'nope' " + ONE),
    ("marts.mart_capability_gap", "org_unit_in_dim_org_unit", "update {table} set org_unit_id = 'nowhere' " + ONE),
    ("marts.mart_capability_gap", "job_in_dim_job", "update {table} set job_profile_id = 'nojob' " + ONE),
    ("marts.mart_capability_gap", "month_in_dim_date", "update {table} set month_start_on = date '1999-01-01' " + ONE),
    ("raw_framework.course_capabilities", "capability_exists", "update {table} set capability_id = 'nope' " + ONE),
    ("raw_framework.required_levels", "profile_exists", "update {table} set job_profile_id = 'nope' " + ONE),
    ("raw_framework.required_levels", "capability_exists", "update {table} set capability_id = 'nope' " + ONE),
    (
        "raw_framework.required_levels",
        "validity_is_ordered",
        "update {table} set effective_to = '2000-01-01' " + ONE,
        " where effective_to = ''",
    ),
    ("raw_hris.job_info", "employee_in_directory", "update {table} set employee_id = '999999' " + ONE),
    (
        "raw_lms.statements",
        "score_scaled",
        "update {table} set statement = json_merge_patch(statement, {patch}) " + ONE,
        " where json_extract_string(statement, '$.result.score.scaled') is not null",
    ),
    ("raw_performance.competencies", "name_in_framework", "update {table} set name = 'Juggling' " + ONE),
    ("raw_performance.review_cycles", "period_is_ordered", "update {table} set end_date = '2000-01-01' " + ONE),
    ("raw_performance.reviews", "cycle_exists", "update {table} set review_cycle_id = 'cyc_nope' " + ONE),
    (
        "raw_performance.reviews__competency_ratings",
        "parent_review_exists",
        "update {table} set _dlt_parent_id = 'nope' " + ONE,
    ),
    (
        "raw_performance.reviews__competency_ratings",
        "competency_exists",
        "update {table} set competency_id = 'cmp_nope' " + ONE,
    ),
]
# the connector tables' suites (raw_lms.docebo_*, raw_finance, raw_hris history and
# snapshots, raw_performance goals/feedback/15Five/Culture Amp) and fct_goal / fct_check_in
DERIVED_CASES += [
    ("raw_lms.docebo_enrollments", "user_exists", "update {table} set user_id = 999999 " + ONE),
    ("raw_lms.docebo_enrollments", "course_exists", "update {table} set course_id = 999 " + ONE),
    (
        "raw_lms.docebo_enrollments",
        "completion_after_enrolment",
        "update {table} set enrollment_completion_date = enrollment_date - interval 1 day " + ONE,
        " where enrollment_completion_date is not null",
    ),
    (
        "raw_lms.docebo_enrollments",
        "completed_has_date",
        "update {table} set enrollment_completion_date = null " + ONE,
        " where enrollment_status = 'completed'",
    ),
    (
        "raw_lms.docebo_enrollments",
        "completion_days_after_load",
        "update {table} set enrollment_completion_date = timestamp '2999-01-01' " + ONE,
        " where enrollment_completion_date is not null",
    ),
    ("raw_lms.docebo_learning_plans__courses", "plan_exists", "update {table} set _dlt_parent_id = 'nope' " + ONE),
    ("raw_lms.docebo_learning_plans__courses", "course_exists", "update {table} set id_course = 999 " + ONE),
    ("raw_lms.docebo_external_training", "user_exists", "update {table} set user_id = 999999 " + ONE),
    ("raw_lms.docebo_external_training", "dates_ordered", "update {table} set to_date = '2000-01-01' " + ONE),
    (
        "raw_finance.course_prices",
        "validity_is_ordered",
        "update {table} set valid_to = valid_from - 1 " + ONE,
        " where valid_to is not null",
    ),
    ("raw_finance.vendor_invoices", "period_is_ordered", "update {table} set period_end = period_start - 1 " + ONE),
    (
        "raw_finance.vendor_invoices",
        "invoice_days_after_load",
        "update {table} set invoice_date = date '2999-01-01' " + ONE,
    ),
    ("raw_finance.instructor_costs", "amount_matches_days", "update {table} set amount = amount + 1 " + ONE),
    (
        "raw_finance.instructor_costs",
        "session_days_after_load",
        "update {table} set session_date = date '2999-01-01' " + ONE,
    ),
    (
        "raw_finance.venue_costs",
        "session_days_after_load",
        "update {table} set session_date = date '2999-01-01' " + ONE,
    ),
    ("raw_hris.employment_status", "employee_in_directory", "update {table} set employee_id = '999999' " + ONE),
    (
        "raw_hris.employment_status",
        "termination_has_type",
        "update {table} set termination_type_id = null " + ONE,
        " where employment_status = 'Terminated'",
    ),
    ("raw_hris.employment_status", "effective_days_after_load", "update {table} set \"date\" = '2999-01-01' " + ONE),
    (
        "raw_hris.workday_workers",
        "snapshot_days_after_load",
        "update {table} set snapshot_on = date '2999-01-01' " + ONE,
    ),
    ("raw_hris.hr_file_records", "hire_days_after_load", "update {table} set hire_date = date '2999-01-01' " + ONE),
    (
        "raw_hris.hr_file_records",
        "days_employed_before_termination",
        "update {table} set termination_date = hire_date - 1 " + ONE,
    ),
    ("raw_performance.goals", "owner_exists", "update {table} set owner_id = 'usr_nope' " + ONE),
    ("raw_performance.goals", "dates_ordered", "update {table} set due_date = '2000-01-01' " + ONE),
    ("raw_performance.feedbacks", "giver_exists", "update {table} set from_id = 'usr_nope' " + ONE),
    ("raw_performance.feedbacks", "recipient_exists", "update {table} set to_id = 'usr_nope' " + ONE),
    ("raw_performance.feedbacks", "not_to_self", "update {table} set to_id = from_id " + ONE),
    (
        "raw_performance.feedbacks",
        "created_days_after_load",
        "update {table} set created_at = timestamp '2999-01-01' " + ONE,
    ),
    ("raw_performance.checkins", "user_exists", "update {table} set user_id = 999999 " + ONE),
    ("raw_performance.checkins", "week_is_ordered", "update {table} set week_start = '2999-01-01' " + ONE),
    (
        "raw_performance.checkins",
        "submitted_days_after_load",
        "update {table} set submit_ts = timestamp '2999-01-01' " + ONE,
    ),
    ("raw_performance.fifteen_five_users", "reviewer_exists", "update {table} set reviewer_id = 999999 " + ONE),
    (
        "raw_performance.culture_amp_performance_cycles",
        "period_is_ordered",
        "update {table} set period_end = '2000-01-01' " + ONE,
    ),
    (
        "raw_performance.culture_amp_manager_reviews",
        "employee_exists",
        "update {table} set employee_id = 'nope' " + ONE,
    ),
    (
        "raw_performance.culture_amp_manager_reviews",
        "cycle_exists",
        "update {table} set performance_cycle_id = 'nope' " + ONE,
    ),
    ("raw_performance.culture_amp_manager_reviews", "bucket_on_scale", "update {table} set rating__value = 7 " + ONE),
    (
        "raw_performance.culture_amp_manager_reviews",
        "submitted_days_after_load",
        "update {table} set submitted_at = timestamp '2999-01-01' " + ONE,
    ),
    ("marts.fct_goal", "employee_in_dim_employee", "update {table} set employee_id = 'E99999' " + ONE),
    (
        "marts.fct_goal",
        "attainment_matches_values",
        "update {table} set attainment = attainment + 0.1 " + ONE,
        " where attainment is not null",
    ),
    ("marts.fct_goal", "goal_year_matches_dates", "update {table} set goal_year = goal_year + 1 " + ONE),
    ("marts.fct_goal", "dates_ordered", "update {table} set due_on = start_on - 1 " + ONE),
    ("marts.fct_check_in", "employee_in_dim_employee", "update {table} set employee_id = 'E99999' " + ONE),
    ("marts.fct_check_in", "reviewer_in_dim_employee", "update {table} set reviewer_employee_id = 'E99999' " + ONE),
    ("marts.fct_check_in", "week_is_ordered", "update {table} set week_end_on = week_start_on - 1 " + ONE),
    (
        "marts.fct_check_in",
        "submitted_in_or_after_week",
        "update {table} set submitted_at = submitted_at - interval 30 day " + ONE,
    ),
    # the convergence chain: goal x year x programme
    (
        "marts.mart_goal_impact",
        "one_row_per_goal_year_programme",
        "insert into {table} select * from {table} limit 1",
    ),
    (
        "marts.mart_goal_impact",
        "reach_nests",
        "update {table} set completer_count = reached_count + 1 " + ONE,
        " where not is_suppressed",
    ),
    (
        "marts.mart_goal_impact",
        "suppression_matches_group_size",
        "update {table} set is_suppressed = true, people_with_open_gap_count = null,"
        " reached_with_open_gap_count = null, open_gap_reach_share = null " + ONE,
        " where people_concerned_count >= 5 and people_with_open_gap_count > 0",
    ),
    (
        "marts.mart_goal_impact",
        "share_matches_counts",
        "update {table} set open_gap_reach_share = open_gap_reach_share + 0.1 " + ONE,
        " where open_gap_reach_share is not null",
    ),
    (
        "marts.mart_goal_impact",
        "attribution_within_spend",
        "update {table} set attributed_spend_amount = spend_amount + 1 " + ONE,
        " where spend_amount is not null",
    ),
    (
        "marts.mart_goal_impact",
        "kpi_status_matches_counts",
        "update {table} set kpi_evaluation_status = 'effect_found' " + ONE,
        " where kpi_estimate_count = 0",
    ),
    # data health, the impact balance table and cmi5 (the last two may be empty: rows are inserted)
    (
        "marts.mart_hr_data_health",
        "active_within_employees",
        "update {table} set active_employee_count = employee_count + 1",
    ),
    (
        "marts.mart_hr_data_health",
        "manager_problems_within_given",
        "update {table} set manager_unknown_count = manager_given_count + 1",
    ),
    (
        "marts.mart_hr_data_health",
        "snapshot_range_in_order",
        "update {table} set snapshot_count = 2, first_snapshot_on = date '2024-02-01',"
        " last_snapshot_on = date '2024-01-01'",
    ),
    (
        "marts.mart_learning_impact_balance",
        "balanced_flag_matches_smd",
        "update {table} set is_balanced = not is_balanced " + ONE,
        " where smd_after is not null",
    ),
    (
        "marts.mart_learning_impact_balance",
        "one_row_per_covariate",
        "insert into {table} select * from {table} limit 1",
    ),
    (
        "marts.mart_xapi_conformance",
        "first_rule_within_rule",
        "insert into {table} values ('corrupt.rule', 1, 2, 'corrupt.rule: made up')",
    ),
    (
        "marts.mart_cmi5_attempts",
        "one_row_per_attempt",
        CMI5_ATTEMPT.format(registration="r1") + ", " + CMI5_VALUES.format(registration="r1"),
    ),
    (
        "marts.mart_cmi5_attempts",
        "ended_sessions_within_sessions",
        CMI5_ATTEMPT.format(registration="r1").replace("1, 1, 0, 0.5", "1, 1, 1, 0.5"),
    ),
    (
        "marts.mart_cmi5_attempts",
        "passed_has_pass_time",
        CMI5_ATTEMPT.format(registration="r1").replace("true, timestamp '2024-01-01 09:20'", "true, null", 1),
    ),
    (
        "marts.mart_cmi5_attempts",
        "completed_has_completion_time",
        CMI5_ATTEMPT.format(registration="r1").replace("true, timestamp '2024-01-01 09:10'", "true, null", 1),
    ),
]
# failed on purpose elsewhere: tests/test_expectations.py (SCD2 flags, hire date) and above (freshness)
DERIVED_TESTED_ELSEWHERE = {
    # corrupted one by one in test_expectations.py
    ("marts.mart_load_reconciliation", "counts_balance"),
    ("marts.mart_load_reconciliation", "flags_match_counts"),
    ("marts.mart_load_reconciliation", "rejected_loads_nothing"),
    ("marts.mart_load_reconciliation", "latest_flag_matches_load"),
    # corrupted one by one in test_mart_suites.py
    ("marts.mart_learning_impact", "power_gate_holds"),
    ("marts.mart_learning_impact", "design_checks_gate_status"),
    ("marts.mart_learning_impact", "balance_gate_holds"),
    ("marts.mart_learning_impact", "balance_table_matches"),
    ("marts.mart_learning_impact", "significant_matches_adjusted_p"),
    ("marts.mart_learning_impact", "adjusted_p_matches_family"),
    ("marts.mart_learning_impact", "conclusion_matches_result"),
    ("marts.mart_learning_impact", "no_claim_when_interval_crosses_zero"),
    ("marts.dim_employee", "current_rows_for_employee"),
    ("marts.dim_employee", "is_current_matches_valid_to"),
    ("marts.mart_capability_gap", "band_matches_gap"),
    ("marts.fct_review", "employee_in_dim_employee"),
    ("raw_hris.employees", "hire_days_after_load"),
    *((name, "load_age_hours") for name, spec in load_suites().items() if "load_age_hours" in spec.derived_columns),
    # corrupted in their own files: the impact mart in tests/test_impact.py, spend and ROI
    # in tests/test_expectations.py, the rollup, identity, recommendation and retention
    # suites in tests/test_mart_suites.py, turnover and check-in cadence in
    # tests/test_people_metrics.py
    ("marts.fct_training_spend", "amount_matches_share"),
    ("marts.fct_training_spend", "line_shares_add_up"),
    ("marts.fct_training_spend", "participant_time_matches_hours"),
    ("marts.fct_training_spend", "spend_on_in_month"),
    ("marts.mart_capability_gap_by_job_profile", "counts_add_up"),
    ("marts.mart_capability_gap_by_job_profile", "coverage_share_matches_counts"),
    ("marts.mart_capability_gap_by_job_profile", "group_size_matches_source"),
    ("marts.mart_capability_gap_by_job_profile", "measures_match_suppression"),
    ("marts.mart_capability_gap_by_job_profile", "open_gap_share_matches_counts"),
    ("marts.mart_capability_gap_by_org_unit", "counts_add_up"),
    ("marts.mart_capability_gap_by_org_unit", "coverage_share_matches_counts"),
    ("marts.mart_capability_gap_by_org_unit", "group_size_matches_source"),
    ("marts.mart_capability_gap_by_org_unit", "measures_match_suppression"),
    ("marts.mart_capability_gap_by_org_unit", "open_gap_share_matches_counts"),
    ("marts.mart_identity_match_report", "counts_add_up"),
    ("marts.mart_learning_impact", "interval_contains_estimate"),
    ("marts.mart_learning_impact", "interval_is_95_percent"),
    ("marts.mart_learning_impact", "mde_matches_std_error"),
    ("marts.mart_learning_impact", "number_only_when_evaluated"),
    ("marts.mart_learning_impact", "programme_in_dim_course"),
    ("marts.mart_learning_recommendations", "employee_is_current"),
    ("marts.mart_learning_recommendations", "gap_in_mart_capability_gap"),
    ("marts.mart_learning_recommendations", "gap_matches_levels"),
    ("marts.mart_learning_recommendations", "rank_follows_ordering"),
    ("marts.mart_retention", "measures_match_suppression"),
    ("marts.mart_retention", "turnover_matches_counts"),
    ("marts.mart_turnover", "measures_match_suppression"),
    ("marts.mart_turnover", "split_adds_up"),
    ("marts.mart_turnover", "turnover_matches_counts"),
    ("marts.mart_turnover", "costed_within_leavers"),
    ("marts.mart_turnover", "partial_only_at_as_of"),
    ("marts.mart_turnover", "unit_within_company"),
    ("marts.mart_check_in_cadence", "measures_match_suppression"),
    ("marts.mart_check_in_cadence", "share_matches_counts"),
    ("marts.mart_check_in_cadence", "gaps_per_report_matches"),
    ("marts.mart_check_in_cadence", "response_only_when_responded"),
    ("marts.mart_check_in_cadence", "manager_in_dim_employee"),
    ("marts.mart_training_roi", "bcr_matches_benefit_and_cost"),
    ("marts.mart_training_roi", "benefit_matches_estimate"),
    ("marts.mart_training_roi", "cost_matches_parts"),
    ("marts.mart_training_roi", "evaluated_matches_reason"),
    ("marts.mart_training_roi_sensitivity", "roi_matches_benefit_and_cost"),
    ("marts.mart_training_portfolio", "spend_adds_up"),
    ("marts.mart_training_portfolio", "share_matches_spend"),
    ("marts.mart_training_portfolio", "roi_only_with_evaluated_spend"),
    ("marts.mart_training_budget", "variance_matches"),
    ("marts.mart_training_roi", "roi_band_matches_interval"),
    ("marts.mart_training_roi", "roi_matches_benefit_and_cost"),
}
# Derived checks that were seen failing on corrupted copies of the demo warehouse when
# their suites were written, but have no automated corruption yet. Listed one by one so
# a new check without a corruption still fails the test below; shrink this list.
DERIVED_AWAITING_CORRUPTION = {
    ("marts.bridge_course_capability", "capability_in_dim_capability"),
    ("marts.bridge_course_capability", "course_in_dim_course"),
    ("marts.fct_training_spend", "line_id_matches_type"),
    ("marts.fct_training_spend", "org_unit_in_dim_org_unit"),
    ("marts.fct_training_spend", "programme_in_dim_course"),
    ("marts.mart_bench_strength", "bench_ratio_matches_counts"),
    ("marts.mart_bench_strength", "is_latest_month"),
    ("marts.mart_bench_strength", "job_in_dim_job"),
    ("marts.mart_bench_strength", "readiness_counts_add_up"),
    ("marts.mart_bench_strength", "successor_flag_matches_count"),
    ("marts.mart_nine_box_by_org_unit", "org_unit_in_dim_org_unit"),
    ("marts.mart_succession_candidates", "employee_in_dim_employee"),
    ("marts.mart_succession_candidates", "is_latest_month"),
    ("marts.mart_capability_gap_by_job_profile", "capability_in_dim_capability"),
    ("marts.mart_capability_gap_by_job_profile", "job_in_dim_job"),
    ("marts.mart_capability_gap_by_job_profile", "month_in_dim_date"),
    ("marts.mart_capability_gap_by_org_unit", "capability_in_dim_capability"),
    ("marts.mart_capability_gap_by_org_unit", "month_in_dim_date"),
    ("marts.mart_capability_gap_by_org_unit", "org_unit_in_dim_org_unit"),
    ("marts.mart_identity_match_report", "matched_share_matches_counts"),
    ("marts.mart_learning_alignment", "aligned_within_hours"),
    ("marts.mart_learning_alignment", "capability_in_dim_capability"),
    ("marts.mart_learning_alignment", "course_develops_capability"),
    ("marts.mart_learning_alignment", "course_in_dim_course"),
    ("marts.mart_learning_alignment", "employee_in_dim_employee"),
    ("marts.mart_learning_alignment", "job_in_dim_job"),
    ("marts.mart_learning_alignment", "month_in_dim_date"),
    ("marts.mart_learning_alignment", "org_unit_in_dim_org_unit"),
    ("marts.mart_learning_alignment", "share_matches_hours"),
    ("marts.mart_learning_effectiveness", "completion_rate_matches_counts"),
    ("marts.mart_learning_effectiveness", "cost_per_employee_matches"),
    ("marts.mart_learning_effectiveness", "cost_per_hour_matches"),
    ("marts.mart_learning_effectiveness", "counts_nest"),
    ("marts.mart_learning_effectiveness", "course_in_dim_course"),
    ("marts.mart_learning_effectiveness", "hours_per_employee_matches"),
    ("marts.mart_learning_effectiveness", "l2_matches_scored"),
    ("marts.mart_learning_effectiveness", "l3_matches_learners"),
    ("marts.mart_learning_effectiveness", "on_time_rate_matches_due"),
    ("marts.mart_learning_effectiveness", "reach_matches_counts"),
    ("marts.mart_learning_effectiveness", "year_in_dim_date"),
    ("marts.mart_learning_impact", "plan_id_matches_parts"),
    ("marts.mart_learning_impact", "pre_trend_holds"),
    ("marts.mart_learning_recommendations", "capability_in_dim_capability"),
    ("marts.mart_learning_recommendations", "course_in_dim_course"),
    ("marts.mart_learning_recommendations", "course_reaches_bar"),
    ("marts.mart_learning_recommendations", "is_latest_month"),
    ("marts.mart_learning_recommendations", "rank_within_candidates"),
    ("marts.mart_rater_calibration", "capability_leniency_matches"),
    ("marts.mart_rater_calibration", "cycle_in_fct_review"),
    ("marts.mart_rater_calibration", "manager_in_dim_employee"),
    ("marts.mart_rater_calibration", "org_means_constant_in_cycle"),
    ("marts.mart_rater_calibration", "overall_leniency_matches"),
    ("marts.mart_rater_calibration", "self_gap_matches_count"),
    ("marts.mart_rater_calibration", "small_sample_matches_count"),
    ("marts.mart_retention", "cohort_not_after_year"),
    ("marts.mart_retention", "leavers_within_headcount"),
    ("marts.mart_retention", "year_in_dim_date"),
    ("marts.mart_training_roi", "programme_in_dim_course"),
    # corrupted one by one on a hand-made audit in tests/test_bias_audit.py
    *(
        ("marts.mart_calibration_shift", column)
        for column in (
            "cycle_in_fct_review",
            "measures_match_suppression",
            "moved_shares_add_up",
            "no_single_suppressed_value",
            "p_values_match_statistics",
            "population_constant_in_cycle",
            "shift_matches_means",
            "significance_matches_p_values",
        )
    ),
    *(
        ("marts.mart_rating_bias_audit", column)
        for column in (
            "cycle_in_fct_review",
            "difference_matches_means",
            "distribution_adds_up",
            "measures_match_suppression",
            "no_single_suppressed_value",
            "p_values_match_statistics",
            "population_matches_fct_review",
            "row_key",
            "significance_matches_p_values",
            "statistics_signed_like_differences",
        )
    ),
}


def test_every_derived_check_has_a_corruption() -> None:
    derived = {(name, column) for name, spec in load_suites().items() for column in spec.derived_columns}
    covered = {(case[0], case[1]) for case in DERIVED_CASES} | DERIVED_TESTED_ELSEWHERE
    assert derived == covered | DERIVED_AWAITING_CORRUPTION
    assert not covered & DERIVED_AWAITING_CORRUPTION, "tested now: remove it from DERIVED_AWAITING_CORRUPTION"


@pytest.mark.parametrize(
    ("suite", "column", "sql", "cond"),
    [(*c, "")[:4] for c in DERIVED_CASES],
    ids=[f"{c[0]}:{c[1]}" for c in DERIVED_CASES],
)
def test_derived_check_fails_on_its_corruption(corrupt, suite: str, column: str, sql: str, cond: str) -> None:
    from expectations import validate_all

    copy = corrupt(sql.format(table=suite, cond=cond, patch="""'{"result": {"score": {"scaled": 1.5}}}'"""))
    (result,) = validate_all(str(copy), [suite])

    assert result.error is None
    failed = {(o.column, o.severity) for o in result.failed}
    severity = next(o.severity for o in result.expectations if o.column == column)
    assert failed == {(column, severity)}
    (outcome,) = result.failed
    assert outcome.unexpected_count >= 1
