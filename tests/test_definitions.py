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


# -- A customer without a source: DISABLED_SOURCES -------------------------------------------

GRAPH_SCRIPT = """
import json
from orchestration.definitions import defs
graph = defs.resolve_asset_graph()
job = defs.resolve_job_def("warehouse_job")
print(json.dumps({
    "assets": {k.to_user_string(): graph.get(k).is_materializable for k in graph.get_all_asset_keys()},
    "parents": {k.to_user_string(): [p.to_user_string() for p in graph.get(k).parent_keys]
                for k in graph.get_all_asset_keys()},
    "job": sorted(k.to_user_string() for k in job.asset_layer.selected_asset_keys),
}))
"""


def _graph_with(disabled: str, tmp_path: Path) -> dict:
    """The Definitions as a customer with DISABLED_SOURCES=`disabled` gets them: dbt parsed
    with the variable set (in a copy of the project, so the shared manifest is untouched)."""
    import json
    import os
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    tmp_path.mkdir(parents=True, exist_ok=True)
    project = tmp_path / "dbt_project"
    shutil.copytree(root / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs", "*.duckdb"))
    env = {
        **os.environ,
        "DISABLED_SOURCES": disabled,
        "DBT_PROJECT_DIR": str(project),
        "WAREHOUSE_PATH": str(tmp_path / "warehouse.duckdb"),
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    (tmp_path / "dagster_home").mkdir()
    dbt = Path(sys.executable).with_name("dbt")
    parsed = subprocess.run(
        [str(dbt), "parse", "--quiet", "--project-dir", str(project), "--profiles-dir", str(project)],
        env=env,
        capture_output=True,
        text=True,
    )
    assert parsed.returncode == 0, parsed.stdout[-3000:] + parsed.stderr[-3000:]
    loaded = subprocess.run(
        [sys.executable, "-c", GRAPH_SCRIPT], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
    assert loaded.returncode == 0, loaded.stderr[-4000:]
    return json.loads(loaded.stdout.strip().splitlines()[-1])


def test_a_disabled_source_has_no_assets_and_the_graph_still_connects(tmp_path: Path) -> None:
    culture_amp = {"raw_performance/culture_amp_manager_reviews", "staging/stg_culture_amp__manager_reviews"}
    # Enabled (the default): Culture Amp is loaded and staged.
    everything = _graph_with("", tmp_path / "all")
    assert culture_amp <= {key for key, can in everything["assets"].items() if can}

    found = _graph_with("culture_amp", tmp_path / "off")
    materializable = {key for key, can in found["assets"].items() if can}
    assert not any("culture_amp" in key for key in materializable), "no load, model or mart of the source"
    # GX checks of its raw tables may remain as checks on stub assets, never in the job.
    assert not any("culture_amp" in key for key in found["job"])
    # The rest of the graph is intact: reviews still reach fct_review and the dashboards.
    for key in ("raw_performance/reviews", "intermediate/int_performance__reviews_resolved", "marts/fct_review"):
        assert key in materializable, key
    assert "raw_performance/checkins" in materializable and "marts/fct_check_in" in materializable
    staging_inputs = {p for key, parents in found["parents"].items() if key.startswith("staging/") for p in parents}
    unloaded = {p for p in staging_inputs if p.startswith("raw_") and not found["assets"][p]}
    unloaded = {p for p in unloaded if not any(found["assets"].get(q) for q in found["parents"][p])}
    assert not unloaded, f"staging reads raw tables no connector loads: {sorted(unloaded)}"
    assert set(found["job"]) == materializable


def test_disabled_sources_setting_rejects_typos_and_core_sources() -> None:
    from orchestration.settings import SourceSettingsError, disabled_sources

    assert disabled_sources(" Culture_Amp , workday,") == {"culture_amp", "workday"}
    assert disabled_sources("") == frozenset()
    with pytest.raises(SourceSettingsError, match="unknown source cultureamp"):
        disabled_sources("cultureamp")
    with pytest.raises(SourceSettingsError, match="bamboohr cannot be switched off"):
        disabled_sources("bamboohr")
