-- Records set aside by the loads, by raw schema, source, resource and reason, as counted
-- from each raw schema's quarantine table at every check run (quality.quarantine_counts,
-- written by expectations/). Counts only: the quarantined payloads (personal data) stay
-- in the raw schemas. is_latest_run marks the newest check run.
with counts as (
    select
        run_id,
        checked_at,
        schema_name,
        source,
        resource,
        reason,
        record_count
    from quality.quarantine_counts
),

runs as (
    select
        run_id,
        min(checked_at) as run_at
    from counts
    group by run_id
),

latest as (
    select max(run_at) as latest_run_at
    from runs
)

select
    counts.run_id,
    timezone('UTC', runs.run_at) as run_at,
    runs.run_at = latest.latest_run_at as is_latest_run,
    counts.schema_name,
    counts.source as source_name,
    counts.resource,
    counts.resource || ': ' || counts.reason as resource_reason,
    counts.reason,
    counts.record_count
from counts
inner join runs
    on counts.run_id = runs.run_id
cross join latest
