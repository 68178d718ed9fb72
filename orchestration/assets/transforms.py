"""The dbt project as Dagster assets. dbt tests become asset checks."""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from dagster import AssetExecutionContext, AssetKey, AssetSpec
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


# Models that read the impact engine's output (tag `impact_downstream`: the estimates and
# ROI) build in a second dbt step after the engine, which itself reads the main build.
IMPACT_DOWNSTREAM = "tag:impact_downstream"
IMPACT_ASSET = AssetKey(["marts", "mart_learning_impact"])


class ImpactDownstreamTranslator(LayeredTranslator):
    """Also makes the engine's mart an upstream of the models that read it (they find
    the table with adapter.get_relation, so dbt itself does not know the dependency)."""

    def get_asset_spec(self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        node = manifest["nodes"].get(unique_id, {})
        if "impact_downstream" in node.get("tags", []) and node.get("name") == "int_impact__estimates":
            spec = spec.merge_attributes(deps=[IMPACT_ASSET])
        return spec


SETTINGS = DagsterDbtTranslatorSettings(enable_asset_checks=True)


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    exclude=IMPACT_DOWNSTREAM,
    dagster_dbt_translator=LayeredTranslator(settings=SETTINGS),
)
def warehouse_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """Staging, intermediate and mart models, built and tested with `dbt build`."""
    yield from dbt.cli(["build"], context=context).stream()


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    select=IMPACT_DOWNSTREAM,
    name="impact_downstream_models",
    dagster_dbt_translator=ImpactDownstreamTranslator(settings=SETTINGS),
)
def impact_downstream_models(context: AssetExecutionContext, dbt: DbtCliResource):
    """The impact estimates' readers (training ROI), built after the impact engine."""
    yield from dbt.cli(["build"], context=context).stream()


def dbt_resource() -> DbtCliResource:
    # The dbt installed beside this interpreter, so runs work without an activated venv.
    return DbtCliResource(
        project_dir=dbt_project, target=DBT_TARGET, dbt_executable=str(Path(sys.executable).with_name("dbt"))
    )
