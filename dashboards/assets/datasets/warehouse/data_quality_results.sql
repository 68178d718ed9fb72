-- Great Expectations results, one row per expectation per suite per check run, from
-- quality.results (written by expectations/ at every Dagster check and `make check`).
-- The observed values, parameters and sample rows are left out (samples can hold personal
-- data); counts and verdicts only. is_latest_run marks the newest check run.
with results as (
    select
        run_id,
        checked_at,
        invoked_by,
        suite,
        schema_name,
        table_name,
        expectation_index,
        expectation,
        column_name,
        severity,
        success,
        unexpected_count,
        element_count,
        row_count
    from quality.results
),

runs as (
    select
        run_id,
        min(checked_at) as run_at
    from results
    group by run_id
),

latest as (
    select max(run_at) as latest_run_at
    from runs
)

select
    results.run_id,
    timezone('UTC', runs.run_at) as run_at,
    runs.run_at = latest.latest_run_at as is_latest_run,
    results.invoked_by,
    results.suite,
    results.schema_name,
    results.table_name,
    results.expectation_index,
    results.expectation,
    results.column_name as checked_column,
    results.severity,
    results.success,
    case when results.success then 1 else 0 end as passed_count,
    case when not results.success and results.severity = 'error' then 1 else 0 end as failed_error_count,
    case when not results.success and results.severity = 'warn' then 1 else 0 end as failed_warn_count,
    results.unexpected_count,
    results.element_count,
    results.row_count
from results
inner join runs
    on results.run_id = runs.run_id
cross join latest
