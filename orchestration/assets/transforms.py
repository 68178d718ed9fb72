"""The dbt project as Dagster assets. dbt tests become asset checks."""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, DbtProject, dbt_assets

from orchestration.settings import DBT_PROJECT_DIR, DBT_TARGET

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target=DBT_TARGET)
# Parses the project under `dagster dev`; headless runs and tests run `dbt parse` first
# (`make build` does), because a stale or missing manifest must fail loudly, not silently.
dbt_project.prepare_if_dev()


class LayeredTranslator(DagsterDbtTranslator):
    """Models are keyed `[<schema>, <model>]` and grouped by layer; sources keep
    `[<source>, <table>]` (or `meta.dagster.asset_key`), matching the dlt assets."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "snapshot", "seed"):
            schema = dbt_resource_props.get("config", {}).get("schema") or dbt_resource_props["schema"]
            return AssetKey([schema, dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "model":
            return dbt_resource_props.get("config", {}).get("schema") or "models"
        return super().get_group_name(dbt_resource_props)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=LayeredTranslator(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True)),
)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """Staging, intermediate and mart models, built and tested with `dbt build`."""
    yield from dbt.cli(["build"], context=context).stream()


def dbt_resource() -> DbtCliResource:
    # The dbt installed beside this interpreter, so runs work without an activated venv.
    return DbtCliResource(
        project_dir=dbt_project, target=DBT_TARGET, dbt_executable=str(Path(sys.executable).with_name("dbt"))
    )
