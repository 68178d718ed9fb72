"""The full Dagster Definitions load and the asset graph connects end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from dagster import AssetKey

from orchestration.definitions import defs


@pytest.fixture(scope="module")
def graph():
    return defs.resolve_asset_graph()


def _upstream(graph, key: AssetKey) -> set[AssetKey]:
    seen, todo = set(), [key]
    while todo:
        for parent in graph.get(todo.pop()).parent_keys:
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def test_every_raw_table_the_models_read_is_loaded_by_a_connector(graph) -> None:
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    raw_inputs = {parent for key in materializable if key.path[0] == "staging" for parent in graph.get(key).parent_keys}
    assert raw_inputs, "staging models read raw tables"
    assert all(key.path[0].startswith("raw_") for key in raw_inputs)
    # A dlt child table is written by its parent resource's load: it counts as loaded when
    # that parent is a materializable ingestion asset.
    loaded = {
        key
        for key in raw_inputs
        if key in materializable or any(parent in materializable for parent in graph.get(key).parent_keys)
    }
    missing = raw_inputs - loaded
    assert not missing, f"dbt sources with no ingestion asset: {sorted(k.to_user_string() for k in missing)}"


def test_lineage_runs_from_sources_to_the_dashboard(graph) -> None:
    upstream = _upstream(graph, AssetKey(["superset", "dashboards"]))
    for key in (
        ["serving", "warehouse"],
        ["marts", "mart_capability_gap"],
        ["marts", "dim_employee"],
        ["marts", "fct_learning_activity"],
        ["marts", "fct_review"],
        ["raw_hris", "employees"],
        ["raw_hris", "job_info"],
        ["raw_lms", "statements"],
        ["raw_performance", "reviews"],
        ["raw_framework", "required_levels"],
    ):
        assert AssetKey(key) in upstream, key


def test_quality_checks_guard_raw_tables_and_marts(graph) -> None:
    checks = {(c.asset_key.to_user_string(), c.name) for c in graph.asset_check_keys}
    for expected in [
        ("raw_hris/employees", "gx_employees"),
        ("raw_hris/job_info", "gx_job_info"),
        ("raw_lms/statements", "gx_statements"),
        ("raw_performance/reviews", "gx_reviews"),
        ("raw_performance/reviews", "gx_reviews__competency_ratings"),
        ("raw_framework/required_levels", "gx_required_levels"),
        ("marts/mart_capability_gap", "gx_mart_capability_gap"),
        ("marts/dim_employee", "gx_dim_employee"),
        ("marts/fct_review", "gx_fct_review"),
        ("marts/fct_capability_assessment", "gx_fct_capability_assessment"),
    ]:
        assert expected in checks
    # a suite file is a check: every guarded table exists as an asset
    gx_checks = {c for c in checks if c[1].startswith("gx_")}
    suites = sorted(
        p.name.removesuffix(".yml") for p in (Path(__file__).parents[1] / "expectations" / "suites").glob("*.yml")
    )
    assert len(gx_checks) == len(suites)
    dbt_tests = [c for c in checks if c[0].startswith("marts/") and not c[1].startswith("gx_")]
    assert len(dbt_tests) >= 20, "dbt tests appear as asset checks"


def test_the_job_builds_every_asset() -> None:
    job = defs.resolve_job_def("warehouse_job")
    graph = defs.resolve_asset_graph()
    materializable = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    assert job.asset_layer.selected_asset_keys == materializable
    assert len(materializable) >= 40
