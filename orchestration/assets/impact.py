"""The learning-impact engine as assets: reads the marts, writes marts.mart_learning_impact and
its covariate balance table, marts.mart_learning_impact_balance.

The estimation lives in `impact/`; this module only wires it into the asset graph.
"""

from collections.abc import Iterator

from dagster import AssetExecutionContext, AssetKey, AssetSpec, MaterializeResult, MetadataValue, multi_asset

from impact.engine import balance_table, evaluate
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


IMPACT_KEY = AssetKey(["marts", "mart_learning_impact"])
BALANCE_KEY = AssetKey(["marts", "mart_learning_impact_balance"])


@multi_asset(
    specs=[
        AssetSpec(
            IMPACT_KEY,
            deps=[AssetKey(["marts", name]) for name in INPUT_MARTS],
            group_name="marts",
            kinds={"python", "duckdb"},
            description=(
                "Causal estimates of each declared programme x outcome (impact/plans/): staggered "
                "difference-in-differences and propensity-score matching, with 95% intervals and status."
            ),
        ),
        AssetSpec(
            BALANCE_KEY,
            deps=[AssetKey(["marts", name]) for name in INPUT_MARTS],
            group_name="marts",
            kinds={"python", "duckdb"},
            description=(
                "Standardized mean differences of every matching covariate before and after matching, "
                "per plan x method x covariate: the evidence behind the balance gate."
            ),
        ),
    ],
)
def learning_impact(context: AssetExecutionContext) -> Iterator[MaterializeResult]:
    plans = load_plans()
    results = evaluate(read_inputs(WAREHOUSE_PATH), plans, run_id=context.run_id)
    balance = balance_table(results)
    rows = write_results(WAREHOUSE_PATH, results, balance)
    statuses = results["status"].value_counts().to_dict()
    context.log.info(f"mart_learning_impact: {rows} rows, {statuses}")
    preview = results[["plan_id", "method", "estimate", "ci_low", "ci_high", "n_treated", "status"]].round(3)
    yield MaterializeResult(
        asset_key=IMPACT_KEY,
        metadata={
            "dagster/row_count": rows,
            "plans": len(plans),
            "plan_versions": ", ".join(sorted({p.plan_version.split("+")[0] for p in plans})),
            "plans_dir": MetadataValue.path(str(PLANS_DIR)),
            **{f"status/{name}": count for name, count in statuses.items()},
            "results": MetadataValue.md(preview.to_markdown(index=False)),
        },
    )
    yield MaterializeResult(asset_key=BALANCE_KEY, metadata={"dagster/row_count": len(balance)})
