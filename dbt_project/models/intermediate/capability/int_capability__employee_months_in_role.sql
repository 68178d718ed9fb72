-- Employee x month (int_people__employee_months: the job held on the month's as-of day)
-- with the day the employee started that job profile and whether they are still new in
-- it. A role starts on the hire date or on the first day of a history version whose job
-- profile differs from the one before it in the same employment period (a promotion or
-- a transfer to another job profile; a move between org units in the same profile keeps
-- the same bar and starts nothing).
-- is_new_in_role: the role started with a change of job profile (not at hire) less than
-- var('new_in_role_grace_days') days before the month end. During that grace period the
-- new role's bar is shown but a gap against it is not counted as open (mart_capability_gap).
{{ config(materialized='table') }}

with

employee_months as (

    select * from {{ ref('int_people__employee_months') }}

),

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

versions as (

    select
        employee_id,
        hire_date,
        job_profile_id,
        valid_from,
        lag(job_profile_id) over (
            partition by employee_id, hire_date
            order by valid_from
        ) as previous_job_profile_id,
        row_number() over (
            partition by employee_id, hire_date
            order by valid_from
        ) as version_number

    from employee_history
    where hire_date is not null

),

role_starts as (

    select
        employee_id,
        job_profile_id,
        case when version_number = 1 then hire_date else valid_from end as role_started_on,
        version_number > 1 as is_role_change

    from versions
    where version_number = 1
        or coalesce(previous_job_profile_id, '') <> coalesce(job_profile_id, '')

),

ranked_starts as (

    select
        employee_months.month_start_on,
        employee_months.employee_id,
        role_starts.job_profile_id,
        role_starts.role_started_on,
        role_starts.is_role_change,
        row_number() over (
            partition by employee_months.employee_id, employee_months.month_start_on
            order by role_starts.role_started_on desc
        ) as recency_rank

    from employee_months
    inner join role_starts
        on employee_months.employee_id = role_starts.employee_id
        and role_starts.role_started_on <= employee_months.as_of_on

),

final as (

    select
        employee_months.month_start_on,
        employee_months.month_end_on,
        employee_months.employee_id,
        employee_months.as_of_on,
        employee_months.org_unit_id,
        employee_months.job_profile_id,
        employee_months.job_level,
        ranked_starts.role_started_on,
        cast({{ dbt.datediff('ranked_starts.role_started_on', 'employee_months.month_end_on', 'day') }} as integer)
            as days_in_role,
        coalesce(
            ranked_starts.is_role_change
            and {{ dbt.datediff('ranked_starts.role_started_on', 'employee_months.month_end_on', 'day') }}
                < {{ var('new_in_role_grace_days') }},
            false
        ) as is_new_in_role

    from employee_months
    left join ranked_starts
        on employee_months.employee_id = ranked_starts.employee_id
        and employee_months.month_start_on = ranked_starts.month_start_on
        and ranked_starts.recency_rank = 1
        and coalesce(ranked_starts.job_profile_id, '') = coalesce(employee_months.job_profile_id, '')

)

select * from final
