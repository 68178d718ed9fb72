{{ config(enabled=source_enabled('workday')) }}

-- Workday job history in the shape of the HR interface (int_people__hr_job_records): the
-- worker versions rebuilt from the snapshots (int_people__workday_worker_versions), one
-- record per version in which the worker was active, dated by the first snapshot showing
-- it. The department is the supervisory organization without its `(<manager>)` suffix;
-- the report has no division. The manager is the Workday worker id the report gives,
-- mapped to its employee_id (int_identity__workday_workers); no name matching is needed.

with

versions as (

    select * from {{ ref('int_people__workday_worker_versions') }}

),

identities as (

    select * from {{ ref('int_identity__workday_workers') }}

),

job_records as (

    select
        versions.employee_id,
        versions.valid_from as effective_on,
        versions.job_title,
        versions.department_name,
        cast(null as {{ dbt.type_string() }}) as division_name,
        versions.location_name,
        managers.employee_id as manager_employee_id,
        cast(null as {{ dbt.type_string() }}) as manager_name,
        case
            when versions.manager_workday_worker_id is null then null
            when managers.employee_id is not null then 'matched'
            else 'unknown'
        end as manager_match_status,
        versions.workday_worker_version_id as source_record_id

    from versions
    left join identities as managers
        on versions.manager_workday_worker_id = managers.workday_worker_id
    where versions.employee_id is not null
        and versions.is_active

),

final as (

    select
        employee_id,
        effective_on,
        job_title,
        department_name,
        division_name,
        location_name,
        manager_employee_id,
        manager_name,
        cast(manager_match_status as {{ dbt.type_string() }}) as manager_match_status,
        source_record_id

    from job_records

)

select * from final
