-- Employee history as SCD2 versions, one per employee per effective job record, built on
-- the HR interface (int_people__hr_employees, int_people__hr_job_records,
-- int_people__hr_employment_events), whichever HR system is the system of record.
--   * valid_from is the job record's effective date; the first version starts at the
--     hire date when the job history starts later than the hire.
--   * valid_to is the day before the next version starts; null on the last version,
--     which is the current one (also for terminated employees: it holds their last state).
--   * One job record per employee and date, managers already resolved to employee ids:
--     the interface's branches settle duplicates and names (see their headers).
--   * An employee without any job record gets one version from the current HR record,
--     starting at the hire date.
--   * Employment periods come from the employment events: a period starts at a hire (the
--     first event, or a non-termination after a termination) and ends at the next
--     termination. Each version carries the hire_date and termination_date of the period
--     it falls in, and a version that outlives its period's termination ends on the
--     termination date, so a re-hired employee is not shown employed between the periods.
--     The current period's dates are always the employee record's (hire_date,
--     termination_date), so current rows do not depend on the history; an employee
--     without events has one period, from the employee record.
--   * Between a termination and a re-hire the employee holds one "not employed" version
--     (employment_status `Inactive`, no job, org unit or manager, the ended period's
--     dates), so versions still follow each other without a gap or an overlap.
{{ config(materialized='table') }}

with

employees as (

    select * from {{ ref('int_people__hr_employees') }}

),

job_records as (

    select * from {{ ref('int_people__hr_job_records') }}

),

job_profiles as (

    select * from {{ ref('stg_framework__job_profiles') }}

),

employment_events as (

    select * from {{ ref('int_people__hr_employment_events') }}

),

employment_events_known as (

    select employment_events.*

    from employment_events
    inner join employees
        on employment_events.employee_id = employees.employee_id

),

history_periods as (

    {{ employment_periods('employment_events_known') }}

),

history_periods_ranked as (

    select
        history_periods.*,
        row_number() over (
            partition by employee_id
            order by period_number desc
        ) as recency

    from history_periods

),

employment_periods as (

    -- earlier periods from the status history; the current one from the employee record
    select
        employee_id,
        period_start_on,
        period_end_on

    from history_periods_ranked
    where recency > 1

    union all

    select
        employee_id,
        hire_date as period_start_on,
        termination_date as period_end_on

    from employees

),

job_records_known as (

    select
        job_records.employee_id,
        job_records.effective_on,
        job_records.job_title,
        job_records.department_name,
        job_records.division_name,
        job_records.manager_employee_id

    from job_records
    inner join employees
        on job_records.employee_id = employees.employee_id

),

employees_without_job_records as (

    select
        employees.employee_id,
        employees.hire_date as effective_on,
        employees.job_title,
        employees.department_name,
        employees.division_name,
        employees.manager_employee_id

    from employees
    where not exists (
        select 1
        from job_records
        where job_records.employee_id = employees.employee_id
    )

),

versions as (

    select * from job_records_known
    union all
    select * from employees_without_job_records

),

versions_in_periods as (

    -- the employment period a version falls in: the latest one started on or before it
    -- (a version dated before every period belongs to the first)
    select
        versions.*,
        employment_periods.period_start_on,
        employment_periods.period_end_on,
        row_number() over (
            partition by versions.employee_id, versions.effective_on
            order by
                case when employment_periods.period_start_on <= versions.effective_on then 0 else 1 end,
                case
                    when employment_periods.period_start_on <= versions.effective_on
                        then employment_periods.period_start_on
                end desc,
                employment_periods.period_start_on
        ) as period_rank

    from versions
    inner join employment_periods
        on versions.employee_id = employment_periods.employee_id

),

versions_ordered as (

    select
        versions_in_periods.*,
        row_number() over (
            partition by employee_id, period_start_on
            order by effective_on
        ) as version_in_period,
        lead(effective_on) over (
            partition by employee_id
            order by effective_on
        ) as next_effective_on

    from versions_in_periods
    where period_rank = 1

),

versions_windowed as (

    select
        versions_ordered.employee_id,
        versions_ordered.job_title,
        versions_ordered.department_name,
        versions_ordered.division_name,
        versions_ordered.manager_employee_id,
        case
            when versions_ordered.version_in_period = 1
                and versions_ordered.period_start_on < versions_ordered.effective_on
                then versions_ordered.period_start_on
            else versions_ordered.effective_on
        end as valid_from,
        case
            when versions_ordered.next_effective_on is null then null
            -- the period ended (terminated) before the next version: end with it
            when versions_ordered.period_end_on is not null
                and versions_ordered.period_end_on < versions_ordered.next_effective_on
                and versions_ordered.period_end_on >= versions_ordered.effective_on
                then versions_ordered.period_end_on
            else cast({{ dbt.dateadd('day', -1, 'versions_ordered.next_effective_on') }} as date)
        end as valid_to,
        versions_ordered.next_effective_on is null as is_current,
        employees.full_name,
        employees.work_email,
        versions_ordered.period_start_on as hire_date,
        versions_ordered.period_end_on as termination_date,
        case
            when versions_ordered.next_effective_on is null then employees.employment_status
            else 'Active'
        end as employment_status

    from versions_ordered
    inner join employees
        on versions_ordered.employee_id = employees.employee_id

),

versions_followed as (

    select
        versions_windowed.*,
        lead(versions_windowed.valid_from) over (
            partition by versions_windowed.employee_id
            order by versions_windowed.valid_from
        ) as next_valid_from

    from versions_windowed

),

not_employed_versions as (

    select
        employee_id,
        cast(null as {{ dbt.type_string() }}) as job_title,
        cast(null as {{ dbt.type_string() }}) as department_name,
        cast(null as {{ dbt.type_string() }}) as division_name,
        cast(null as {{ dbt.type_string() }}) as manager_employee_id,
        cast({{ dbt.dateadd('day', 1, 'valid_to') }} as date) as valid_from,
        cast({{ dbt.dateadd('day', -1, 'next_valid_from') }} as date) as valid_to,
        false as is_current,
        full_name,
        work_email,
        hire_date,
        termination_date,
        cast('Inactive' as {{ dbt.type_string() }}) as employment_status

    from versions_followed
    where not is_current
        and termination_date is not null
        and valid_to = termination_date
        and next_valid_from > cast({{ dbt.dateadd('day', 1, 'valid_to') }} as date)

),

all_versions as (

    select
        employee_id,
        job_title,
        department_name,
        division_name,
        manager_employee_id,
        valid_from,
        valid_to,
        is_current,
        full_name,
        work_email,
        hire_date,
        termination_date,
        employment_status

    from versions_windowed

    union all

    select * from not_employed_versions

),

job_profiles_by_title as (

    select
        lower(job_title) as job_title_key,
        job_profile_id,
        job_level

    from job_profiles

),

final as (

    select
        {{ dbt.concat([
            'all_versions.employee_id',
            "'-'",
            'cast(all_versions.valid_from as ' ~ dbt.type_string() ~ ')',
        ]) }} as employee_key,
        all_versions.employee_id,
        all_versions.full_name,
        all_versions.work_email,
        {{ org_unit_id('all_versions.division_name', 'all_versions.department_name') }} as org_unit_id,
        all_versions.department_name,
        all_versions.division_name,
        all_versions.job_title,
        job_profiles_by_title.job_profile_id,
        job_profiles_by_title.job_level,
        all_versions.manager_employee_id,
        all_versions.employment_status,
        all_versions.hire_date,
        all_versions.termination_date,
        all_versions.valid_from,
        all_versions.valid_to,
        all_versions.is_current

    from all_versions
    left join job_profiles_by_title
        on lower(all_versions.job_title) = job_profiles_by_title.job_title_key

)

select * from final
