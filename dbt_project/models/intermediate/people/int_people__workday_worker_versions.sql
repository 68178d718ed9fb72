{{ config(enabled=source_enabled('workday')) }}

-- Workday worker history rebuilt from the RaaS snapshots: consecutive snapshots in which a
-- worker's job, organization, manager, location and status are unchanged form one
-- version. A change is dated by the first snapshot that shows it, so the history is as
-- precise as the snapshot schedule (daily loads: to the day). A worker missing from the
-- latest snapshot has left the report: their last version ends on the last snapshot that
-- listed them. Not fed into int_people__employee_history (BambooHR is the system of
-- record there); see docs/DECISIONS.md for how a Workday customer uses it.

with

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

identities as (

    select * from {{ ref('int_identity__workday_workers') }}

),

latest_snapshot as (

    select max(snapshot_on) as snapshot_on

    from workers

),

changes as (

    select
        workers.*,
        case
            when lag(workers.snapshot_on) over worker_snapshots is null then 1
            when lag(workers.job_title) over worker_snapshots is distinct from workers.job_title then 1
            when lag(workers.supervisory_organization_name) over worker_snapshots
                is distinct from workers.supervisory_organization_name then 1
            when lag(workers.manager_workday_worker_id) over worker_snapshots
                is distinct from workers.manager_workday_worker_id then 1
            when lag(workers.location_name) over worker_snapshots is distinct from workers.location_name then 1
            when lag(workers.is_active) over worker_snapshots is distinct from workers.is_active then 1
            else 0
        end as is_change

    from workers
    window worker_snapshots as (partition by workers.workday_worker_id order by workers.snapshot_on)

),

numbered as (

    select
        changes.*,
        sum(is_change) over (
            partition by workday_worker_id
            order by snapshot_on
            rows between unbounded preceding and current row
        ) as version_number

    from changes

),

versions as (

    select
        workday_worker_id,
        version_number,
        min(snapshot_on) as valid_from,
        max(snapshot_on) as last_seen_on,
        min(job_title) as job_title,
        min(supervisory_organization_name) as supervisory_organization_name,
        min(manager_workday_worker_id) as manager_workday_worker_id,
        min(location_name) as location_name,
        min(hire_date) as hire_date,
        min(work_email) as work_email,
        {{ dbt.bool_or('is_active') }} as is_active

    from numbered
    group by workday_worker_id, version_number

),

windowed as (

    select
        versions.*,
        lead(versions.valid_from) over (
            partition by versions.workday_worker_id
            order by versions.valid_from
        ) as next_valid_from

    from versions

),

final as (

    select
        {{ dbt.concat([
            'windowed.workday_worker_id',
            "'-'",
            'cast(windowed.valid_from as ' ~ dbt.type_string() ~ ')',
        ]) }} as workday_worker_version_id,
        windowed.workday_worker_id,
        identities.employee_id,
        windowed.job_title,
        windowed.supervisory_organization_name,
        windowed.manager_workday_worker_id,
        windowed.location_name,
        windowed.hire_date,
        windowed.is_active,
        windowed.valid_from,
        case
            when windowed.next_valid_from is not null
                then cast({{ dbt.dateadd('day', -1, 'windowed.next_valid_from') }} as date)
            when windowed.last_seen_on < latest_snapshot.snapshot_on then windowed.last_seen_on
        end as valid_to,
        windowed.last_seen_on,
        windowed.next_valid_from is null and windowed.last_seen_on = latest_snapshot.snapshot_on as is_current

    from windowed
    cross join latest_snapshot
    left join identities
        on windowed.workday_worker_id = identities.workday_worker_id

)

select * from final
