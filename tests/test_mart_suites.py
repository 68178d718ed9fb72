"""The mart suites added for issue 5, against a small hand-made DuckDB warehouse.

The warehouse holds one month of capability gaps for six people (a shown group of five
in `eng`, a suppressed group of one in `ops`), its org-unit rollup, ranked course
recommendations for one open gap, the course map, the identity match report and a
retention table, each valid; every value below is worked out by hand from the gap rows.
Each test then breaks one invariant the way a faulty model would (a duplicated grain
row, a value off its scale, an arithmetic relation that no longer holds) and checks that
exactly the expectation guarding it fails. tests/test_quality.py validates every suite
on a real demo warehouse. The last test runs the same suites on PostgreSQL, where the
derived columns (row-value IN, windows, correlated EXISTS) must work unchanged.
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `pytest` run without `python -m` from the repo root
    sys.path.insert(0, str(ROOT))

from expectations import validate_all, validate_table  # noqa: E402

WAREHOUSE_SQL = """
create schema marts;

create table marts.dim_employee (employee_id varchar, is_current boolean, termination_date date);
insert into marts.dim_employee values
    ('E1', true, null), ('E2', true, null), ('E3', true, null),
    ('E4', true, null), ('E5', true, null), ('E6', true, null);
create table marts.dim_org_unit (org_unit_id varchar);
insert into marts.dim_org_unit values ('eng'), ('ops');
create table marts.dim_job (job_profile_id varchar);
insert into marts.dim_job values ('JP-ENG');
create table marts.dim_capability (capability_id varchar);
insert into marts.dim_capability values ('CAP-01');
create table marts.dim_course (course_id varchar, course_name varchar);
insert into marts.dim_course values ('CRS-1', 'One'), ('CRS-2', 'Two'), ('CRS-3', null);
create table marts.dim_date (date_day date, month_start_on date, year_number integer);
insert into marts.dim_date values ('2024-07-01', '2024-07-01', 2024), ('2024-07-02', '2024-07-01', 2024);

create table marts.bridge_course_capability (course_id varchar, capability_id varchar, target_level integer);
insert into marts.bridge_course_capability values
    ('CRS-1', 'CAP-01', 3), ('CRS-2', 'CAP-01', 4), ('CRS-3', 'CAP-01', 3);

create table marts.mart_capability_gap (
    month_start_on date, employee_id varchar, capability_id varchar, org_unit_id varchar,
    job_profile_id varchar, required_level integer, manager_assessed_level integer,
    gap_levels integer, gap_band varchar, perception_gap integer, is_open_gap boolean,
    is_new_in_role boolean
);
insert into marts.mart_capability_gap values
    ('2024-07-01', 'E1', 'CAP-01', 'eng', 'JP-ENG', 3, 1, 2, 'low', 1, true, false),
    ('2024-07-01', 'E2', 'CAP-01', 'eng', 'JP-ENG', 3, 2, 1, 'low', null, true, false),
    ('2024-07-01', 'E3', 'CAP-01', 'eng', 'JP-ENG', 3, 3, 0, 'intermediate', null, false, false),
    ('2024-07-01', 'E4', 'CAP-01', 'eng', 'JP-ENG', 3, 4, -1, 'high', null, false, false),
    ('2024-07-01', 'E5', 'CAP-01', 'eng', 'JP-ENG', 3, null, null, 'not_assessed', null, false, false),
    ('2024-07-01', 'E6', 'CAP-01', 'ops', 'JP-ENG', 3, 1, 2, 'low', null, true, false);

-- eng: 5 people, 4 assessed, gaps 2, 1, 0, -1: 2 open (low), 1 intermediate, 1 high,
-- shortfall 3, coverage 0.8, open share 0.5, mean gap 0.5, mean perception gap 1.
-- ops: 1 person, suppressed.
create table marts.mart_capability_gap_by_org_unit (
    month_start_on date, org_unit_id varchar, capability_id varchar, is_suppressed boolean,
    employee_count integer, assessed_employee_count integer, open_gap_count integer,
    low_band_count integer, intermediate_band_count integer, high_band_count integer,
    shortfall_levels integer, assessment_coverage_share double precision, open_gap_share double precision,
    avg_gap_levels double precision, avg_required_level double precision, avg_perception_gap double precision,
    new_in_role_gap_count integer
);
insert into marts.mart_capability_gap_by_org_unit values
    ('2024-07-01', 'eng', 'CAP-01', false, 5, 4, 2, 2, 1, 1, 3, 0.8, 0.5, 0.5, 3.0, 1.0, 0),
    ('2024-07-01', 'ops', 'CAP-01', true, null, null, null, null, null, null, null, null, null, null, null, null,
     null);

-- E1's open gap on CAP-01 (required 3, assessed 1): CRS-1 and CRS-3 reach the bar
-- exactly (ranked by course id), CRS-2 overshoots by one level.
create table marts.mart_learning_recommendations (
    month_start_on date, employee_id varchar, work_email varchar, capability_id varchar,
    course_id varchar, course_name varchar, recommendation_rank integer, required_level integer,
    manager_assessed_level integer, gap_levels integer, target_level integer,
    open_gaps_covered integer, recommendation_reason varchar
);
insert into marts.mart_learning_recommendations values
    ('2024-07-01', 'E1', 'e1@example.com', 'CAP-01', 'CRS-1', 'One', 1, 3, 1, 2, 3, 1, 'Open gap'),
    ('2024-07-01', 'E1', 'e1@example.com', 'CAP-01', 'CRS-3', null, 2, 3, 1, 2, 3, 1, 'Open gap'),
    ('2024-07-01', 'E1', 'e1@example.com', 'CAP-01', 'CRS-2', 'Two', 3, 3, 1, 2, 4, 1, 'Open gap');

create table marts.mart_identity_match_report (
    source_system varchar, identity_count integer, matched_count integer,
    ambiguous_count integer, unmatched_count integer, matched_share double precision
);
insert into marts.mart_identity_match_report values
    ('hris', 10, 10, 0, 0, 1.0), ('lms', 10, 9, 0, 1, 0.9), ('performance', 20, 19, 1, 0, 0.95);

create table marts.mart_retention (
    year_number integer, hire_year_cohort integer, is_trained boolean, is_suppressed boolean,
    headcount integer, leaver_count integer, turnover_rate double precision
);
insert into marts.mart_retention values
    (2024, 2020, true, false, 10, 2, 0.2),
    (2024, 2020, false, true, null, null, null),
    (2024, 2021, false, false, 8, 2, 0.25);
"""

SUITES = [
    "bridge_course_capability",
    "mart_capability_gap_by_org_unit",
    "mart_identity_match_report",
    "mart_learning_recommendations",
    "mart_retention",
]


def build_warehouse(path: Path, *corruptions: str) -> str:
    """The valid warehouse above, then each corruption statement."""
    con = duckdb.connect(str(path))
    try:
        con.execute(WAREHOUSE_SQL)
        for statement in corruptions:
            con.execute(statement)
    finally:
        con.close()
    return str(path)


def failed(result) -> set[tuple[str, str | None, str]]:
    """(expectation type, column, severity) of each failed expectation."""
    assert result.error is None, result.error
    return {(e.expectation_type, e.column, e.severity) for e in result.failed}


@pytest.mark.parametrize("table", SUITES)
def test_valid_marts_pass_every_expectation(tmp_path: Path, table: str) -> None:
    result = validate_table(build_warehouse(tmp_path / "w.duckdb"), "marts", table)

    assert failed(result) == set()
    assert result.success
    assert all(e.exception is None for e in result.expectations)


def test_duplicated_rollup_group_fails_the_grain(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "insert into marts.mart_capability_gap_by_org_unit"
        " select * from marts.mart_capability_gap_by_org_unit where org_unit_id = 'eng'",
    )
    result = validate_table(path, "marts", "mart_capability_gap_by_org_unit")

    assert failed(result) == {
        ("expect_compound_columns_to_be_unique", "month_start_on, org_unit_id, capability_id", "error")
    }
    assert not result.success


def test_small_group_shown_fails_suppression(tmp_path: Path) -> None:
    """The one-person `ops` group published with its counts: the flag says shown, the
    source says one person."""
    path = build_warehouse(
        tmp_path / "w.duckdb",
        """update marts.mart_capability_gap_by_org_unit
           set is_suppressed = false, employee_count = 1, assessed_employee_count = 1, open_gap_count = 1,
               low_band_count = 1, intermediate_band_count = 0, high_band_count = 0, shortfall_levels = 2,
               assessment_coverage_share = 1, open_gap_share = 1, avg_gap_levels = 2, avg_required_level = 3,
               new_in_role_gap_count = 0
           where org_unit_id = 'ops'""",
    )
    result = validate_table(path, "marts", "mart_capability_gap_by_org_unit")

    assert failed(result) == {("expect_column_values_to_be_in_set", "group_size_matches_source", "error")}
    (outcome,) = result.failed
    assert outcome.unexpected_count == 1


def test_rollup_share_off_its_counts_fails_the_arithmetic(tmp_path: Path) -> None:
    """Open gaps over all employees (2 / 5) instead of over the assessed (2 / 4)."""
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_capability_gap_by_org_unit set open_gap_share = 0.4 where org_unit_id = 'eng'",
    )
    result = validate_table(path, "marts", "mart_capability_gap_by_org_unit")

    assert failed(result) == {("expect_column_values_to_be_in_set", "open_gap_share_matches_counts", "error")}


def test_band_counts_that_do_not_add_up_fail(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_capability_gap_by_org_unit set high_band_count = 2 where org_unit_id = 'eng'",
    )
    result = validate_table(path, "marts", "mart_capability_gap_by_org_unit")

    assert failed(result) == {("expect_column_values_to_be_in_set", "counts_add_up", "error")}


def test_recommendation_gap_off_the_scale_fails(tmp_path: Path) -> None:
    """A gap of 5 levels cannot come from two levels on the 1-5 scale, nor from the gap mart."""
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_learning_recommendations set gap_levels = 5 where course_id = 'CRS-2'",
    )
    result = validate_table(path, "marts", "mart_learning_recommendations")

    assert failed(result) == {
        ("expect_column_values_to_be_between", "gap_levels", "error"),
        ("expect_column_values_to_be_in_set", "gap_matches_levels", "error"),
    }
    between = next(e for e in result.failed if e.column == "gap_levels")
    assert between.unexpected_sample == (5,)


def test_recommendation_ranked_against_the_rule_fails(tmp_path: Path) -> None:
    """The overshooting course ranked first, ahead of the two that meet the bar exactly."""
    path = build_warehouse(
        tmp_path / "w.duckdb",
        """update marts.mart_learning_recommendations
           set recommendation_rank = case course_id when 'CRS-2' then 1 when 'CRS-1' then 2 else 3 end""",
    )
    result = validate_table(path, "marts", "mart_learning_recommendations")

    assert failed(result) == {("expect_column_values_to_be_in_set", "rank_follows_ordering", "error")}


def test_recommendation_for_a_closed_gap_or_a_leaver_fails(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_capability_gap set manager_assessed_level = 3, gap_levels = 0,"
        " gap_band = 'intermediate', is_open_gap = false where employee_id = 'E1'",
        "update marts.dim_employee set termination_date = '2024-07-15' where employee_id = 'E1'",
    )
    result = validate_table(path, "marts", "mart_learning_recommendations")

    assert failed(result) == {
        ("expect_column_values_to_be_in_set", "gap_in_mart_capability_gap", "error"),
        ("expect_column_values_to_be_in_set", "employee_is_current", "error"),
    }
    by_column = {e.column: e.unexpected_count for e in result.failed}
    assert by_column == {"gap_in_mart_capability_gap": 3, "employee_is_current": 3}


def test_identity_counts_that_do_not_add_up_fail(tmp_path: Path) -> None:
    """An ambiguous identifier dropped from the counts but not from the total."""
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_identity_match_report set ambiguous_count = 0 where source_system = 'performance'",
    )
    result = validate_table(path, "marts", "mart_identity_match_report")

    assert failed(result) == {("expect_column_values_to_be_in_set", "counts_add_up", "error")}


def test_identity_match_rate_below_the_bar_only_warns(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_identity_match_report set matched_count = 5, unmatched_count = 5, matched_share = 0.5"
        " where source_system = 'lms'",
    )
    result = validate_table(path, "marts", "mart_identity_match_report")

    assert failed(result) == {("expect_column_min_to_be_between", "matched_share", "warn")}
    assert result.success  # a finding about the data, not a broken invariant


def test_retention_turnover_off_its_counts_fails(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_retention set turnover_rate = 0.3 where hire_year_cohort = 2021",
    )
    result = validate_table(path, "marts", "mart_retention")

    assert failed(result) == {("expect_column_values_to_be_in_set", "turnover_matches_counts", "error")}


def test_retention_small_group_with_measures_fails(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.mart_retention set headcount = 3, leaver_count = 1, turnover_rate = 1.0 / 3 where is_suppressed",
    )
    result = validate_table(path, "marts", "mart_retention")

    assert failed(result) == {("expect_column_values_to_be_in_set", "measures_match_suppression", "error")}


def test_course_map_target_level_off_the_scale_fails(tmp_path: Path) -> None:
    path = build_warehouse(
        tmp_path / "w.duckdb",
        "update marts.bridge_course_capability set target_level = 6 where course_id = 'CRS-2'",
    )
    result = validate_table(path, "marts", "bridge_course_capability")

    assert failed(result) == {("expect_column_values_to_be_between", "target_level", "error")}


# --- the same suites on PostgreSQL ----------------------------------------------------


def load_postgres(url: str, *corruptions: str) -> None:
    import psycopg2

    con = psycopg2.connect(url)
    con.autocommit = True
    try:
        with con.cursor() as cur:
            cur.execute("drop schema if exists marts, quality cascade")
            cur.execute(WAREHOUSE_SQL)
            for statement in corruptions:
                cur.execute(statement)
    finally:
        con.close()


@pytest.mark.postgres
def test_mart_suites_on_postgres_valid_then_corrupted(postgres_url: str) -> None:
    names = [f"marts.{table}" for table in SUITES]
    load_postgres(postgres_url)
    assert [(r.suite, r.error, r.failed) for r in validate_all(postgres_url, names)] == [
        (name, None, ()) for name in names
    ]

    load_postgres(
        postgres_url,
        "update marts.mart_capability_gap_by_org_unit set employee_count = 6 where org_unit_id = 'eng'",
        """update marts.mart_learning_recommendations
           set recommendation_rank = case course_id when 'CRS-2' then 1 when 'CRS-1' then 2 else 3 end""",
        "update marts.mart_retention set turnover_rate = 0.3 where hire_year_cohort = 2021",
    )
    results = {r.suite: failed(r) for r in validate_all(postgres_url, names)}

    assert results == {
        "marts.bridge_course_capability": set(),
        "marts.mart_capability_gap_by_org_unit": {
            ("expect_column_values_to_be_in_set", "group_size_matches_source", "error"),
            ("expect_column_values_to_be_in_set", "coverage_share_matches_counts", "error"),
        },
        "marts.mart_identity_match_report": set(),
        "marts.mart_learning_recommendations": {
            ("expect_column_values_to_be_in_set", "rank_follows_ordering", "error"),
        },
        "marts.mart_retention": {("expect_column_values_to_be_in_set", "turnover_matches_counts", "error")},
    }


# --- marts.mart_learning_impact: gates, multiplicity, conclusions -----------------------
#
# One engine run (`r1`), worked out by hand. Intervals are estimate +- 1.959964 x SE and
# MDEs 2.801585 x SE. Holm within each method's family (rows with a p-value):
#   did_staggered, m = 3: p 1.97e-9, 0.0164, 0.5050 -> 3 x 1.97e-9 = 5.91e-9,
#     2 x 0.0164 = 0.0328, max(0.0328, 1 x 0.5050) = 0.5050;
#   psm_matched, m = 4: p 1.86e-8, 0.0124, 0.5050, 0.7751 -> 7.44e-8, 3 x 0.0124 = 0.0372,
#     min(1, 2 x 0.5050) = 1.0, max(1.0, 0.7751) = 1.0.
# Rows: D1 capability DiD, MDE 0.224 <= 0.25, significant: estimated, positive effect.
#   D2 rating DiD, MDE 0.140 > 0.10, significant: underpowered, inconclusive.
#   D3 rating DiD, MDE 0.084 <= 0.10, p_adj 0.505: estimated, no evidence of an effect.
#   D4: insufficient evidence, no number. P1 capability matching: largest |SMD| after 0.06,
#   placebo p 0.55: estimated, positive effect. P2 rating matching: |SMD| after 0.14 > 0.1:
#   imbalanced. P3: placebo p 0.01 < 0.05: placebo failed. P4 retention: MDE 0.084 > 0.03:
#   underpowered, no evidence of an effect.
IMPACT_COLUMNS = (
    "plan_id varchar, plan_version varchar, programme_id varchar, outcome varchar, method varchar,"
    " estimate double precision, std_error double precision, ci_low double precision, ci_high double precision,"
    " p_value double precision, p_value_adjusted double precision, significant boolean,"
    " multiplicity_method varchar, multiplicity_family varchar, family_size integer,"
    " n_treated integer, n_comparison integer, pretrend_p_value double precision,"
    " placebo_p_value double precision, pretrend_alpha double precision,"
    " max_abs_smd_before double precision, max_abs_smd_after double precision,"
    " share_treated_off_support double precision, mde double precision,"
    " min_effect_of_interest double precision, status varchar, conclusion varchar, run_id varchar"
)
IMPACT_SQL = f"""
create table marts.mart_learning_impact ({IMPACT_COLUMNS});
insert into marts.mart_learning_impact values
    ('CRS-1:capability_level', 'v1', 'CRS-1', 'capability_level', 'did_staggered',
     0.48, 0.08, 0.32320288, 0.63679712, 1.97e-9, 5.91e-9, true, 'holm', 'did_staggered', 3,
     120, 800, 0.62, null, 0.05, null, null, null, 0.2241268, 0.25, 'estimated', 'positive effect', 'r1'),
    ('CRS-1:review_rating', 'v1', 'CRS-1', 'review_rating', 'did_staggered',
     0.12, 0.05, 0.0220018, 0.2179982, 0.0164, 0.0328, true, 'holm', 'did_staggered', 3,
     120, 800, 0.40, null, 0.05, null, null, null, 0.14007925, 0.10, 'underpowered',
     'inconclusive (underpowered)', 'r1'),
    ('CRS-2:review_rating', 'v1', 'CRS-2', 'review_rating', 'did_staggered',
     -0.02, 0.03, -0.07879892, 0.03879892, 0.5050, 0.5050, false, 'holm', 'did_staggered', 3,
     300, 900, 0.81, null, 0.05, null, null, null, 0.08404755, 0.10, 'estimated',
     'no evidence of an effect', 'r1'),
    ('CRS-2:capability_level', 'v1', 'CRS-2', 'capability_level', 'did_staggered',
     null, null, null, null, null, null, null, null, null, 0,
     12, 400, null, null, 0.05, null, null, null, null, 0.25, 'insufficient evidence', 'not evaluated', 'r1'),
    ('CRS-1:capability_level', 'v1', 'CRS-1', 'capability_level', 'psm_matched',
     0.45, 0.08, 0.29320288, 0.60679712, 1.86e-8, 7.44e-8, true, 'holm', 'psm_matched', 4,
     118, 290, null, 0.55, 0.05, 0.30, 0.06, 0.02, 0.2241268, 0.25, 'estimated', 'positive effect', 'r1'),
    ('CRS-1:review_rating', 'v1', 'CRS-1', 'review_rating', 'psm_matched',
     0.15, 0.06, 0.03240216, 0.26759784, 0.0124, 0.0372, true, 'holm', 'psm_matched', 4,
     118, 290, null, 0.30, 0.05, 0.25, 0.14, 0.0, 0.1680951, 0.10, 'imbalanced',
     'inconclusive (groups not comparable)', 'r1'),
    ('CRS-2:review_rating', 'v1', 'CRS-2', 'review_rating', 'psm_matched',
     -0.01, 0.035, -0.07859874, 0.05859874, 0.7751, 1.0, false, 'holm', 'psm_matched', 4,
     295, 610, null, 0.01, 0.05, 0.20, 0.08, 0.01, 0.09805548, 0.10, 'placebo failed',
     'inconclusive (groups not comparable)', 'r1'),
    ('CRS-2:retention_12m', 'v1', 'CRS-2', 'retention_12m', 'psm_matched',
     0.02, 0.03, -0.03879892, 0.07879892, 0.5050, 1.0, false, 'holm', 'psm_matched', 4,
     280, 700, null, null, 0.05, 0.22, 0.07, 0.0, 0.08404755, 0.03, 'underpowered',
     'no evidence of an effect (underpowered)', 'r1');

create table marts.mart_learning_impact_balance (
    plan_id varchar, method varchar, covariate varchar, smd_before double precision,
    smd_after double precision, run_id varchar
);
insert into marts.mart_learning_impact_balance values
    ('CRS-1:capability_level', 'psm_matched', 'previous', 0.30, 0.06, 'r1'),
    ('CRS-1:capability_level', 'psm_matched', 'job_level', -0.12, 0.03, 'r1'),
    ('CRS-1:capability_level', 'psm_matched', 'org_unit_id=eng', 0.05, 0.0, 'r1'),
    ('CRS-1:review_rating', 'psm_matched', 'previous', 0.25, 0.14, 'r1'),
    ('CRS-1:review_rating', 'psm_matched', 'job_level', 0.10, -0.05, 'r1'),
    ('CRS-2:review_rating', 'psm_matched', 'previous', 0.20, 0.08, 'r1'),
    ('CRS-2:retention_12m', 'psm_matched', 'last_rating', 0.22, -0.07, 'r1'),
    ('CRS-2:retention_12m', 'psm_matched', 'tenure_years', -0.15, 0.02, 'r1');
"""
D1 = "plan_id = 'CRS-1:capability_level' and method = 'did_staggered'"
D2 = "plan_id = 'CRS-1:review_rating' and method = 'did_staggered'"
P2 = "plan_id = 'CRS-1:review_rating' and method = 'psm_matched'"
P3 = "plan_id = 'CRS-2:review_rating' and method = 'psm_matched'"
# The matching family adjusted by Benjamini-Hochberg instead (m = 4, sorted p):
# 1.86e-8 x 4/1 = 7.44e-8, 0.0124 x 4/2 = 0.0248, 0.5050 x 4/3 = 0.673333.., 0.7751 x 4/4
# = 0.7751; each the minimum of itself and those above it: unchanged here.
IMPACT_BH = f"""update marts.mart_learning_impact
    set multiplicity_method = 'benjamini_hochberg',
        p_value_adjusted = case plan_id when 'CRS-1:capability_level' then 7.44e-8
                                        when 'CRS-1:review_rating' then 0.0248
                                        when 'CRS-2:retention_12m' then {0.5050 * 4 / 3!r}
                                        else 0.7751 end
    where method = 'psm_matched'"""


def build_impact_warehouse(path: Path, *corruptions: str) -> str:
    return build_warehouse(path, IMPACT_SQL, *corruptions)


@pytest.mark.parametrize("adjustment", ["holm", "benjamini_hochberg"])
def test_valid_impact_mart_passes_every_expectation(tmp_path: Path, adjustment: str) -> None:
    corruptions = [IMPACT_BH] if adjustment == "benjamini_hochberg" else []
    result = validate_table(
        build_impact_warehouse(tmp_path / "w.duckdb", *corruptions), "marts", "mart_learning_impact"
    )

    assert failed(result) == set()
    assert all(e.exception is None for e in result.expectations)


IMPACT_CORRUPTIONS = {
    # The audit's case: an underpowered number shown to finance as a result.
    "power_gate_holds": f"update marts.mart_learning_impact set status = 'estimated', conclusion = 'positive effect'"
    f" where {D2}",
    # A failed placebo read as a result.
    "design_checks_gate_status": "update marts.mart_learning_impact set status = 'estimated',"
    f" conclusion = 'no evidence of an effect' where {P3}",
    # An imbalanced match passed off as merely underpowered.
    "balance_gate_holds": "update marts.mart_learning_impact set status = 'underpowered',"
    f" conclusion = 'inconclusive (underpowered)' where {P2}",
    # The mart's largest |SMD| no longer that of its balance rows.
    "balance_table_matches": "update marts.mart_learning_impact_balance set smd_after = 0.05"
    " where plan_id = 'CRS-1:capability_level' and covariate = 'previous'",
    "significant_matches_adjusted_p": f"update marts.mart_learning_impact set significant = false where {P2}",
    # No correction at all: the raw p-values copied over (every `significant` unchanged).
    "adjusted_p_matches_family": "update marts.mart_learning_impact set p_value_adjusted = p_value",
    "conclusion_matches_result": f"update marts.mart_learning_impact set conclusion = 'negative effect' where {D1}",
    # A claim whose interval crosses zero (SE 0.25: 0.48 +- 0.49), every other rule kept.
    "no_claim_when_interval_crosses_zero": "update marts.mart_learning_impact set std_error = 0.25,"
    " ci_low = 0.48 - 0.48999100, ci_high = 0.48 + 0.48999100, mde = 0.70039625, min_effect_of_interest = 1.0"
    f" where {D1}",
}


@pytest.mark.parametrize("column", sorted(IMPACT_CORRUPTIONS))
def test_broken_impact_row_fails_exactly_its_check(tmp_path: Path, column: str) -> None:
    path = build_impact_warehouse(tmp_path / "w.duckdb", IMPACT_CORRUPTIONS[column])
    result = validate_table(path, "marts", "mart_learning_impact")

    assert failed(result) == {("expect_column_values_to_be_in_set", column, "error")}
    assert not result.success


@pytest.mark.postgres
def test_impact_suite_on_postgres_valid_then_corrupted(postgres_url: str) -> None:
    """The correlated subqueries (Holm and Benjamini-Hochberg recomputed, the balance
    table) work unchanged on PostgreSQL."""
    load_postgres(postgres_url, IMPACT_SQL)
    (result,) = validate_all(postgres_url, ["marts.mart_learning_impact"])
    assert (result.error, failed(result)) == (None, set())

    load_postgres(postgres_url, IMPACT_SQL, IMPACT_BH)
    (result,) = validate_all(postgres_url, ["marts.mart_learning_impact"])
    assert failed(result) == set()

    load_postgres(
        postgres_url, IMPACT_SQL, *(IMPACT_CORRUPTIONS[c] for c in ("power_gate_holds", "adjusted_p_matches_family"))
    )
    (result,) = validate_all(postgres_url, ["marts.mart_learning_impact"])
    assert failed(result) == {
        ("expect_column_values_to_be_in_set", "power_gate_holds", "error"),
        ("expect_column_values_to_be_in_set", "adjusted_p_matches_family", "error"),
    }
