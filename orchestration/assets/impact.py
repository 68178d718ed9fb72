"""The learning-impact engine as an asset: reads the marts, writes marts.mart_learning_impact.

The estimation lives in `impact/`; this module only wires it into the asset graph.
"""

from dagster import AssetExecutionContext, AssetKey, MaterializeResult, MetadataValue, asset

from impact.engine import evaluate
from impact.plans import PLANS_DIR, load_plans
from impact.warehouse import read_inputs, write_results
from orchestration.settings import WAREHOUSE_PATH

# The marts the engine reads (impact/inputs.py: WAREHOUSE_SQL).
INPUT_MARTS = [
    "fct_learning_activity",
    "fct_review",
    "fct_capability_assessment",
    "fct_goal",
    "dim_employee",
    "bridge_course_capability",
]


@asset(
    key=AssetKey(["marts", "mart_learning_impact"]),
    deps=[AssetKey(["marts", name]) for name in INPUT_MARTS],
    group_name="marts",
    kinds={"python", "duckdb"},
    description=(
        "Causal estimates of each declared programme x outcome (impact/plans/): staggered "
        "difference-in-differences and propensity-score matching, with 95% intervals and status."
    ),
)
def learning_impact(context: AssetExecutionContext) -> MaterializeResult:
    plans = load_plans()
    results = evaluate(read_inputs(WAREHOUSE_PATH), plans, run_id=context.run_id)
    rows = write_results(WAREHOUSE_PATH, results)
    statuses = results["status"].value_counts().to_dict()
    context.log.info(f"mart_learning_impact: {rows} rows, {statuses}")
    preview = results[["plan_id", "method", "estimate", "ci_low", "ci_high", "n_treated", "status"]].round(3)
    return MaterializeResult(
        metadata={
            "dagster/row_count": rows,
            "plans": len(plans),
            "plan_versions": ", ".join(sorted({p.plan_version.split("+")[0] for p in plans})),
            "plans_dir": MetadataValue.path(str(PLANS_DIR)),
            **{f"status/{name}": count for name, count in statuses.items()},
            "results": MetadataValue.md(preview.to_markdown(index=False)),
        }
    )
