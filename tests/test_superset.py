"""Superset assets, end to end, against a real Superset on loopback.

Builds a tiny DuckDB serving warehouse with known values (tests/superset_fixtures.py),
runs ``dashboards/superset_ctl.py init`` and ``import`` with a temporary SUPERSET_HOME,
starts Superset (``superset_ctl.py serve``) on a free loopback port, logs in through the
REST API and checks that every chart of every dashboard (Capability Gaps, Learning
Alignment & Impact, Training Spend & ROI, Data Health) returns the expected rows and
values, with each group of 4 suppressed; that the native filters act on the charts they
are scoped to; the roles and row-level security created on import, and that
``demo_manager`` sees only its manager's org subtree on every dataset with an org unit.
Superset runs in its own virtualenv (.venv/superset); this module runs from the pipeline
venv and only talks HTTP to it.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
import requests
import yaml

from tests.superset_fixtures import (
    DEMO_MANAGER_ID,
    DEMO_MANAGER_ORG_UNITS,
    EXPECTED,
    EXPECTED_DATA_HEALTH,
    EXPECTED_EFFECTIVENESS,
    EXPECTED_IMPACT_INTERVALS,
    EXPECTED_JOB_PROFILE_HEATMAP,
    EXPECTED_LEARNING,
    EXPECTED_SPEND,
    EXPECTED_TURNOVER,
    GAPS,
    LATEST_MONTH,
    MONTHS,
    REPO_ROOT,
    RUN_2_AT,
    SUPERSET_PYTHON,
    SupersetServer,
    build_serving_warehouse,
    clean_env,
    epoch_ms,
    run_ctl,
    running_superset,
)

ASSETS = REPO_ROOT / "dashboards" / "assets"
DASHBOARD_TITLE = "Capability Gaps"
# slug -> dashboard file
DASHBOARDS = {
    "capability-gaps": "capability_gaps",
    "learning-alignment-impact": "learning_alignment_impact",
    "training-spend-roi": "training_spend_roi",
    "data-health": "data_health",
}
# Columns that name or identify a person: no dataset may carry them (every dataset is an
# aggregate), so the L&D analyst sees no names and finance only aggregates.
PERSONAL_COLUMNS = {"full_name", "first_name", "last_name", "work_email", "email", "employee_id", "employee_key"}

pytestmark = pytest.mark.slow


def asset_uuid(relative: str) -> str:
    return str(yaml.safe_load((ASSETS / relative).read_text())["uuid"])


CHART_UUIDS = {
    "heatmap": asset_uuid("charts/capability_gap_heatmap.yaml"),
    "band_mix": asset_uuid("charts/capability_gap_band_mix.yaml"),
    "kpi": asset_uuid("charts/employees_with_open_gap.yaml"),
    "top_open_gaps": asset_uuid("charts/top_open_gaps_by_capability.yaml"),
    "perception_gap": asset_uuid("charts/perception_gap_by_capability.yaml"),
    "coverage": asset_uuid("charts/required_capability_coverage.yaml"),
}
# every other chart, by file name
CHART_FILES = {path.stem: str(yaml.safe_load(path.read_text())["uuid"]) for path in (ASSETS / "charts").glob("*.yaml")}
DATASET_FILES = sorted(path.stem for path in (ASSETS / "datasets" / "warehouse").glob("*.yaml"))


@pytest.fixture(scope="module")
def superset(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest):
    with running_superset(tmp_path_factory.mktemp("superset"), request) as server:
        yield server


# ----------------------------------------------------------------------- helpers


def dashboard(server: SupersetServer) -> dict[str, Any]:
    query = f"(filters:!((col:dashboard_title,opr:eq,value:'{DASHBOARD_TITLE}')))"
    response = server.get("/api/v1/dashboard/", params={"q": query})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["count"] == 1, body
    return body["result"][0]


def charts_by_uuid(server: SupersetServer) -> dict[str, dict[str, Any]]:
    response = server.get("/api/v1/chart/", params={"q": "(columns:!(id,uuid,slice_name,viz_type),page_size:100)"})
    assert response.status_code == 200, response.text
    return {row["uuid"]: row for row in response.json()["result"]}


def chart_data(server: SupersetServer, chart_id: int) -> list[dict[str, Any]]:
    """Run the chart's saved query context, as reports and the API do."""
    response = server.get(f"/api/v1/chart/{chart_id}/data/", params={"force": "true"})
    assert response.status_code == 200, response.text
    return response.json()["result"]


def saved_query_context(server: SupersetServer, chart_id: int) -> dict[str, Any]:
    response = server.get(f"/api/v1/chart/{chart_id}")
    assert response.status_code == 200, response.text
    return json.loads(response.json()["result"]["query_context"])


def check_heatmap(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 4
    cells = {(row["capability_name"], row["org_unit_name"]): row["avg_gap_levels"] for row in result["data"]}
    assert cells.keys() == EXPECTED["heatmap"].keys()
    for key, value in EXPECTED["heatmap"].items():
        assert cells[key] == pytest.approx(value), key
    assert cells[("Data Analysis", "Sales")] == pytest.approx(1.4)


def check_band_mix(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 2
    by_month = {row["month_start_on"]: row for row in result["data"]}
    for month, (low, intermediate, high) in EXPECTED["band_mix"].items():
        row = by_month[epoch_ms(month)]
        assert (row["band_low"], row["band_intermediate"], row["band_high"]) == (
            low,
            intermediate,
            high,
        ), month
    assert by_month[epoch_ms(LATEST_MONTH)]["band_low"] == 9


def check_kpi(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 1
    assert result["data"][0]["employees_with_open_gap"] == EXPECTED["open_gap_employees"] == 8


def check_top_open_gaps(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 2
    rows = result["data"]
    # ranked by employees with an open gap, descending
    assert [row["capability_name"] for row in rows] == ["Data Analysis", "Stakeholder Communication"]
    for row in rows:
        employees, avg_gap = EXPECTED["top_open_gaps"][row["capability_name"]]
        assert row["employees_with_open_gap"] == employees
        assert row["avg_gap_levels"] == pytest.approx(avg_gap)
    assert rows[0]["employees_with_open_gap"] == 7


def check_perception_gap(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 2
    values = {row["capability_name"]: row["avg_perception_gap"] for row in result["data"]}
    assert values == pytest.approx(EXPECTED["perception_gap"])
    assert values["Stakeholder Communication"] == pytest.approx(-0.5)


def check_coverage(results: list[dict[str, Any]]) -> None:
    (result,) = results
    assert result["rowcount"] == 2
    values = {row["org_unit_name"]: row["coverage_share"] for row in result["data"]}
    assert values == pytest.approx(EXPECTED["coverage"])
    assert values["Engineering"] == pytest.approx(11 / 12)


def only(results: list[dict[str, Any]], rowcount: int) -> list[dict[str, Any]]:
    (result,) = results
    assert result["rowcount"] == rowcount, result["data"]
    return result["data"]


def check_job_profile_heatmap(results: list[dict[str, Any]]) -> None:
    rows = only(results, 4)
    cells = {(row["capability_name"], row["job_title"]): row["avg_gap_levels"] for row in rows}
    assert cells.keys() == EXPECTED_JOB_PROFILE_HEATMAP.keys()  # no Counsel (4 people)
    for key, value in EXPECTED_JOB_PROFILE_HEATMAP.items():
        assert cells[key] == pytest.approx(value), key
    assert cells[("Data Analysis", "Analyst")] == pytest.approx(1.8)


def check_aligned_share_kpi(results: list[dict[str, Any]]) -> None:
    rows = only(results, 1)
    assert rows[0]["aligned_share"] == pytest.approx(EXPECTED_LEARNING["aligned_share_total"])
    assert rows[0]["aligned_share"] == pytest.approx(20 / 48)


def check_aligned_share_trend(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)
    by_month = {row["month_start_on"]: row["aligned_share"] for row in rows}
    for month, share in EXPECTED_LEARNING["aligned_share_by_month"].items():
        assert by_month[epoch_ms(month)] == pytest.approx(share), month
    assert by_month[epoch_ms(MONTHS[1])] == pytest.approx(0.625)


def check_aligned_share_by_org_unit(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)
    values = {row["org_unit_name"]: row["aligned_share"] for row in rows}
    assert values == pytest.approx(EXPECTED_LEARNING["aligned_share_by_org_unit"])
    assert values["Engineering"] == pytest.approx(2 / 3)


def check_aligned_share_by_job_profile(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)
    values = {row["job_title"]: row["aligned_share"] for row in rows}
    assert values == pytest.approx(EXPECTED_LEARNING["aligned_share_by_job_profile"])
    assert values["Analyst"] == pytest.approx(17 / 21)


def check_alignment_by_programme(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)
    # ranked by learning hours
    assert [row["programme_name"] for row in rows] == ["Presenting With Impact", "Data Foundations"]
    for row in rows:
        hours, aligned = EXPECTED_LEARNING["by_programme"][row["programme_name"]]
        assert row["learning_hours"] == pytest.approx(hours)
        assert row["aligned_learning_hours"] == pytest.approx(aligned)
        assert row["aligned_share"] == pytest.approx(aligned / hours)
    assert rows[1]["aligned_share"] == pytest.approx(10 / 22)


def check_kirkpatrick_funnel(results: list[dict[str, Any]]) -> None:
    rows = only(results, 5)
    assert {row["stage"]: row["people"] for row in rows} == EXPECTED_EFFECTIVENESS["funnel"]
    assert [row["stage"] for row in rows][0] == "Started"  # largest first


def check_kirkpatrick_measures(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)
    names = ("learners", "completion_rate", "reach_share", "l2_avg_score", "l2_pass_rate", "l3_avg_level_change")
    for row in rows:
        expected = dict(zip(names, EXPECTED_EFFECTIVENESS["by_programme"][row["programme_name"]], strict=True))
        for name, value in expected.items():
            if value is None:
                assert row[name] is None, (row["programme_name"], name)
            else:
                assert row[name] == pytest.approx(value), (row["programme_name"], name)
    data_foundations = next(row for row in rows if row["programme_name"] == "Data Foundations")
    assert data_foundations["l2_avg_score"] == pytest.approx(11 / 15)


def make_interval_check(outcome: str) -> Callable[[list[dict[str, Any]]], None]:
    def check(results: list[dict[str, Any]]) -> None:
        expected = EXPECTED_IMPACT_INTERVALS[outcome]
        rows = only(results, len(expected))
        got = {
            row["estimate_label"]: (
                row["interval_value__min"],
                row["interval_value__median"],
                row["interval_value__max"],
            )
            for row in rows
        }
        assert got.keys() == expected.keys()
        for label, (low, estimate, high) in expected.items():
            assert got[label] == pytest.approx((low, estimate, high)), label
        for row in rows:  # the box collapses onto the estimate: an error bar
            assert row["interval_value__q1"] == pytest.approx(row["interval_value__median"])
            assert row["interval_value__q3"] == pytest.approx(row["interval_value__median"])

    return check


def check_impact_table(results: list[dict[str, Any]]) -> None:
    rows = only(results, 8)  # latest estimate per programme x outcome x method
    by_key = {(row["programme_name"], row["outcome_name"], row["method_name"]): row for row in rows}
    did = by_key[("Data Foundations", "Capability level", "DiD (staggered)")]
    assert (did["estimate"], did["ci_low"], did["ci_high"]) == pytest.approx((0.40, 0.20, 0.60))  # not run-1's 0.10
    assert did["evidence_status"] == "estimated"
    insufficient = by_key[("Presenting With Impact", "Capability level", "DiD (staggered)")]
    assert insufficient["estimate"] is None and insufficient["evidence_status"] == "insufficient evidence"
    pretrend = by_key[("Presenting With Impact", "Review rating", "DiD (staggered)")]
    assert pretrend["evidence_status"] == "pre-trend violated" and pretrend["ci_low"] == pytest.approx(-0.05)
    # 4 treated people: blanked, whatever the engine reported
    small = by_key[("Contract Law Refresher", "Capability level", "DiD (staggered)")]
    assert small["estimate"] is None and small["ci_low"] is None and small["ci_high"] is None
    assert small["evidence_status"] == "suppressed (fewer than 5 people)"


def check_turnover(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)  # the company's complete windows only
    got = {row["period_end_on"]: (row["voluntary_turnover"], row["involuntary_turnover"]) for row in rows}
    assert got == {epoch_ms(month): pytest.approx(rates) for month, rates in EXPECTED_TURNOVER.items()}
    assert got[epoch_ms(date(2024, 12, 1))] == pytest.approx((0.075, 0.025))


def check_spend_total(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["spend"] == pytest.approx(EXPECTED_SPEND["total"]) == 27300


def check_cost_per_employee(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["cost_per_employee"] == pytest.approx(EXPECTED_SPEND["per_employee"])


def check_cost_per_hour(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["cost_per_learning_hour"] == pytest.approx(EXPECTED_SPEND["per_learning_hour"])


def stacked(rows: list[dict[str, Any]], key: str) -> dict[tuple[str, str], float]:
    """{(category, series): value} from a pivoted bar chart's rows (nulls dropped)."""
    return {(row[key], series): value for row in rows for series, value in row.items() if series != key and value}


def check_spend_by_programme(results: list[dict[str, Any]]) -> None:
    rows = only(results, 3)  # no Contract Law Refresher (4 learners); the general licence kept
    assert stacked(rows, "programme_name") == pytest.approx(EXPECTED_SPEND["by_programme"])


def check_spend_by_org_unit(results: list[dict[str, Any]]) -> None:
    rows = only(results, 3)  # Engineering, Sales, unallocated; no Legal (4 learners)
    got = stacked(rows, "org_unit_name")
    assert got == pytest.approx(EXPECTED_SPEND["by_org_unit"])
    assert sum(value for (org, _type), value in got.items() if org == "Engineering") == pytest.approx(6800)


def check_budget_used(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["budget_used"] == pytest.approx(EXPECTED_SPEND["budget_used"]) == 1.03


def check_spend_against_plan(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)  # no Contract Law Refresher (4 participants)
    got = {row["programme_name"]: (row["direct_spend_budgeted"], row["budget"]) for row in rows}
    assert got.keys() == EXPECTED_SPEND["against_plan"].keys()
    for name, (spend, budget) in EXPECTED_SPEND["against_plan"].items():
        assert got[name] == pytest.approx((spend, budget)), name
    assert got["Data Foundations"][0] > got["Data Foundations"][1]  # over plan


def check_roi_table(results: list[dict[str, Any]]) -> None:
    rows = only(results, 3)  # programme cohorts; Contract Law Refresher's 4 participants left out
    by_key = {(row["programme_name"], row["year_number"]): row for row in rows}
    assert set(by_key) == {("Data Foundations", 2023), ("Data Foundations", 2024), ("Presenting With Impact", 2024)}
    row = by_key[("Data Foundations", 2024)]
    assert row["fully_loaded_cost_amount"] == pytest.approx(11040.0)  # 6800 + 30 % allocated + 2200
    assert row["benefit_cost_ratio"] == pytest.approx(3600 / 11040)
    low, roi, high = EXPECTED_SPEND["roi_interval"]["Data Foundations (2024)"]
    assert (row["roi_low_pct"], row["roi_pct"], row["roi_high_pct"]) == pytest.approx((low, roi, high))
    assert row["roi_band"] == "loss"
    assert (row["evaluation_reason"], row["value_per_rating_point_amount"], row["benefit_years"]) == (
        "evaluated",
        1000.0,
        2.0,
    )
    assert by_key[("Data Foundations", 2023)]["roi_band"] == "loss"
    not_evaluated = by_key[("Presenting With Impact", 2024)]
    assert not_evaluated["evaluation_reason"] == "insufficient_evidence"
    assert not_evaluated["roi_pct"] is None and not_evaluated["benefit_amount"] is None


def check_portfolio_spend(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["total_spend"] == pytest.approx(EXPECTED_SPEND["portfolio_total"])


def check_portfolio_evaluated_share(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["evaluated_share"] == pytest.approx(EXPECTED_SPEND["portfolio_evaluated_share"])


def check_portfolio_roi_low(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["portfolio_roi_low"] == pytest.approx(EXPECTED_SPEND["portfolio_roi_low"])


def check_portfolio_roi_high(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["portfolio_roi_high"] == pytest.approx(EXPECTED_SPEND["portfolio_roi_high"])


def check_value_per_rating_point(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["value_per_rating_point"] == 1000.0


def check_benefit_years(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["benefit_years"] == 2.0


def check_portfolio_table(results: list[dict[str, Any]]) -> None:
    rows = {row["period_label"]: row for row in only(results, 3)}  # 2023, 2024, all years
    assert set(rows) == {"2023", "2024", "all years"}
    overall = rows["all years"]
    assert overall["total_spend_amount"] == pytest.approx(EXPECTED_SPEND["portfolio_total"])
    assert overall["spend_insufficient_evidence_amount"] == pytest.approx(
        EXPECTED_SPEND["portfolio_insufficient_evidence"]
    )
    assert overall["roi_low_pct"] == pytest.approx(EXPECTED_SPEND["portfolio_roi_low"])
    assert rows["2023"]["evaluated_spend_share"] == pytest.approx(1.0)


def check_roi_sensitivity(results: list[dict[str, Any]]) -> None:
    rows = only(results, 18)  # 3 visible cohorts x 3 values of a point x 2 benefit-years assumptions
    by_key = {
        (row["programme_name"], row["year_number"], row["value_per_rating_point_amount"], row["benefit_years"]): row
        for row in rows
    }
    assert by_key[("Data Foundations", 2024, 2000.0, 2.0)]["roi_pct"] == pytest.approx(
        EXPECTED_SPEND["sensitivity_df_2024_2000_2"]
    )
    assert by_key[("Data Foundations", 2024, 1000.0, 2.0)]["is_base_case"] is True
    unevaluated = [row for row in rows if row["programme_name"] == "Presenting With Impact"]
    assert {(row["evaluation_reason"], row["roi_pct"]) for row in unevaluated} == {("insufficient_evidence", None)}


def check_roi_interval(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)
    got = {
        row["programme_year"]: (row["roi_value__min"], row["roi_value__median"], row["roi_value__max"]) for row in rows
    }
    assert got.keys() == EXPECTED_SPEND["roi_interval"].keys()
    for label, bounds in EXPECTED_SPEND["roi_interval"].items():
        assert got[label] == pytest.approx(bounds), label


def hours_since(loaded_at: datetime) -> float:
    """Hours from a (naive UTC) load time to now, as the dataset computes them at query time."""
    return (datetime.now(UTC) - loaded_at.replace(tzinfo=UTC)).total_seconds() / 3600


def check_freshness_table(results: list[dict[str, Any]]) -> None:
    rows = only(results, 7)
    got = {(row["schema_name"], row["source_name"]): (row["last_loaded_at"], row["load_count"]) for row in rows}
    assert got == {key: (epoch_ms(at), loads) for key, (at, loads) in EXPECTED_DATA_HEALTH["freshness"].items()}
    # ordered stalest first: finance, last loaded 2024-05-31 08:00
    assert rows[0]["source_name"] == "finance"
    hours = {row["source_name"]: row["hours_since_last_load"] for row in rows}
    # lrs was loaded 25 h 20 min after finance (each rounded to 0.1 h)
    assert hours["finance"] - hours["lrs"] == pytest.approx(25 + 1 / 3, abs=0.15)
    assert hours["lrs"] == pytest.approx(hours_since(EXPECTED_DATA_HEALTH["freshness"][("raw_lms", "lrs")][0]), abs=0.2)


def check_freshness_hours(results: list[dict[str, Any]]) -> None:
    rows = only(results, 7)
    hours = {row["source_name"]: row["hours_since_load"] for row in rows}
    assert max(hours, key=hours.get) == "finance"
    assert hours["finance"] == pytest.approx(
        hours_since(EXPECTED_DATA_HEALTH["freshness"][("raw_finance", "finance")][0]), abs=0.2
    )
    assert hours["finance"] - hours["lattice"] == pytest.approx(49.5, abs=0.15)  # 05-31 08:00 -> 06-02 09:30


def check_quarantine_by_reason(results: list[dict[str, Any]]) -> None:
    rows = only(results, 4)
    got = {row["resource_reason"]: sum(v for k, v in row.items() if k != "resource_reason" and v) for row in rows}
    assert got == EXPECTED_DATA_HEALTH["quarantine_latest"]
    lms = next(row for row in rows if row["resource_reason"] == "docebo_enrollments: unknown user")
    assert lms["raw_lms"] == 4  # the latest run's count, not run-1's 3


def check_quarantine_per_run(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)
    got = {row["run_at"]: sum(v for k, v in row.items() if k != "run_at" and v) for row in rows}
    assert got == {epoch_ms(at): total for at, total in EXPECTED_DATA_HEALTH["quarantine_per_run"].items()}


def check_results_per_run(results: list[dict[str, Any]]) -> None:
    rows = only(results, 2)
    got = {row["run_at"]: (row["passed"], row["failed_errors"], row["failed_warnings"]) for row in rows}
    assert got == {epoch_ms(at): counts for at, counts in EXPECTED_DATA_HEALTH["results_per_run"].items()}


def check_failed_kpi(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["failed"] == 1


def check_failed_latest(results: list[dict[str, Any]]) -> None:
    rows = only(results, 1)
    got = {
        (row["suite"], row["expectation"], row["checked_column"], row["severity"]): row["unexpected_rows"]
        for row in rows
    }
    assert got == EXPECTED_DATA_HEALTH["latest_failures"]


def check_identity_rate(results: list[dict[str, Any]]) -> None:
    rows = only(results, 3)
    assert {row["source_system"]: row["match_rate"] for row in rows} == pytest.approx(
        EXPECTED_DATA_HEALTH["match_rate"]
    )


def check_identity_counts(results: list[dict[str, Any]]) -> None:
    rows = only(results, 3)
    lms = next(row for row in rows if row["source_system"] == "lms")
    assert (lms["identities"], lms["matched"], lms["ambiguous"], lms["unmatched"]) == (20, 17, 1, 2)
    assert rows[0]["source_system"] == "lms"  # most identities first


UNIT_COLUMNS = ("source_name", "resource", "received", "loaded", "quarantined", "is_rejected", "reason")


def check_units_latest(results: list[dict[str, Any]]) -> None:
    expected = EXPECTED_DATA_HEALTH["units_latest"]
    rows = only(results, len(expected))
    assert {row["unit"]: tuple(row[c] for c in UNIT_COLUMNS) for row in rows} == expected
    # rejected first, then by source, resource and unit; the first drop's rows are not shown
    assert [row["unit"] for row in rows] == [
        "contractors.xlsx",
        "invoices_2024-05.csv",
        "leavers.csv",
        "workers_2024-05.csv",
        "workers_2024-06.csv",
    ]


def check_units_rejected_kpi(results: list[dict[str, Any]]) -> None:
    assert only(results, 1)[0]["rejected_units"] == EXPECTED_DATA_HEALTH["units_rejected_latest"] == 1


def check_conformance_by_rule(results: list[dict[str, Any]]) -> None:
    expected = EXPECTED_DATA_HEALTH["conformance_by_rule"]
    rows = only(results, len(expected))
    assert {row["issue_rule"]: (row["statement_count"], row["example_issue"]) for row in rows} == expected
    # most statements first, ties by rule
    assert [row["issue_rule"] for row in rows] == ["actor.mbox", "result.score.scaled", "timestamp"]


def check_conformance_kpi(results: list[dict[str, Any]]) -> None:
    # each statement once: 9, not the 10 the per-rule counts add up to
    assert only(results, 1)[0]["statements_with_issues"] == EXPECTED_DATA_HEALTH["conformance_statements"] == 9


CHECKS: dict[str, Callable[[list[dict[str, Any]]], None]] = {
    CHART_UUIDS["perception_gap"]: check_perception_gap,
    CHART_UUIDS["coverage"]: check_coverage,
    CHART_UUIDS["heatmap"]: check_heatmap,
    CHART_UUIDS["band_mix"]: check_band_mix,
    CHART_UUIDS["kpi"]: check_kpi,
    CHART_UUIDS["top_open_gaps"]: check_top_open_gaps,
    CHART_FILES["capability_gap_by_job_profile_heatmap"]: check_job_profile_heatmap,
    CHART_FILES["learning_aligned_share_kpi"]: check_aligned_share_kpi,
    CHART_FILES["learning_aligned_share_trend"]: check_aligned_share_trend,
    CHART_FILES["learning_aligned_share_by_org_unit"]: check_aligned_share_by_org_unit,
    CHART_FILES["learning_aligned_share_by_job_profile"]: check_aligned_share_by_job_profile,
    CHART_FILES["learning_alignment_by_programme"]: check_alignment_by_programme,
    CHART_FILES["kirkpatrick_funnel"]: check_kirkpatrick_funnel,
    CHART_FILES["kirkpatrick_measures_by_programme"]: check_kirkpatrick_measures,
    **{CHART_FILES[f"impact_interval_{o}"]: make_interval_check(o) for o in EXPECTED_IMPACT_INTERVALS},
    CHART_FILES["impact_estimates_table"]: check_impact_table,
    CHART_FILES["turnover_trailing_12_months"]: check_turnover,
    CHART_FILES["training_spend_total_kpi"]: check_spend_total,
    CHART_FILES["training_cost_per_employee_kpi"]: check_cost_per_employee,
    CHART_FILES["training_cost_per_hour_kpi"]: check_cost_per_hour,
    CHART_FILES["training_spend_by_programme"]: check_spend_by_programme,
    CHART_FILES["training_spend_by_org_unit"]: check_spend_by_org_unit,
    CHART_FILES["training_budget_used_kpi"]: check_budget_used,
    CHART_FILES["training_spend_against_plan"]: check_spend_against_plan,
    CHART_FILES["training_roi_table"]: check_roi_table,
    CHART_FILES["training_roi_interval"]: check_roi_interval,
    CHART_FILES["training_portfolio_spend_kpi"]: check_portfolio_spend,
    CHART_FILES["training_portfolio_evaluated_share_kpi"]: check_portfolio_evaluated_share,
    CHART_FILES["training_portfolio_roi_low_kpi"]: check_portfolio_roi_low,
    CHART_FILES["training_portfolio_roi_high_kpi"]: check_portfolio_roi_high,
    CHART_FILES["training_value_per_rating_point_kpi"]: check_value_per_rating_point,
    CHART_FILES["training_benefit_years_kpi"]: check_benefit_years,
    CHART_FILES["training_portfolio_table"]: check_portfolio_table,
    CHART_FILES["training_roi_sensitivity_table"]: check_roi_sensitivity,
    CHART_FILES["source_freshness_table"]: check_freshness_table,
    CHART_FILES["source_hours_since_last_load"]: check_freshness_hours,
    CHART_FILES["quarantined_records_by_reason"]: check_quarantine_by_reason,
    CHART_FILES["quarantined_records_per_run"]: check_quarantine_per_run,
    CHART_FILES["check_results_per_run"]: check_results_per_run,
    CHART_FILES["failed_expectations_kpi"]: check_failed_kpi,
    CHART_FILES["failed_expectations_latest_run"]: check_failed_latest,
    CHART_FILES["identity_match_rate"]: check_identity_rate,
    CHART_FILES["identity_match_counts"]: check_identity_counts,
    CHART_FILES["units_loaded_latest_load"]: check_units_latest,
    CHART_FILES["units_rejected_latest_load_kpi"]: check_units_rejected_kpi,
    CHART_FILES["xapi_conformance_by_rule"]: check_conformance_by_rule,
    CHART_FILES["xapi_conformance_statements_kpi"]: check_conformance_kpi,
}


# ------------------------------------------------------------------------- tests


def test_init_is_idempotent_and_fast_on_second_run(superset: SupersetServer) -> None:
    assert "already initialised" in superset.outputs["init_again"]
    assert superset.timings["init_again"] < 5


def test_dashboard_is_listed(superset: SupersetServer) -> None:
    found = dashboard(superset)
    assert found["slug"] == "capability-gaps"
    assert found["published"] is True
    assert str(found["uuid"]) == asset_uuid("dashboards/capability_gaps.yaml")
    response = superset.get("/api/v1/dashboard/", params={"q": "(columns:!(slug,uuid,published),page_size:100)"})
    assert response.status_code == 200, response.text
    listed = {row["slug"]: row for row in response.json()["result"]}
    assert set(listed) == set(DASHBOARDS)
    for slug, file_name in DASHBOARDS.items():
        assert str(listed[slug]["uuid"]) == asset_uuid(f"dashboards/{file_name}.yaml")
        assert listed[slug]["published"] is True


def dashboard_charts(server: SupersetServer) -> dict[str, set[str]]:
    """slug -> uuids of the charts on that dashboard."""
    response = server.get("/api/v1/dashboard/", params={"q": "(columns:!(id,slug),page_size:100)"})
    assert response.status_code == 200, response.text
    id_to_uuid = {row["id"]: uuid for uuid, row in charts_by_uuid(server).items()}
    on = {}
    for row in response.json()["result"]:
        charts = server.get(f"/api/v1/dashboard/{row['id']}/charts")
        assert charts.status_code == 200, charts.text
        on[row["slug"]] = {id_to_uuid[chart["id"]] for chart in charts.json()["result"]}
    return on


def test_every_chart_of_every_dashboard_returns_expected_data(superset: SupersetServer) -> None:
    on_dashboards = dashboard_charts(superset)
    assert set(on_dashboards) == set(DASHBOARDS)
    everywhere = set().union(*on_dashboards.values())
    # every chart in the repo is on a dashboard, and every chart has a check
    assert everywhere == set(CHART_FILES.values()) == set(CHECKS), "add a check for each new chart"
    assert len(on_dashboards["capability-gaps"]) == 7
    assert len(on_dashboards["learning-alignment-impact"]) == 13
    assert len(on_dashboards["training-spend-roi"]) == 17
    assert len(on_dashboards["data-health"]) == 13
    by_uuid = charts_by_uuid(superset)
    for uuid in sorted(everywhere):
        CHECKS[uuid](chart_data(superset, by_uuid[uuid]["id"]))


def test_dashboard_page_and_explore_load_for_a_browser_session(superset: SupersetServer) -> None:
    """The UI path: form login with CSRF, the dashboard page, and explore for each chart."""
    browser = requests.Session()
    login_page = browser.get(superset.base_url + "/login/", timeout=60)
    assert login_page.status_code == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', login_page.text)
    assert token, "no CSRF token on the login form"
    response = browser.post(
        superset.base_url + "/login/",
        data={"username": "admin", "password": superset.env["SUPERSET_ADMIN_PASSWORD"], "csrf_token": token[1]},
        timeout=60,
    )
    assert response.status_code == 200
    for slug in DASHBOARDS:
        page = browser.get(superset.base_url + f"/superset/dashboard/{slug}/", timeout=60)
        assert page.status_code == 200, slug
        assert "/login/" not in page.url
    for uuid, chart in charts_by_uuid(superset).items():
        explore = browser.get(superset.base_url + "/api/v1/explore/", params={"slice_id": chart["id"]}, timeout=60)
        assert explore.status_code == 200, (uuid, explore.text[:500])
        result = explore.json()["result"]
        assert result["form_data"]["datasource"] == f"{result['dataset']['id']}__table"
        assert result["dataset"]["table_name"] in DATASET_FILES
        assert result["form_data"]["viz_type"] == chart["viz_type"]


# dataset -> (column whose values identify the groups, the values that may show). In the
# fixture each has one group of 4 people (Legal, Counsel, Contract Law Refresher's
# learners, ...) whose value must be absent. Data Health datasets count records and
# identities, not people, and are listed with None.
GROUP_PROBES: dict[str, tuple[str, set[Any]] | None] = {
    "capability_gap_by_org_unit": ("org_unit_name", {"Engineering", "Sales"}),
    "capability_gap_headcount": ("org_unit_name", {"Engineering", "Sales"}),
    "capability_gap_by_job_profile": ("job_title", {"Analyst", "Specialist"}),
    "learning_alignment_by_org_unit": ("org_unit_name", {"Engineering", "Sales"}),
    "learning_alignment_by_programme": ("programme_name", {"Data Foundations", "Presenting With Impact"}),
    "learning_alignment_by_job_profile": ("job_title", {"Analyst", "Specialist"}),
    "learning_effectiveness_by_programme": ("programme_name", {"Data Foundations", "Presenting With Impact"}),
    "learning_funnel_by_programme": ("programme_name", {"Data Foundations", "Presenting With Impact"}),
    "learning_impact_intervals": ("programme_name", {"Data Foundations", "Presenting With Impact"}),
    # the impact table keeps the row (the programme was evaluated) with its numbers blanked
    "learning_impact_estimates": (
        "programme_name",
        {"Data Foundations", "Presenting With Impact", "Contract Law Refresher"},
    ),
    # the company's complete windows: no org unit, no suppressed or partial window
    "turnover_trailing_12_months": ("average_headcount", {100.0, 120.0}),
    "training_spend_by_org_unit": ("org_unit_name", {"Engineering", "Sales", "Not allocated to an org unit"}),
    "training_spend_by_programme": (
        "programme_name",
        {"Data Foundations", "Presenting With Impact", "Not tied to a programme"},
    ),
    "training_cost_by_year": ("participant_count", {15}),
    "training_roi_by_programme": ("programme_name", {"Data Foundations", "Presenting With Impact"}),
    "training_roi_intervals": ("programme_year", {"Data Foundations (2023)", "Data Foundations (2024)"}),
    "training_budget_by_programme": ("programme_name", {"Data Foundations", "Presenting With Impact"}),
    "training_roi_sensitivity": ("programme_name", {"Data Foundations", "Presenting With Impact"}),
    # sums over every programme cohort: nothing personal to suppress
    "training_portfolio": None,
    "source_freshness": None,
    "quarantine_by_reason": None,
    "data_quality_results": None,
    "identity_match_by_source": None,
    "load_reconciliation": None,
    "xapi_conformance": None,
}


def datasets_by_name(server: SupersetServer, session: requests.Session | None = None) -> dict[str, dict[str, Any]]:
    http = session or server.http
    response = http.get(server.base_url + "/api/v1/dataset/", params={"q": "(page_size:100)"}, timeout=60)
    assert response.status_code == 200, response.text
    return {row["table_name"]: row for row in response.json()["result"]}


def group_query(dataset_id: int, columns: list[str], metric_sql: str = "count(*)") -> dict[str, Any]:
    return {
        "datasource": {"id": dataset_id, "type": "table"},
        "force": True,
        "queries": [
            {
                "columns": columns,
                "metrics": [{"expressionType": "SQL", "sqlExpression": metric_sql, "label": "rows"}],
                "filters": [],
                "row_limit": 1000,
            }
        ],
        "result_format": "json",
        "result_type": "full",
    }


def test_groups_under_five_employees_never_reach_superset(superset: SupersetServer) -> None:
    """Each group of 4 must be absent from every dataset, whatever the query."""
    datasets = datasets_by_name(superset)
    assert set(datasets) == set(GROUP_PROBES) == set(DATASET_FILES)
    for name in ("capability_gap_by_org_unit", "capability_gap_headcount"):
        response = superset.post(
            "/api/v1/chart/data",
            json=group_query(datasets[name]["id"], ["org_unit_name", "month_start_on"], "sum(employee_count)"),
        )
        assert response.status_code == 200, response.text
        rows = response.json()["result"][0]["data"]
        assert {row["org_unit_name"] for row in rows} == {"Engineering", "Sales"}
        # both months present for both visible org units
        assert len(rows) == 2 * len(GAPS)
    for name, probe in GROUP_PROBES.items():
        if probe is None:
            continue
        column, allowed = probe
        response = superset.post("/api/v1/chart/data", json=group_query(datasets[name]["id"], [column]))
        assert response.status_code == 200, (name, response.text)
        values = {row[column] for row in response.json()["result"][0]["data"]}
        assert values == allowed, name
    # blanked measures of small groups: the impact estimate on 4 treated people and the
    # L3 measure of Presenting With Impact's 3 followed-up learners
    response = superset.post(
        "/api/v1/chart/data",
        json=group_query(
            datasets["learning_impact_estimates"]["id"],
            ["programme_name", "evidence_status"],
            "count(estimate) + count(ci_low) + count(ci_high)",
        ),
    )
    rows = {row["programme_name"]: row for row in response.json()["result"][0]["data"] if row["rows"] == 0}
    assert rows["Contract Law Refresher"]["evidence_status"] == "suppressed (fewer than 5 people)"
    response = superset.post(
        "/api/v1/chart/data",
        json=group_query(
            datasets["learning_effectiveness_by_programme"]["id"], ["programme_name"], "sum(l3_reported_count)"
        ),
    )
    assert {row["programme_name"]: row["rows"] for row in response.json()["result"][0]["data"]} == {
        "Data Foundations": 6,
        "Presenting With Impact": 0,
    }


def test_no_dataset_carries_a_person(superset: SupersetServer) -> None:
    """Aggregates only: no name or person id in any dataset, so the L&D analyst sees no
    names and finance only aggregates, whatever they open."""
    for name, dataset in datasets_by_name(superset).items():
        response = superset.get(f"/api/v1/dataset/{dataset['id']}")
        assert response.status_code == 200, response.text
        columns = {column["column_name"] for column in response.json()["result"]["columns"]}
        assert columns, name
        assert not columns & PERSONAL_COLUMNS, (name, columns & PERSONAL_COLUMNS)


def run_with(server: SupersetServer, chart_uuid: str, filters=(), time_range=None, session=None) -> list[dict]:
    """A chart's saved query with what a dashboard's native filters add to it."""
    chart_id = charts_by_uuid(server)[chart_uuid]["id"]
    query_context = saved_query_context(server, chart_id)
    query_context["force"] = True
    query_context["datasource"] = {"id": chart_dataset_id(server, chart_id), "type": "table"}
    query_context["queries"][0]["filters"].extend(filters)
    if time_range:
        query_context["queries"][0]["time_range"] = time_range
    http = session or server.http
    response = http.post(server.base_url + "/api/v1/chart/data", json=query_context, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()["result"][0]["data"]


def chart_dataset_id(server: SupersetServer, chart_id: int) -> int:
    response = server.get("/api/v1/explore/", params={"slice_id": chart_id})
    assert response.status_code == 200, response.text
    return response.json()["result"]["dataset"]["id"]


def test_division_filter_applies_to_the_kpi(superset: SupersetServer) -> None:
    """What the dashboard's Division native filter sends: an extra IN filter."""
    # Engineering: E00001 (two open gaps), E00002, E00003
    data = run_with(superset, CHART_UUIDS["kpi"], [{"col": "division_name", "op": "IN", "val": ["Technology"]}])
    assert data == [{"employees_with_open_gap": 3}]


def test_period_filters_narrow_the_charts_they_scope(superset: SupersetServer) -> None:
    """What a Period (time range) native filter sends: the range replaces each in-scope
    chart's temporal filter."""
    june = "2024-06-01 : 2024-07-01"
    band_mix = run_with(superset, CHART_UUIDS["band_mix"], time_range=june)
    assert [(row["band_low"], row["band_intermediate"], row["band_high"]) for row in band_mix] == [
        EXPECTED["band_mix"][LATEST_MONTH]
    ]
    (kpi,) = run_with(superset, CHART_FILES["learning_aligned_share_kpi"], time_range=june)
    assert kpi["aligned_share"] == pytest.approx(EXPECTED_LEARNING["aligned_share_by_month"][MONTHS[1]])
    # the funnel in 2024 only: started 11 + 11 (2023's 5 left out)
    funnel = run_with(superset, CHART_FILES["kirkpatrick_funnel"], time_range="2024-01-01 : 2025-01-01")
    assert {row["stage"]: row["people"] for row in funnel}["Started"] == 22
    (spend,) = run_with(superset, CHART_FILES["training_spend_total_kpi"], time_range="2025-01-01 : 2026-01-01")
    assert spend["spend"] is None  # no spend in 2025
    runs = run_with(superset, CHART_FILES["check_results_per_run"], time_range="2024-06-02 : 2024-06-03")
    assert [row["run_at"] for row in runs] == [epoch_ms(RUN_2_AT)]


def test_select_filters_narrow_the_charts_they_scope(superset: SupersetServer) -> None:
    """Org unit, job profile, programme and raw schema, as their native filters send them."""
    (kpi,) = run_with(
        superset, CHART_FILES["learning_aligned_share_kpi"], [{"col": "org_unit_name", "op": "IN", "val": ["Sales"]}]
    )
    assert kpi["aligned_share"] == pytest.approx(EXPECTED_LEARNING["aligned_share_by_org_unit"]["Sales"])
    heatmap = run_with(
        superset,
        CHART_FILES["capability_gap_by_job_profile_heatmap"],
        [{"col": "job_title", "op": "IN", "val": ["Specialist"]}],
    )
    assert {row["job_title"] for row in heatmap} == {"Specialist"}
    assert len(heatmap) == 2
    funnel = run_with(
        superset,
        CHART_FILES["kirkpatrick_funnel"],
        [{"col": "programme_name", "op": "IN", "val": ["Presenting With Impact"]}],
    )
    assert {row["stage"]: row["people"] for row in funnel} == {
        "Started": 11,
        "Completed": 11,
        "Assessed (L2)": 0,
        "Change measured (L3)": 3,
    }
    by_programme = run_with(
        superset,
        CHART_FILES["training_spend_by_programme"],
        [{"col": "programme_name", "op": "IN", "val": ["Data Foundations"]}],
    )
    assert [row["programme_name"] for row in by_programme] == ["Data Foundations"]
    quarantine = run_with(
        superset,
        CHART_FILES["quarantined_records_by_reason"],
        [{"col": "schema_name", "op": "IN", "val": ["raw_hris"]}],
    )
    assert {row["resource_reason"] for row in quarantine} == {
        "employees: missing id",
        "employees: missing or malformed workEmail",
    }
    units = run_with(
        superset,
        CHART_FILES["units_loaded_latest_load"],
        [{"col": "schema_name", "op": "IN", "val": ["raw_finance"]}],
    )
    assert [(row["unit"], row["received"]) for row in units] == [("invoices_2024-05.csv", 12)]
    (rejected,) = run_with(
        superset,
        CHART_FILES["units_rejected_latest_load_kpi"],
        [{"col": "schema_name", "op": "IN", "val": ["raw_finance"]}],
    )
    assert rejected["rejected_units"] == 0


# filter id -> charts (file names) it must apply to, per dashboard
FILTER_SCOPES = {
    "capability-gaps": {
        "NATIVE_FILTER-period": {"capability_gap_band_mix"},
        "NATIVE_FILTER-job-profile": {"capability_gap_by_job_profile_heatmap"},
    },
    "learning-alignment-impact": {
        "NATIVE_FILTER-org-unit": {
            "learning_aligned_share_kpi",
            "learning_aligned_share_trend",
            "learning_aligned_share_by_org_unit",
        },
        "NATIVE_FILTER-job-profile": {"learning_aligned_share_by_job_profile"},
        "NATIVE_FILTER-programme": {
            "learning_alignment_by_programme",
            "kirkpatrick_funnel",
            "kirkpatrick_measures_by_programme",
            "impact_interval_capability_level",
            "impact_interval_review_rating",
            "impact_interval_goal_attainment",
            "impact_interval_retention_12m",
            "impact_estimates_table",
        },
    },
    "training-spend-roi": {
        "NATIVE_FILTER-org-unit": {"training_spend_by_org_unit"},
        "NATIVE_FILTER-programme": {
            "training_spend_by_programme",
            "training_spend_against_plan",
            "training_roi_table",
            "training_roi_interval",
            "training_roi_sensitivity_table",
        },
        "NATIVE_FILTER-period": {
            "training_spend_total_kpi",
            "training_cost_per_employee_kpi",
            "training_cost_per_hour_kpi",
            "training_budget_used_kpi",
            "training_spend_by_programme",
            "training_spend_by_org_unit",
            "training_spend_against_plan",
            "training_roi_table",
            "training_roi_interval",
            "training_roi_sensitivity_table",
        },
    },
    "data-health": {
        "NATIVE_FILTER-period": {"quarantined_records_per_run", "check_results_per_run"},
    },
}


def test_native_filters_are_scoped_to_this_instances_charts(superset: SupersetServer) -> None:
    """After import, each filter's chartsInScope names this instance's chart ids (Superset's
    importer leaves the exporting instance's ids there; superset_ctl resolves them)."""
    id_to_file = {charts_by_uuid(superset)[uuid]["id"]: name for name, uuid in CHART_FILES.items()}
    response = superset.get("/api/v1/dashboard/", params={"q": "(columns:!(id,slug),page_size:100)"})
    for row in response.json()["result"]:
        metadata = json.loads(superset.get(f"/api/v1/dashboard/{row['id']}").json()["result"]["json_metadata"])
        filters = {f["id"]: f for f in metadata["native_filter_configuration"]}
        for filter_id, expected in FILTER_SCOPES[row["slug"]].items():
            in_scope = {id_to_file[chart_id] for chart_id in filters[filter_id]["chartsInScope"]}
            assert in_scope == expected, (row["slug"], filter_id)
        # every select filter's column exists in the dataset of every chart it applies to
        for native in filters.values():
            for target in native["targets"]:
                column = target.get("column", {}).get("name")
                for chart_id in native["chartsInScope"]:
                    if column:
                        dataset = superset.get(f"/api/v1/dataset/{chart_dataset_id(superset, chart_id)}")
                        names = {c["column_name"] for c in dataset.json()["result"]["columns"]}
                        assert column in names, (row["slug"], native["id"], id_to_file[chart_id])


def test_rendered_assets_are_templated_not_hard_coded(superset: SupersetServer, tmp_path) -> None:
    for path in ASSETS.rglob("*.yaml"):
        text = path.read_text()
        assert str(superset.serving_path) not in text
    database = yaml.safe_load((ASSETS / "databases" / "warehouse.yaml").read_text())
    assert database["sqlalchemy_uri"] == "duckdb:///{{ SERVING_WAREHOUSE_PATH }}"
    assert database["extra"]["engine_params"]["connect_args"]["read_only"] is True

    out = tmp_path / "rendered"
    superset.ctl("render", "--out", str(out))
    rendered_db = yaml.safe_load((out / "databases" / "warehouse.yaml").read_text())
    assert rendered_db["sqlalchemy_uri"] == f"duckdb:///{superset.serving_path}"
    rendered_ds = yaml.safe_load((out / "datasets" / "warehouse" / "capability_gap_by_org_unit.yaml").read_text())
    sql = (ASSETS / "datasets" / "warehouse" / "capability_gap_by_org_unit.sql").read_text()
    assert rendered_ds["sql"].strip() == sql.strip()
    assert "having count(distinct gap.employee_id) >= 5" in rendered_ds["sql"]

    missing = {k: v for k, v in superset.env.items() if k != "SERVING_WAREHOUSE_PATH"}
    result = run_ctl("render", "--out", str(tmp_path / "nope"), env=missing, check=False)
    assert result.returncode == 1
    assert "SERVING_WAREHOUSE_PATH" in result.stderr


def test_second_import_duplicates_nothing(superset: SupersetServer) -> None:
    def counts() -> dict[str, int]:
        out = {}
        for kind in ("chart", "dataset", "database", "dashboard"):
            response = superset.get(f"/api/v1/{kind}/", params={"q": "(page_size:100)"})
            assert response.status_code == 200, response.text
            out[kind] = response.json()["count"]
        return out

    before = counts()
    assert before == {"chart": len(CHART_FILES), "dataset": len(DATASET_FILES), "database": 1, "dashboard": 4}
    started = time.monotonic()
    superset.ctl("import")
    superset.timings["import_again"] = time.monotonic() - started
    assert counts() == before
    dash = dashboard(superset)
    response = superset.get(f"/api/v1/dashboard/{dash['id']}/charts")
    assert len(response.json()["result"]) == 7
    by_uuid = charts_by_uuid(superset)
    check_kpi(chart_data(superset, by_uuid[CHART_UUIDS["kpi"]]["id"]))


def test_export_round_trips_to_the_repo_files(superset: SupersetServer, tmp_path) -> None:
    out = tmp_path / "exported"
    started = time.monotonic()
    superset.ctl("export", "--out", str(out))
    superset.timings["export"] = time.monotonic() - started
    repo_files = {p.relative_to(ASSETS).as_posix(): p.read_text() for p in ASSETS.rglob("*") if p.is_file()}
    exported = {p.relative_to(out).as_posix(): p.read_text() for p in out.rglob("*") if p.is_file()}
    assert sorted(exported) == sorted(repo_files)
    for rel, text in repo_files.items():
        assert exported[rel] == text, f"{rel} differs after import + export"


def test_republished_serving_copy_is_picked_up(superset: SupersetServer, tmp_path) -> None:
    """The pipeline publishes a new serving copy by atomic rename; Superset must follow."""
    kpi_id = charts_by_uuid(superset)[CHART_UUIDS["kpi"]]["id"]
    check_kpi(chart_data(superset, kpi_id))
    original = superset.serving_path.with_name("original.duckdb")
    os.link(superset.serving_path, original)
    try:
        import duckdb

        new_copy = build_serving_warehouse(superset.serving_path.with_name("next.duckdb"))
        con = duckdb.connect(str(new_copy))
        con.execute("delete from marts.mart_capability_gap where org_unit_id = 'commercial-sales'")
        con.close()
        os.replace(new_copy, superset.serving_path)
        (result,) = chart_data(superset, kpi_id)
        assert result["data"][0]["employees_with_open_gap"] == 3  # Engineering only
    finally:
        os.replace(original, superset.serving_path)
    check_kpi(chart_data(superset, kpi_id))


def test_refuses_to_start_without_secret_key(tmp_path) -> None:
    env = clean_env(SUPERSET_HOME=str(tmp_path / "home"))
    result = run_ctl("init", env=env, check=False)
    assert result.returncode == 1
    assert "SUPERSET_SECRET_KEY" in result.stderr
    # the config itself refuses too, whoever loads it
    config = REPO_ROOT / "dashboards" / "superset_config.py"
    result = subprocess.run(
        [str(SUPERSET_PYTHON), "-c", f"import runpy; runpy.run_path({str(config)!r})"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SUPERSET_SECRET_KEY is not set" in result.stderr


# ---------------------------------------------------------------- roles and RLS


def login_as(server: SupersetServer, username: str, password: str) -> requests.Session:
    session = requests.Session()
    login = session.post(
        server.base_url + "/api/v1/security/login",
        json={"username": username, "password": password, "provider": "db", "refresh": False},
        timeout=60,
    )
    assert login.status_code == 200, login.text
    session.headers["Authorization"] = f"Bearer {login.json()['access_token']}"
    return session


def metadata_db(server: SupersetServer) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{server.home / 'superset.db'}?mode=ro", uri=True)


def test_import_creates_roles_and_the_scoped_demo_manager(superset: SupersetServer) -> None:
    output = superset.outputs["import"]
    assert f"manager {DEMO_MANAGER_ID}'s subtree: 2 org unit(s)" in output, output
    with metadata_db(superset) as conn:
        grants = conn.execute(
            """
            select role.name, count(*)
            from ab_role as role
            join ab_permission_view_role as grant_ on grant_.role_id = role.id
            join ab_permission_view as pv on pv.id = grant_.permission_view_id
            join ab_permission as perm on perm.id = pv.permission_id
            where perm.name = 'datasource_access'
            group by role.name
            """
        ).fetchall()
        rules = dict(conn.execute("select name, clause from row_level_security_filters").fetchall())
        user_roles = {
            row[0]
            for row in conn.execute(
                """
                select role.name from ab_user as u
                join ab_user_role as ur on ur.user_id = u.id
                join ab_role as role on role.id = ur.role_id
                where u.username = 'demo_manager'
                """
            )
        }
    # every dataset is an aggregate without names or person ids: the L&D analyst and
    # finance read all of them; managers only the 4 with an org unit, under RLS
    assert dict(grants) == {"LD_Analyst": len(DATASET_FILES), "Finance": len(DATASET_FILES), "Manager": 4}
    assert len(DATASET_FILES) == 25
    assert rules == {
        "Manager: no scope unless granted": "1 = 0",
        "Manager scope: demo_manager": "org_unit_id in ('corporate-legal', 'technology-engineering')",
    }
    assert user_roles == {"Manager", "Manager scope: demo_manager"}


def test_demo_manager_sees_only_its_subtree(superset: SupersetServer) -> None:
    """E00001's subtree is Engineering + Legal; Legal (4 people) stays suppressed."""
    session = login_as(superset, "demo_manager", superset.env["SUPERSET_DEMO_PASSWORD"])
    datasets = datasets_by_name(superset, session)
    # the datasets with an org unit, and only those
    assert set(datasets) == {
        "capability_gap_by_org_unit",
        "capability_gap_headcount",
        "learning_alignment_by_org_unit",
        "training_spend_by_org_unit",
    }
    time_column = {"training_spend_by_org_unit": "year_start_on"}
    for name, dataset in datasets.items():
        columns = ["org_unit_id", "org_unit_name", time_column.get(name, "month_start_on")]
        response = session.post(
            superset.base_url + "/api/v1/chart/data", json=group_query(dataset["id"], columns), timeout=60
        )
        assert response.status_code == 200, response.text
        rows = response.json()["result"][0]["data"]
        assert {row["org_unit_id"] for row in rows} == {"technology-engineering"}, name
        assert {row["org_unit_id"] for row in rows} < set(DEMO_MANAGER_ORG_UNITS)
        if name != "training_spend_by_org_unit":
            assert len(rows) == len(GAPS)  # one row per month, Engineering only
        if name.startswith("capability_gap"):
            per_group = 2 if name == "capability_gap_by_org_unit" else 1
            assert sum(row["rows"] for row in rows) == per_group * len(GAPS)
    # the new dashboards' charts on org-unit datasets, as the manager: Engineering only
    (share,) = run_with(superset, CHART_FILES["learning_aligned_share_kpi"], session=session)
    assert share["aligned_share"] == pytest.approx(12 / 18)  # Engineering's, not 20/48
    spend = run_with(superset, CHART_FILES["training_spend_by_org_unit"], session=session)
    assert [row["org_unit_name"] for row in spend] == ["Engineering"]
    assert sum(value for key, value in spend[0].items() if key != "org_unit_name" and value) == pytest.approx(6800)
    # no access to company-wide datasets (programme, job profile, finance totals)
    for name in ("learning_alignment_by_programme", "capability_gap_by_job_profile", "training_cost_by_year"):
        response = session.post(
            superset.base_url + "/api/v1/chart/data",
            json=group_query(datasets_by_name(superset)[name]["id"], []),
            timeout=60,
        )
        assert response.status_code in (403, 404), (name, response.status_code)
    # the saved charts, as the manager: Engineering's 3 open-gap employees, not 8
    by_uuid = charts_by_uuid(superset)
    response = session.get(
        superset.base_url + f"/api/v1/chart/{by_uuid[CHART_UUIDS['kpi']]['id']}/data/",
        params={"force": "true"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    assert response.json()["result"][0]["data"] == [{"employees_with_open_gap": 3}]
    response = session.get(
        superset.base_url + f"/api/v1/chart/{by_uuid[CHART_UUIDS['heatmap']]['id']}/data/",
        params={"force": "true"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    cells = {(row["capability_name"], row["org_unit_name"]) for row in response.json()["result"][0]["data"]}
    assert cells == {("Data Analysis", "Engineering"), ("Stakeholder Communication", "Engineering")}
    # the admin still sees both visible org units: the rule is the manager's only
    (result,) = chart_data(superset, by_uuid[CHART_UUIDS["kpi"]]["id"])
    assert result["data"] == [{"employees_with_open_gap": 8}]


def test_demo_manager_is_skipped_without_a_password(superset: SupersetServer, tmp_path) -> None:
    env = {k: v for k, v in superset.env.items() if k != "SUPERSET_DEMO_PASSWORD"}
    env["SUPERSET_HOME"] = str(tmp_path / "home")
    run_ctl("init", env=env)
    result = run_ctl("import", env=env)
    assert "SUPERSET_DEMO_PASSWORD is not set: not creating the 'demo_manager' account" in result.stderr
    with sqlite3.connect(f"file:{tmp_path / 'home' / 'superset.db'}?mode=ro", uri=True) as conn:
        assert conn.execute("select count(*) from ab_user where username = 'demo_manager'").fetchone() == (0,)
        assert conn.execute("select count(*) from ab_role where name = 'Manager'").fetchone() == (1,)
