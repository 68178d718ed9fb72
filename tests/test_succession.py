"""Succession on a hand-made team: the 9-box, readiness, flight risk and bench strength.

The marts' inputs are written straight into a DuckDB file (the intermediate models and
fct_review they read), then dbt builds only the succession seeds and marts. The seeds are
the real ones: Engineering Manager (swe_4) is the critical role, Senior Software Engineer
(swe_3) its feeder. The as-of month is October 2026 (month end 2026-10-31); rule defaults
from dbt_project.yml (high rating >= 4, low <= 2; potential margin 0.5, 6 months in role;
ready soon <= 2 levels; flight risk: tenure < 24 months, manager change within 6 months).

Bars (hand-made): swe_3 cap_a 3, cap_b 3; swe_4 cap_a 4, cap_b 3, lead 3.

Per candidate (swe_4 ratings cap_a/cap_b/lead; own-role margin; ratings previous -> latest):
- Ana: 4/4/3; margin (1+1)/2 = 1.0 -> 2 points; 4 -> 4 high, not rising -> potential 2
  moderate; box 6 High performer; no gap against swe_4 -> ready_now; tenure 103 months,
  same manager -> flight 0 low.
- Ben: 3/3/2; margin 0 -> 1 point; 4 -> 3 moderate (a drop, no rise) -> potential 1 moderate; box 5
  Core player; gaps cap_a 1 + lead 1 = 2 levels -> ready_1_2_years; 20 months + drop + new
  manager 2026-08-01 -> flight 3 high.
- Cy: 2/2/1; margin -1 -> 0 points; 2 low -> potential 0 low; box 1 Talent risk; gaps
  2 + 1 + 2 = 5 levels -> ready_3_plus_years; new manager 2026-06-01 (after 2026-04-30)
  -> flight 1 medium.
- Dee: 4/4/- (lead self-rated only); margin 1.0; 5 high, but 3 months in role (promoted
  2026-07-01) -> no potential, no box; lead unassessed -> not_assessed (needs
  assessment: no gap where assessed); flight 0 low.

Traps the rules must ignore: Ana's manager review for the period ending 2026-09-30
(rating 2) submitted 2026-11-05, after the month end; Dee's self review (rating 1) and an
off-scale manager rating (null after harmonising); a swe_3 who left on 2026-10-15.
Incumbents: M1 and M2 (swe_4). Bench for swe_4: 4 candidates, 1 ready now, 1 ready soon
(Ben, high flight risk), 1 later, 1 not assessed; ratio 1 / 2 = 0.5.
Managers: M1 margin 0 (1 point), one rating 3 -> moderate/moderate, box 5; M2 margin 1
(2 points), 3 -> 4 rising (+1) -> potential 3 high, performance high -> box 9 Star.
9-box by org unit (all in `eng`), October: placed = Ana 6, Ben 5, Cy 1, M1 5, M2 9 = 5 >= 5,
so shown: box 5 two (share 2/5), boxes 1, 6 and 9 one each (1/5); 6 employees (Dee
unplaced). September
has no capability assessments, so nobody is placed and the org unit is suppressed.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

import demo.generator
from demo.generator import DemoCompany
from tests.test_dbt_duckdb import dbt, summary

MONTHS = [("2026-09-01", "2026-09-30"), ("2026-10-01", "2026-10-31")]
# employee and job profile in both months (org unit `eng`); EVE leaves on 2026-10-15
PEOPLE = [
    ("ANA", "swe_3"),
    ("BEN", "swe_3"),
    ("CY", "swe_3"),
    ("DEE", "swe_3"),
    ("EVE", "swe_3"),
    ("M1", "swe_4"),
    ("M2", "swe_4"),
]
# employee, hire date, version valid_from, job profile, manager
HISTORY = [
    ("ANA", "2018-03-01", "2018-03-01", "swe_2", "M1"),
    ("ANA", "2018-03-01", "2022-01-01", "swe_3", "M1"),
    ("BEN", "2025-02-01", "2025-02-01", "swe_3", "M1"),
    ("BEN", "2025-02-01", "2026-08-01", "swe_3", "M2"),
    ("CY", "2020-05-01", "2020-05-01", "swe_3", "M1"),
    ("CY", "2020-05-01", "2026-06-01", "swe_3", "M2"),
    ("DEE", "2019-01-01", "2019-01-01", "swe_2", "M1"),
    ("DEE", "2019-01-01", "2026-07-01", "swe_3", "M1"),
    ("EVE", "2021-01-01", "2021-01-01", "swe_3", "M1"),
    ("M1", "2015-01-01", "2015-01-01", "swe_4", None),
    ("M2", "2015-01-01", "2015-01-01", "swe_4", None),
]
# review id, employee, rater type, overall rating, period end, submitted at
REVIEWS = [
    ("r1", "ANA", "manager", 4.0, "2025-12-31", "2026-01-10 09:00:00"),
    ("r2", "ANA", "manager", 4.0, "2026-06-30", "2026-07-10 09:00:00"),
    ("r3", "ANA", "manager", 2.0, "2026-09-30", "2026-11-05 09:00:00"),  # after the month end
    ("r4", "BEN", "manager", 4.0, "2025-12-31", "2026-01-10 09:00:00"),
    ("r5", "BEN", "manager", 3.0, "2026-06-30", "2026-07-10 09:00:00"),
    ("r6", "CY", "manager", 2.0, "2026-06-30", "2026-07-10 09:00:00"),
    ("r7", "DEE", "manager", 5.0, "2026-06-30", "2026-07-08 09:00:00"),
    ("r8", "DEE", "self", 1.0, "2026-06-30", "2026-07-09 09:00:00"),
    ("r9", "DEE", "manager", None, "2026-09-30", "2026-10-05 09:00:00"),  # off the scale
    ("r10", "M1", "manager", 3.0, "2026-06-30", "2026-07-10 09:00:00"),
    ("r11", "M2", "manager", 4.0, "2026-06-30", "2026-07-10 09:00:00"),
    ("r12", "M2", "manager", 3.0, "2025-12-31", "2026-01-10 09:00:00"),
]
REQUIRED = [
    ("swe_3", "cap_a", 3),
    ("swe_3", "cap_b", 3),
    ("swe_4", "cap_a", 4),
    ("swe_4", "cap_b", 3),
    ("swe_4", "lead", 3),
]
# October's latest assessments: employee, capability, rater type, level
ASSESSMENTS = [
    ("ANA", "cap_a", "manager", 4),
    ("ANA", "cap_b", "manager", 4),
    ("ANA", "lead", "manager", 3),
    ("BEN", "cap_a", "manager", 3),
    ("BEN", "cap_b", "manager", 3),
    ("BEN", "lead", "manager", 2),
    ("CY", "cap_a", "manager", 2),
    ("CY", "cap_b", "manager", 2),
    ("CY", "lead", "manager", 1),
    ("DEE", "cap_a", "manager", 4),
    ("DEE", "cap_b", "manager", 4),
    ("DEE", "lead", "self", 5),
    ("EVE", "cap_a", "manager", 5),
    ("EVE", "cap_b", "manager", 5),
    ("EVE", "lead", "manager", 5),
    ("M1", "cap_a", "manager", 4),
    ("M1", "cap_b", "manager", 3),
    ("M1", "lead", "manager", 3),
    ("M2", "cap_a", "manager", 5),
    ("M2", "cap_b", "manager", 4),
    ("M2", "lead", "manager", 4),
]


def write_inputs(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        for schema in ("staging", "intermediate", "marts"):
            con.execute(f"create schema {schema}")
        con.execute("create table intermediate.int_calendar__months (month_start_on date, month_end_on date)")
        con.executemany("insert into intermediate.int_calendar__months values (?, ?)", MONTHS)
        con.execute("create table staging.stg_framework__job_profiles (job_profile_id text)")
        con.executemany("insert into staging.stg_framework__job_profiles values (?)", [("swe_3",), ("swe_4",)])
        con.execute(
            "create table intermediate.int_people__employee_months (month_start_on date, month_end_on date,"
            " employee_id text, as_of_on date, org_unit_id text, job_profile_id text, job_level integer,"
            " is_employed_after_month_end boolean)"
        )
        for start, end in MONTHS:
            for employee, profile in PEOPLE:
                leaves = employee == "EVE" and start == "2026-10-01"
                con.execute(
                    "insert into intermediate.int_people__employee_months values (?, ?, ?, ?, 'eng', ?, ?, ?)",
                    [start, end, employee, "2026-10-15" if leaves else end, profile, int(profile[-1]), not leaves],
                )
        con.execute(
            "create table intermediate.int_people__employee_history (employee_id text, hire_date date,"
            " valid_from date, job_profile_id text, manager_employee_id text)"
        )
        con.executemany("insert into intermediate.int_people__employee_history values (?, ?, ?, ?, ?)", HISTORY)
        con.execute(
            "create table marts.fct_review (review_id text, employee_id text, rater_type text,"
            " overall_rating double, period_end_on date, submitted_at timestamp)"
        )
        con.executemany("insert into marts.fct_review values (?, ?, ?, ?, ?, ?)", REVIEWS)
        con.execute(
            "create table intermediate.int_capability__required_levels (job_profile_id text, capability_id text,"
            " required_level integer, effective_from date, effective_to date)"
        )
        con.executemany(
            "insert into intermediate.int_capability__required_levels values (?, ?, ?, '2020-01-01', null)", REQUIRED
        )
        con.execute(
            "create table intermediate.int_capability__latest_assessments_monthly (month_start_on date,"
            " employee_id text, capability_id text, rater_type text, assessed_level integer)"
        )
        con.executemany(
            "insert into intermediate.int_capability__latest_assessments_monthly values ('2026-10-01', ?, ?, ?, ?)",
            ASSESSMENTS,
        )


def rows(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


@pytest.fixture(scope="module")
def succession(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("succession")
    path = work / "warehouse.duckdb"
    write_inputs(path)
    env = {**os.environ, "WAREHOUSE_PATH": str(path)}
    select = ["--select", "succession_paths", "succession_assessed_capabilities", "nine_box_labels"]
    select += ["mart_nine_box", "mart_nine_box_by_org_unit", "mart_succession_candidates", "mart_bench_strength"]
    # `cautious`: leave out tests that need models this file does not build (dim_job).
    result = dbt(["build", "--target", "duckdb", *select, "--indirect-selection", "cautious"], env, work)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert summary(result)["error"] == 0
    return path


@pytest.mark.slow
def test_nine_box_per_person(succession: Path) -> None:
    got = rows(
        succession,
        "select employee_id, latest_rating, previous_rating, performance_band, capability_margin_levels,"
        " months_in_role, potential_points, potential_band, nine_box_number, nine_box_label"
        " from marts.mart_nine_box where month_start_on = '2026-10-01' order by employee_id",
    )
    assert got == [
        ("ANA", 4.0, 4.0, "high", 1.0, 57, 2, "moderate", 6, "High performer"),
        ("BEN", 3.0, 4.0, "moderate", 0.0, 20, 1, "moderate", 5, "Core player"),
        ("CY", 2.0, None, "low", -1.0, 77, 0, "low", 1, "Talent risk"),
        ("DEE", 5.0, None, "high", 1.0, 3, None, None, None, None),
        ("M1", 3.0, None, "moderate", 0.0, 141, 1, "moderate", 5, "Core player"),
        ("M2", 4.0, 3.0, "high", 1.0, 141, 3, "high", 9, "Star"),
    ]


@pytest.mark.slow
def test_flight_risk(succession: Path) -> None:
    got = rows(
        succession,
        "select employee_id, tenure_months, has_recent_rating_drop, has_recent_manager_change,"
        " flight_risk_points, flight_risk_band"
        " from marts.mart_nine_box where month_start_on = '2026-10-01' and job_profile_id = 'swe_3'"
        " order by employee_id",
    )
    assert got == [
        ("ANA", 103, False, False, 0, "low"),
        ("BEN", 20, True, True, 3, "high"),
        ("CY", 77, False, True, 1, "medium"),
        ("DEE", 93, False, False, 0, "low"),
    ]


@pytest.mark.slow
def test_candidates_readiness(succession: Path) -> None:
    got = rows(
        succession,
        "select critical_job_profile_id, employee_id, required_capability_count, unassessed_capability_count,"
        " gap_count, gap_levels, nine_box_number, readiness, flight_risk_band"
        " from marts.mart_succession_candidates order by employee_id",
    )
    assert got == [
        ("swe_4", "ANA", 3, 0, 0, 0, 6, "ready_now", "low"),
        ("swe_4", "BEN", 3, 0, 2, 2, 5, "ready_1_2_years", "high"),
        ("swe_4", "CY", 3, 0, 3, 5, 1, "ready_3_plus_years", "medium"),
        ("swe_4", "DEE", 3, 1, 0, 0, None, "not_assessed", "low"),
    ]


@pytest.mark.slow
def test_bench_strength(succession: Path) -> None:
    got = rows(
        succession,
        "select job_profile_id, incumbent_count, candidate_count, ready_now_count, ready_soon_count,"
        " ready_later_count, not_assessed_candidate_count, needs_assessment_count,"
        " ready_high_flight_risk_count, bench_strength_ratio, has_ready_successor from marts.mart_bench_strength",
    )
    assert got == [("swe_4", 2, 4, 1, 1, 1, 1, 1, 1, 0.5, True)]


@pytest.mark.slow
def test_nine_box_by_org_unit_suppresses_small_groups(succession: Path) -> None:
    october = rows(
        succession,
        "select nine_box_number, is_suppressed, employee_count, placed_employee_count, box_employee_count, box_share"
        " from marts.mart_nine_box_by_org_unit"
        " where month_start_on = '2026-10-01' and nine_box_number in (1, 5, 6, 8, 9)"
        " order by nine_box_number",
    )
    assert october == [
        (1, False, 6, 5, 1, pytest.approx(0.2)),
        (5, False, 6, 5, 2, pytest.approx(0.4)),
        (6, False, 6, 5, 1, pytest.approx(0.2)),
        (8, False, 6, 5, 0, 0.0),
        (9, False, 6, 5, 1, pytest.approx(0.2)),
    ]
    september = rows(
        succession,
        "select count(*), bool_and(is_suppressed), count(box_employee_count)"
        " from marts.mart_nine_box_by_org_unit where month_start_on = '2026-09-01'",
    )
    assert september == [(9, True, 0)]


def test_generator_plants_feeder_ratings_on_their_own_stream(
    small_company: DemoCompany, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same company generated without the succession seed differs only by the extra
    competency ratings: every planted rating is one the seed declares for the profile
    its reviewee held in that cycle, and nothing else moves."""
    monkeypatch.setattr(demo.generator, "SUCCESSION_ASSESSMENTS", Path("/nonexistent/succession.csv"))
    plain = DemoCompany(small_company.size, seed=small_company.seed).generate()
    assert plain.feeder_capabilities == {}
    declared = small_company.feeder_capabilities
    assert declared["swe_3"] == ["coaching", "people_leadership"]
    assert declared["swe_4"] == ["commercial_acumen"]
    assert len(small_company.reviews) == len(plain.reviews)
    assert small_company.statements == plain.statements
    assert small_company.bamboohr_job_info() == plain.bamboohr_job_info()
    planted = 0
    for with_seed, without in zip(small_company.reviews, plain.reviews, strict=True):
        own = without["competency_ratings"]
        assert with_seed["competency_ratings"][: len(own)] == own
        assert {k: v for k, v in with_seed.items() if k != "competency_ratings"} == {
            k: v for k, v in without.items() if k != "competency_ratings"
        }
        extra = [r["competency"] for r in with_seed["competency_ratings"][len(own) :]]
        if extra:
            rated = {r["competency"] for r in own}
            assert not set(extra) & rated
            assert extra in [[c for c in caps if c not in rated] for caps in declared.values()]
            assert all(1 <= r["rating"] <= 5 for r in with_seed["competency_ratings"])
        planted += len(extra)
    assert planted > 0
