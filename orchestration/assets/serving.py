"""Publishing the read-only serving copy that Superset reads.

DuckDB allows one writing process and a reader blocks a writer, so dashboards never
open the pipeline's file: after every successful build the warehouse is checkpointed,
copied beside the serving file and swapped in with an atomic rename. Open dashboard
queries keep reading the old file; new queries see the new one.
"""

import os
import shutil
from pathlib import Path

import duckdb
from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from orchestration.settings import SERVING_WAREHOUSE_PATH, WAREHOUSE_PATH, source_enabled

PUBLISHED_MARTS = [
    "dim_employee",
    "dim_org_unit",
    "dim_job",
    "dim_capability",
    "dim_course",
    "dim_date",
    "fct_learning_activity",
    "fct_review",
    "fct_capability_assessment",
    "mart_capability_gap",
    "mart_capability_gap_by_org_unit",
    "mart_capability_gap_by_job_profile",
    "mart_learning_alignment",
    "mart_learning_recommendations",
    "mart_learning_effectiveness",
    "mart_retention",
    "mart_turnover",
    "mart_rater_calibration",
    "mart_bench_strength",
    "mart_identity_match_report",
    "mart_learning_impact",
    "bridge_course_capability",
    "fct_training_spend",
    "mart_training_roi",
    "mart_training_roi_sensitivity",
    "mart_training_portfolio",
    "mart_training_budget",
    "fct_goal",
    # 15Five is optional (DISABLED_SOURCES); its mart exists only when it is loaded.
    *(["fct_check_in", "mart_check_in_cadence"] if source_enabled("fifteen_five") else []),
]


def publish_serving_copy(source: Path, target: Path) -> dict[str, int]:
    """Checkpoint `source`, copy it next to `target`, rename over `target`; return mart row counts."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(source)) as con:
        con.execute("checkpoint")
    staged = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.copyfile(source, staged)
    with duckdb.connect(str(staged), read_only=True) as con:
        counts = {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in PUBLISHED_MARTS}
    os.replace(staged, target)
    return counts


@asset(
    key=AssetKey(["serving", "warehouse"]),
    deps=[AssetKey(["marts", name]) for name in PUBLISHED_MARTS],
    group_name="serving",
    kinds={"duckdb"},
)
def serving_warehouse(context: AssetExecutionContext) -> MaterializeResult:
    """Read-only copy of the warehouse for BI, swapped in atomically after each build."""
    counts = publish_serving_copy(WAREHOUSE_PATH, SERVING_WAREHOUSE_PATH)
    context.log.info(f"published {SERVING_WAREHOUSE_PATH}")
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(SERVING_WAREHOUSE_PATH)),
            **{f"rows.{name}": count for name, count in counts.items()},
        }
    )
