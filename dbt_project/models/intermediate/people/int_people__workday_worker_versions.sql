{{ config(enabled=source_enabled('workday')) }}

-- Workday worker history rebuilt from the RaaS snapshots: consecutive snapshots in which a
-- worker's job, organization, manager, location and status are unchanged form one
-- version. A change is dated by the first snapshot that shows it, so the history is as
-- precise as the snapshot schedule (daily loads: to the day). A worker missing from a
-- later snapshot has left the report (macro snapshot_presence): the version ends on the
-- last snapshot that listed them, and a worker listed again afterwards starts a new
-- version, even with unchanged values. employee_id comes from int_identity__workday_workers
-- (the HRIS employee when another system is the system of record; the worker's own key
-- when Workday is). When Workday is the HR system of record these versions are its job
-- history (int_people__workday_job_records).

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

presence as (

    {{ snapshot_presence('workers', 'workday_worker_id') }}

),

changes as (

    select
        workers.*,
        presence.next_snapshot_on,
        presence.next_appearance_on,
        case
            when lag(workers.snapshot_on) over worker_snapshots is null then 1
            -- back after an absence from the report: a new version
            when presence.previous_appearance_on < presence.previous_snapshot_on then 1
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
    inner join presence
        on workers.workday_worker_id = presence.workday_worker_id
        and workers.snapshot_on = presence.snapshot_on
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
        min(department_name) as department_name,
        min(manager_workday_worker_id) as manager_workday_worker_id,
        min(location_name) as location_name,
        min(hire_date) as hire_date,
        min(work_email) as work_email,
        {{ dbt.bool_or('is_active') }} as is_active,
        -- the report's next snapshot after the version's last one does not list the worker
        {{ dbt.bool_or('next_snapshot_on is not null and (next_appearance_on is null or next_appearance_on > next_snapshot_on)') }}
            as has_left_report

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
        windowed.department_name,
        windowed.manager_workday_worker_id,
        windowed.location_name,
        windowed.hire_date,
        windowed.is_active,
        windowed.valid_from,
        case
            when windowed.has_left_report then windowed.last_seen_on
            when windowed.next_valid_from is not null
                then cast({{ dbt.dateadd('day', -1, 'windowed.next_valid_from') }} as date)
        end as valid_to,
        windowed.last_seen_on,
        windowed.next_valid_from is null and windowed.last_seen_on = latest_snapshot.snapshot_on as is_current

    from windowed
    cross join latest_snapshot
    left join identities
        on windowed.workday_worker_id = identities.workday_worker_id

)

select * from final
