"""Great Expectations suites as Dagster asset checks, one per guarded table.

Each check reads the table's rows from the warehouse and validates them with the suite
in `expectations/suites/<schema>.<table>.yml`. Error-severity failures fail the check,
and checks on raw tables are blocking, so bad raw data stops the models downstream.
"""

from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, MetadataValue, asset_check

from expectations.runner import validate_table
from expectations.suites import SUITES_DIR
from orchestration.settings import WAREHOUSE_PATH


def _suite_names() -> list[str]:
    return sorted(path.name.removesuffix(".yml") for path in SUITES_DIR.glob("*.yml"))


def _make_check(suite: str):
    schema, table = suite.split(".", 1)

    @asset_check(
        asset=AssetKey([schema, table]),
        name=f"gx_{table}",
        blocking=schema.startswith("raw_"),
        description=f"Great Expectations suite {suite}",
    )
    def _check() -> AssetCheckResult:
        result = validate_table(WAREHOUSE_PATH, schema, table)
        failed = [f"{o.expectation_type}({o.column or ''}) {o.severity}: {o.describe()}" for o in result.failed]
        severity = AssetCheckSeverity.ERROR if result.failed_errors or result.error else AssetCheckSeverity.WARN
        return AssetCheckResult(
            passed=result.success,
            severity=severity,
            metadata={
                "rows": result.row_count or 0,
                "expectations": len(result.expectations),
                "failed": len(result.failed),
                "read_error": result.error or "",
                "failures": MetadataValue.md("\n".join(f"- {line}" for line in failed) or "none"),
            },
        )

    return _check


GX_CHECKS = [_make_check(suite) for suite in _suite_names()]
