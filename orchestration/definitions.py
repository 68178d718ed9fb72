"""Assembles the Dagster Definitions; every piece is declared in `orchestration/assets/`."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
    in_process_executor,
)
from dagster_dlt import DagsterDltResource

from orchestration.assets.dashboards import superset_dashboards
from orchestration.assets.impact import learning_impact
from orchestration.assets.ingestion import INGESTION_ASSETS
from orchestration.assets.quality import GX_CHECKS
from orchestration.assets.serving import serving_warehouse
from orchestration.assets.transforms import dbt_resource, impact_downstream_models, warehouse_models

# DuckDB allows one writing process and a reader blocks a writer, so the steps of a
# build run one after another in one process (in dependency order).
warehouse_job = define_asset_job(
    "warehouse_job",
    selection=AssetSelection.all(),
    executor_def=in_process_executor,
    description="Load every source, build and test the models, validate, publish, import dashboards.",
)

defs = Definitions(
    assets=[
        *INGESTION_ASSETS,
        warehouse_models,
        learning_impact,
        impact_downstream_models,
        serving_warehouse,
        superset_dashboards,
    ],
    asset_checks=GX_CHECKS,
    jobs=[warehouse_job],
    schedules=[ScheduleDefinition(job=warehouse_job, cron_schedule="0 5 * * *", name="nightly_build")],
    resources={"dlt": DagsterDltResource(), "dbt": dbt_resource()},
)
