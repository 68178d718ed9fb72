"""Business goals and KPI actuals: the framework's goal files validated on load, the KPI
file drop (exports as sales and support tools write them) into raw_kpi, and the goal
marts on a hand-made fixture whose attainment is worked out by hand."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.framework import framework_source
from ingestion.framework.goals import check_goal_files
from ingestion.kpi_files import kpi_files_source
from tests.test_connectors import run
from tests.test_dbt_duckdb import dbt, summary

ROOT = Path(__file__).resolve().parents[1]

CAPABILITIES = "capability_id,capability_name,category\ncap_a,Cap A,Core\ncap_b,Cap B,Core\n"
JOB_PROFILES = "job_profile_id,job_title,job_family,job_level\nprof_a,Role A,fam,1\nprof_b,Role B,fam,2\n"
REQUIRED = "job_profile_id,capability_id,required_level,effective_from,effective_to\nprof_a,cap_a,2,2024-01-01,\n"
COURSES = "course_id,capability_id,target_level\nCRS-1,cap_a,3\n"

# One row breaks each rule once (the line numbers count the header as line 1).
BAD_GOALS = """\
goal_id,goal_name,owner,priority,effective_from,effective_to
g1,Goal one,COO,1,2024-01-01,2024-12-31
g1,Goal one again,COO,1,2024-06-01,
g2,Goal two,CFO,high,2024-01-01,
g3,Goal three,CFO,2,2024-01-01,
"""
BAD_KPIS = """\
kpi_id,goal_id,kpi_name,unit,direction,grain,definition
k1,g1,KPI one,percent,higher_is_better,team,x
k2,g1,KPI two,,higher_is_better,team,x
k3,g9,KPI three,days,lower_is_better,team,x
k4,g3,KPI four,days,up,team,x
"""
BAD_TARGETS = """\
kpi_id,target_value,effective_from,effective_to
k1,100,2024-01-01,
k1,110,2024-06-01,
k9,5,2024-01-01,
"""
BAD_NEEDS = """\
goal_id,capability_id,job_profile_id,effective_from,effective_to
g1,cap_a,prof_a,2024-01-01,
g1,cap_zz,prof_a,2024-01-01,
g1,cap_a,prof_zz,2024-01-01,
g9,cap_a,prof_a,2024-01-01,
g3,cap_b,prof_b,2024-03-01,2024-01-31
"""
EXPECTED_QUARANTINE = {
    ("business_goals", "business_goals.csv:3"): (
        "overlapping effective periods: g1 from 2024-06-01 overlaps line 2 (2024-01-01 to 2024-12-31)"
    ),
    ("business_goals", "business_goals.csv:4"): "priority 'high' is not a whole number from 1",
    ("business_kpis", "business_kpis.csv:3"): "KPI without a unit: every KPI needs one (percent, days, score_1_5, ...)",
    ("business_kpis", "business_kpis.csv:4"): "unknown goal 'g9'",
    ("business_kpis", "business_kpis.csv:5"): "direction 'up' is not one of higher_is_better, lower_is_better",
    (
        "kpi_targets",
        "kpi_targets.csv:3",
    ): "overlapping effective periods: k1 from 2024-06-01 overlaps line 2 (2024-01-01 to open)",
    ("kpi_targets", "kpi_targets.csv:4"): "unknown KPI 'k9'",
    ("goal_capabilities", "goal_capabilities.csv:3"): "unknown capability 'cap_zz'",
    ("goal_capabilities", "goal_capabilities.csv:4"): "unknown job profile 'prof_zz'",
    ("goal_capabilities", "goal_capabilities.csv:5"): "unknown goal 'g9'",
    ("goal_capabilities", "goal_capabilities.csv:6"): "effective_to 2024-01-31 is before effective_from 2024-03-01",
}


def write_framework(folder: Path, goals: str, kpis: str, targets: str, needs: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "capabilities.csv": CAPABILITIES,
        "job_profiles.csv": JOB_PROFILES,
        "required_levels.csv": REQUIRED,
        "course_capabilities.csv": COURSES,
        "business_goals.csv": goals,
        "business_kpis.csv": kpis,
        "kpi_targets.csv": targets,
        "goal_capabilities.csv": needs,
    }
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def query(path: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(sql).fetchall()


# -- the goal files of the framework ----------------------------------------------------------


def test_each_goal_rule_quarantines_its_row_with_the_reason(tmp_path: Path) -> None:
    folder = write_framework(tmp_path / "framework", BAD_GOALS, BAD_KPIS, BAD_TARGETS, BAD_NEEDS)
    checked = check_goal_files(folder)
    found = {(name, f"{c.filename}:{line}"): reason for name, c in checked.items() for line, _, reason in c.bad}
    assert found == EXPECTED_QUARANTINE
    assert {name: [line for line, _ in c.good] for name, c in checked.items()} == {
        "business_goals": [2, 5],
        "business_kpis": [2],  # k4's goal g3 loads, but its direction does not
        "kpi_targets": [2],
        "goal_capabilities": [2],
    }


def test_goal_files_load_with_quarantine_and_reconciliation(tmp_path: Path) -> None:
    folder = write_framework(tmp_path / "framework", BAD_GOALS, BAD_KPIS, BAD_TARGETS, BAD_NEEDS)
    run(framework_source(folder=str(folder)), "raw_framework", tmp_path)
    wh = tmp_path / "wh.duckdb"
    quarantine = query(wh, "select resource, record_key, reason from raw_framework.quarantine")
    assert {(r, k): reason for r, k, reason in quarantine} == EXPECTED_QUARANTINE
    assert query(wh, "select goal_id, priority from raw_framework.business_goals order by goal_id") == [
        ("g1", "1"),
        ("g3", "2"),
    ]
    units = query(
        wh,
        "select unit, received, loaded, quarantined from raw_framework.load_reconciliation"
        " where unit in ('business_goals.csv', 'business_kpis.csv', 'kpi_targets.csv', 'goal_capabilities.csv')"
        " order by unit",
    )
    assert units == [
        ("business_goals.csv", 4, 2, 2),
        ("business_kpis.csv", 4, 1, 3),
        ("goal_capabilities.csv", 5, 1, 4),
        ("kpi_targets.csv", 3, 1, 2),
    ]


def test_the_shipped_goal_files_are_valid() -> None:
    checked = check_goal_files(ROOT / "framework")
    assert {name: c.bad for name, c in checked.items()} == {name: [] for name in checked}
    assert all(c.present and c.good for c in checked.values())


def test_a_framework_without_goal_files_loads_without_them(tmp_path: Path) -> None:
    folder = write_framework(tmp_path / "framework", "", "", "", "")
    for name in ("business_goals.csv", "business_kpis.csv", "kpi_targets.csv", "goal_capabilities.csv"):
        (folder / name).unlink()
    run(framework_source(folder=str(folder)), "raw_framework", tmp_path)
    reasons = query(
        tmp_path / "wh.duckdb",
        "select distinct reason from raw_framework.load_reconciliation where unit = 'business_goals.csv'",
    )
    assert reasons == [("file absent: no business goals maintained",)]


# -- the KPI file drop ----------------------------------------------------------------------------

# A CRM report (title rows, US dates, money) and a help desk export (semicolons, D.M.YYYY,
# decimal commas, a BOM), named as the shipped mappings expect; then a long-form extract
# holding one row for each reason a row is quarantined.
CRM = """\
Quota Attainment by Team
Report generated 7/31/2025 11:58 PM; currency USD

Team Lead,Team Lead Employee ID,Month,Quota (USD),Closed Won (USD),Attainment (%)
"Perry, Liam",E00003,3/1/2025,120000,112080,93.4
"Wade, Hazel",E00094,3/1/2025,180000,200340,111.3
"Wade, Hazel",E00094,4/1/2025,180000,0,#DIV/0!
"""
HELPDESK = (
    "\ufeffGroup;Group lead ID;Month starting;Solved tickets;First contact resolution rate\r\n"
    "Team Perry;E00003;01.03.2025;180;71,5\r\n"
    "Team Perry;E00003;01.04.2025;175;68,25\r\n"
)
OPS = """\
kpi,entity,period_start,period_end,value
order_cycle_time,E00004,2025-03-01,2025-03-31,6.4
order_cycle_time,E00004,2025-03-01,2025-03-31,6.4
revenue_per_head,E00004,2025-03-01,2025-03-31,1000
order_cycle_time,E00005,2023-01-01,2023-01-31,7.0
order_cycle_time,E00006,2025-03-31,2025-03-01,6.0
"""


def drop_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "crm_quota_attainment_2025-07-31.csv").write_text(CRM, encoding="utf-8")
    (folder / "helpdesk_fcr_export.csv").write_bytes(HELPDESK.encode("utf-8"))
    (folder / "ops_kpis_2025-07-31.csv").write_text(OPS, encoding="utf-8")
    return folder


def test_kpi_exports_load_once_with_bad_rows_quarantined(tmp_path: Path) -> None:
    drop = drop_files(tmp_path / "drop")
    source = lambda: kpi_files_source(folder=str(drop), framework_dir=str(ROOT / "framework"))  # noqa: E731
    run(source(), "raw_kpi", tmp_path)
    wh = tmp_path / "wh.duckdb"
    loaded = query(
        wh,
        "select source_file, kpi_id, grain, entity_id, cast(period_start as text), cast(period_end as text),"
        " cast(value as double) from raw_kpi.kpi_values order by source_file, source_line",
    )
    assert loaded == [
        (
            "crm_quota_attainment_2025-07-31.csv",
            "sales_quota_attainment",
            "team",
            "E00003",
            "2025-03-01",
            "2025-03-31",
            93.4,
        ),
        (
            "crm_quota_attainment_2025-07-31.csv",
            "sales_quota_attainment",
            "team",
            "E00094",
            "2025-03-01",
            "2025-03-31",
            111.3,
        ),
        ("helpdesk_fcr_export.csv", "first_contact_resolution", "team", "E00003", "2025-03-01", "2025-03-31", 71.5),
        ("helpdesk_fcr_export.csv", "first_contact_resolution", "team", "E00003", "2025-04-01", "2025-04-30", 68.25),
        ("ops_kpis_2025-07-31.csv", "order_cycle_time", "team", "E00004", "2025-03-01", "2025-03-31", 6.4),
    ]
    quarantine = query(wh, "select payload, reason from raw_kpi.quarantine order by record_key")
    reasons = sorted(reason for _, reason in quarantine)
    assert reasons == sorted(
        [
            "Attainment (%) '#DIV/0!' is not a number",
            "duplicate of line 2",
            "unknown KPI 'revenue_per_head': not in the framework's business_kpis.csv",
            "period outside: 2023-01-01 to 2023-01-31 is outside goal order_cycle_time's period (2023-07-01 to open)",
            "period ends (2025-03-01) before it starts (2025-03-31)",
        ]
    )
    assert query(
        wh,
        "select unit, received, loaded, quarantined, rejected from raw_kpi.load_reconciliation order by unit",
    ) == [
        ("crm_quota_attainment_2025-07-31.csv", 3, 2, 1, False),
        ("helpdesk_fcr_export.csv", 2, 2, 0, False),
        ("ops_kpis_2025-07-31.csv", 5, 1, 4, False),
    ]

    # A second run reads nothing again: the ledger knows each file by content and mapping.
    run(source(), "raw_kpi", tmp_path)
    assert query(wh, "select count(*) from raw_kpi.kpi_values") == [(5,)]
    assert query(wh, "select count(*) from raw_kpi.quarantine") == [(5,)]
    second = query(
        wh,
        "select received, reason from raw_kpi.load_reconciliation"
        " where load_id = (select max(load_id) from raw_kpi.load_reconciliation) order by unit",
    )
    assert [received for received, _ in second] == [0, 0, 0]
    assert all(reason.startswith("unchanged: loaded before as") for _, reason in second)


def test_a_file_no_mapping_claims_is_rejected_and_the_others_load(tmp_path: Path) -> None:
    drop = drop_files(tmp_path / "drop")
    (drop / "pipeline_report.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    run(kpi_files_source(folder=str(drop), framework_dir=str(ROOT / "framework")), "raw_kpi", tmp_path)
    rejected = query(tmp_path / "wh.duckdb", "select unit, reason from raw_kpi.load_reconciliation where rejected")
    assert len(rejected) == 1 and rejected[0][0] == "pipeline_report.csv"
    assert rejected[0][1].startswith("no mapping claims this file")
    assert query(tmp_path / "wh.duckdb", "select count(*) from raw_kpi.kpi_values") == [(5,)]


# -- the marts on a hand-made fixture ----------------------------------------------------------------

FIXTURE_GOALS = """\
goal_id,goal_name,owner,priority,effective_from,effective_to,description
g_sales,Grow sales,CCO,1,2025-01-01,,x
g_ops,Faster orders,COO,2,2025-01-01,,x
"""
FIXTURE_KPIS = """\
kpi_id,goal_id,kpi_name,unit,direction,grain,definition
quota,g_sales,Quota attainment,percent,higher_is_better,team,x
cycle,g_ops,Order cycle time,days,lower_is_better,company,x
"""
FIXTURE_TARGETS = """\
kpi_id,target_value,effective_from,effective_to
quota,100,2025-01-01,2025-06-30
quota,110,2025-07-01,
cycle,6,2025-01-01,
"""
FIXTURE_NEEDS = """\
goal_id,capability_id,job_profile_id,effective_from,effective_to
g_sales,cap_a,prof_a,2025-01-01,
g_sales,cap_b,prof_a,2025-01-01,
g_ops,cap_b,prof_b,2025-01-01,
"""
FIXTURE_VALUES = """\
kpi,entity,period_start,period_end,value
quota,E001,2025-05-01,2025-05-31,95
quota,E001,2025-06-01,2025-06-30,120
quota,E002,2025-07-01,2025-07-31,99
cycle,,2025-07-01,2025-07-31,8
cycle,,2025-08-01,2025-08-31,5
"""
# A later export restates one month.
FIXTURE_RESTATED = """\
kpi,entity,period_start,period_end,value
quota,E001,2025-06-01,2025-06-30,121
"""


@pytest.fixture(scope="module")
def goal_marts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two goals (one team-grain KPI, one company-grain), loaded by the real loaders and
    built by dbt: only the goal marts and what they read."""
    work = tmp_path_factory.mktemp("goal_marts")
    framework = write_framework(work / "framework", FIXTURE_GOALS, FIXTURE_KPIS, FIXTURE_TARGETS, FIXTURE_NEEDS)
    drop = work / "drop"
    drop.mkdir()
    (drop / "ops_kpis_2025-08-31.csv").write_text(FIXTURE_VALUES, encoding="utf-8")
    mapping = {
        "name": "long_form",
        "files": ["ops_kpis*.csv"],
        "columns": {
            "kpi": "kpi_id",
            "entity": "entity_id",
            "period_start": "period_start",
            "period_end": "period_end",
            "value": "value",
        },
    }
    run(framework_source(folder=str(framework)), "raw_framework", work, name="goals")
    source = lambda: kpi_files_source(folder=str(drop), mapping=mapping, framework_dir=str(framework))  # noqa: E731
    run(source(), "raw_kpi", work, name="goals")
    (drop / "ops_kpis_2025-09-30.csv").write_text(FIXTURE_RESTATED, encoding="utf-8")
    run(source(), "raw_kpi", work, name="goals")
    path = work / "warehouse.duckdb"
    shutil.move(work / "wh.duckdb", path)
    env = {**os.environ, "WAREHOUSE_PATH": str(path)}
    select = ["--select", "+fct_kpi_value", "+dim_business_goal", "+dim_kpi", "+bridge_goal_capability"]
    select += ["+dim_capability", "--indirect-selection", "cautious"]
    result = dbt(["build", "--target", "duckdb", *select], env, work)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert summary(result)["error"] == 0
    return path


@pytest.mark.slow
def test_kpi_attainment_by_hand(goal_marts: Path) -> None:
    """quota (higher is better; target 100 to June, 110 from July):
    E001 May 95 -> 95/100 = 0.95, margin -5, not met;
    E001 June 120 restated as 121 by the later file -> 121/100 = 1.21, +21, met, reported twice;
    E002 July 99 -> 99/110 = 0.9, -11, not met.
    cycle (lower is better, company grain, target 6):
    July 8 -> 6/8 = 0.75, margin 6-8 = -2, not met; August 5 -> 6/5 = 1.2, +1, met."""
    found = query(
        goal_marts,
        "select kpi_id, goal_id, entity_id, team_manager_employee_id, cast(period_start_on as text), kpi_value,"
        " target_value, round(attainment_ratio, 9), margin_to_target, is_target_met, reported_count"
        " from marts.fct_kpi_value order by kpi_id desc, entity_id, period_start_on",
    )
    assert found == [
        ("quota", "g_sales", "E001", "E001", "2025-05-01", 95.0, 100.0, 0.95, -5.0, False, 1),
        ("quota", "g_sales", "E001", "E001", "2025-06-01", 121.0, 100.0, 1.21, 21.0, True, 2),
        ("quota", "g_sales", "E002", "E002", "2025-07-01", 99.0, 110.0, 0.9, -11.0, False, 1),
        ("cycle", "g_ops", "company", None, "2025-07-01", 8.0, 6.0, 0.75, -2.0, False, 1),
        ("cycle", "g_ops", "company", None, "2025-08-01", 5.0, 6.0, 1.2, 1.0, True, 1),
    ]


@pytest.mark.slow
def test_goal_dimension_and_bridge(goal_marts: Path) -> None:
    """g_sales needs cap_a and cap_b of prof_a (2 capabilities, 1 profile, 1 KPI);
    g_ops needs cap_b of prof_b (1, 1, 1). Both open since 2025-01-01."""
    goals = query(
        goal_marts,
        "select goal_id, priority, cast(goal_start_on as text), goal_end_on, is_active, kpi_count,"
        " capability_count, job_profile_count from marts.dim_business_goal order by goal_id",
    )
    assert goals == [
        ("g_ops", 2, "2025-01-01", None, True, 1, 1, 1),
        ("g_sales", 1, "2025-01-01", None, True, 1, 2, 1),
    ]
    assert query(goal_marts, "select kpi_id, direction, grain, current_target_value from marts.dim_kpi order by 1") == [
        ("cycle", "lower_is_better", "company", 6.0),
        ("quota", "higher_is_better", "team", 110.0),
    ]
    assert query(
        goal_marts, "select count(*), count(*) filter (where is_current) from marts.bridge_goal_capability"
    ) == [(3, 3)]


# -- the demo's planted KPI series ---------------------------------------------------------------------


def test_demo_kpi_exports_load_exactly_as_planted(tmp_path: Path) -> None:
    """The three demo exports load through the shipped mappings; every loaded value is
    the planted one, and only the two planted bad rows (a repeated row, a #DIV/0!) are
    quarantined. One planted KPI, the control, has a zero coefficient."""
    import json

    from demo.generator import DemoCompany
    from demo.kpis import write_kpis

    company = DemoCompany(120, seed=5).generate()
    counts = write_kpis(company, tmp_path / "demo")
    truth = json.loads((tmp_path / "demo" / "kpi_truth.json").read_text())
    run(kpi_files_source(folder=str(tmp_path / "demo" / "kpi_drop")), "raw_kpi", tmp_path)
    wh = tmp_path / "wh.duckdb"
    loaded = query(
        wh,
        "select kpi_id, entity_id, cast(period_start as text), cast(value as double) from raw_kpi.kpi_values",
    )
    planted = {(r["kpi_id"], r["entity_id"], r["period_start"]): r["value"] for r in truth["kpi_planted_series"]}
    assert len(loaded) == len(planted) == sum(counts.values())
    assert {(k, e, p): pytest.approx(v) for k, e, p, v in loaded} == planted
    assert sorted(r for (r,) in query(wh, "select reason from raw_kpi.quarantine")) == [
        "Attainment (%) '#DIV/0!' is not a number",
        f"duplicate of line {counts['sales_quota_attainment'] + 4}",
    ]
    controls = [e for e in truth["kpi_planted_effects"] if e["is_control"]]
    assert [(e["kpi_id"], e["coefficient_per_level"]) for e in controls] == [("order_cycle_time", 0.0)]
    assert all(e["coefficient_per_level"] > 0 for e in truth["kpi_planted_effects"] if not e["is_control"])
