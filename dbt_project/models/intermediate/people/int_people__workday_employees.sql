{{ config(enabled=source_enabled('workday')) }}

-- Workday workers in the shape of the HR interface (int_people__hr_employees): one row per
-- worker ever listed, keyed by int_identity__workday_workers (when Workday is the HR system
-- of record: the legacy employee number when the tenant keeps one, else the Workday id).
--   * name and email from the latest snapshot listing the worker (the report has one
--     name field, `Worker`: first and last name stay null);
--   * the current employment period from the events (macro employment_periods): hired on
--     its start, terminated on the last snapshot listing them when a later one does not;
--     `Inactive` once it has ended;
--   * job, department, location and manager of the latest job record (the worker's last
--     active version), else of the latest listing.

with

workers as (

    select * from {{ ref('stg_workday__workers') }}

),

identities as (

    select * from {{ ref('int_identity__workday_workers') }}

),

job_records as (

    select * from {{ ref('int_people__workday_job_records') }}

),

employment_events as (

    select * from {{ ref('int_people__workday_employment_events') }}

),

latest_listings_ranked as (

    select
        identities.employee_id,
        workers.*,
        row_number() over (
            partition by identities.employee_id
            order by workers.snapshot_on desc, workers.workday_worker_id desc
        ) as recency

    from workers
    inner join identities
        on workers.workday_worker_id = identities.workday_worker_id
    where identities.employee_id is not null

),

latest_listings as (

    select * from latest_listings_ranked
    where recency = 1

),

latest_job_records_ranked as (

    select
        job_records.*,
        row_number() over (
            partition by employee_id
            order by effective_on desc
        ) as recency

    from job_records

),

latest_job_records as (

    select * from latest_job_records_ranked
    where recency = 1

),

periods as (

    {{ employment_periods('employment_events') }}

),

current_periods_ranked as (

    select
        periods.*,
        row_number() over (
            partition by employee_id
            order by period_number desc
        ) as recency

    from periods

),

current_periods as (

    select * from current_periods_ranked
    where recency = 1

),

managers as (

    select
        workday_worker_id,
        employee_id

    from identities

),

final as (

    select
        latest_listings.employee_id,
        latest_listings.workday_worker_id as source_employee_id,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        latest_listings.worker_name as display_name,
        latest_listings.worker_name as full_name,
        latest_listings.work_email,
        coalesce(current_periods.period_start_on, latest_listings.hire_date, latest_listings.snapshot_on)
            as hire_date,
        case
            when current_periods.employee_id is not null then current_periods.period_end_on
            -- never listed as active: gone by the time the report saw them
            else latest_listings.snapshot_on
        end as termination_date,
        case
            when current_periods.employee_id is null or current_periods.period_end_on is not null then 'Inactive'
            else 'Active'
        end as employment_status,
        coalesce(latest_job_records.job_title, latest_listings.job_title) as job_title,
        case
            when latest_job_records.employee_id is not null then latest_job_records.department_name
            else latest_listings.department_name
        end as department_name,
        cast(null as {{ dbt.type_string() }}) as division_name,
        case
            when latest_job_records.employee_id is not null then latest_job_records.location_name
            else latest_listings.location_name
        end as location_name,
        case
            when latest_job_records.employee_id is not null then latest_job_records.manager_employee_id
            else managers.employee_id
        end as manager_employee_id

    from latest_listings
    left join latest_job_records
        on latest_listings.employee_id = latest_job_records.employee_id
    left join current_periods
        on latest_listings.employee_id = current_periods.employee_id
    left join managers
        on latest_listings.manager_workday_worker_id = managers.workday_worker_id

)

select * from final
