"""Great Expectations suites as Dagster asset checks, one per guarded table.

Each check reads the table's rows from the warehouse and validates them with the suite
in `expectations/suites/<schema>.<table>.yml` (a new suite file is a new check: nothing
to register here). The outcome is also kept in the warehouse under the Dagster run id
(`quality.results`, and `quality.quarantine_counts` for raw schemas) and rendered as GX
Data Docs, which the check metadata links to.

Severity: a failed `error` expectation (or an unreadable table) fails the check with
ERROR severity; failed `warn` expectations only fail it with WARN severity. Checks on
raw tables are blocking, so an ERROR on raw data stops the models downstream; warnings
never block. The job runs steps one after another in one process (in_process_executor),
so a check may open the DuckDB warehouse read-write briefly to append its results.
"""

from collections.abc import Iterator
from pathlib import Path

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetKey,
    AssetObservation,
    MetadataValue,
    asset_check,
)

from expectations.runner import CheckRun, run_checks
from expectations.suites import SUITES_DIR
from orchestration import settings

MAX_FAILURE_ROWS = 20


def _suite_names() -> list[str]:
    return sorted(path.name.removesuffix(".yml") for path in SUITES_DIR.glob("*.yml"))


def check_metadata(run: CheckRun) -> dict:
    """What the Dagster UI shows for one suite's run: counts, failures as a table, links."""
    result = run.results[0]
    lines = ["| severity | expectation | column | observed |", "| --- | --- | --- | --- |"]
    if result.error:
        lines.append(f"| error | table readable | | {_cell(result.error)} |")
    for outcome in result.failed[:MAX_FAILURE_ROWS]:
        column, observed = outcome.column or "", _cell(outcome.describe())
        lines.append(f"| {outcome.severity} | {outcome.expectation_type} | {column} | {observed} |")
    if len(result.failed) > MAX_FAILURE_ROWS:
        lines.append(f"| | ... {len(result.failed) - MAX_FAILURE_ROWS} more in quality.results | | |")
    metadata = {
        "suite": result.suite,
        "rows": result.row_count or 0,
        "previous_rows": result.previous_row_count if result.previous_row_count is not None else -1,
        "expectations": len(result.expectations),
        "failed_errors": len(result.failed_errors) + (result.error is not None),
        "failed_warnings": len(result.failed_warnings),
        "failures": MetadataValue.md("\n".join(lines) if len(lines) > 2 else "none"),
        "results_table": MetadataValue.text("quality.results" if run.recorded else f"not recorded: {run.record_error}"),
        "quality_run_id": run.run_id,
    }
    if run.data_docs_index:
        metadata["data_docs"] = MetadataValue.url(Path(run.data_docs_index).as_uri())
        metadata["data_docs_path"] = MetadataValue.path(str(run.data_docs_index))
    if result.data_docs_page:
        metadata["validation_page"] = MetadataValue.path(result.data_docs_page)
    for count in run.quarantine:
        if count.schema == result.schema:
            metadata[f"quarantined: {count.resource}: {count.reason}"] = count.record_count
    return metadata


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:300]


def make_check(suite: str, warehouse: str | Path | None = None):
    """The asset check for one suite; `warehouse` defaults to WAREHOUSE_PATH at run time."""
    schema, table = suite.split(".", 1)
    # A dlt child table (`reviews__competency_ratings`) is written by its parent's load and
    # is not materialized on its own: its check runs after, and blocks with, the parent.
    guarded = AssetKey([schema, table.split("__", 1)[0]])

    @asset_check(
        asset=guarded,
        name=f"gx_{table}",
        blocking=schema.startswith("raw_"),
        description=f"Great Expectations suite {suite} (expectations/suites/{suite}.yml)",
    )
    def _check(context: AssetCheckExecutionContext) -> Iterator:
        run = run_checks(
            warehouse or settings.WAREHOUSE_PATH,
            [suite],
            run_id=context.op_execution_context.run_id,
            invoked_by="dagster",
        )
        if run.record_error:
            context.log.warning(f"{suite}: results not recorded in quality.results: {run.record_error}")
        result = run.results[0]
        own = [q for q in run.quarantine if (q.schema, q.resource) == (schema, table)]
        if own:  # the records this table's load set aside, as an observation of the raw asset
            yield AssetObservation(
                asset_key=guarded,
                metadata={f"quarantined: {q.reason}": q.record_count for q in own},
            )
        errors = bool(result.failed_errors or result.error)
        yield AssetCheckResult(
            passed=not errors and not result.failed,
            severity=AssetCheckSeverity.ERROR if errors else AssetCheckSeverity.WARN,
            metadata=check_metadata(run),
        )

    return _check


GX_CHECKS = [make_check(suite) for suite in _suite_names()]
