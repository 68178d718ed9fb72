-- Employee x month, for every month of the data's range in which the employee was
-- employed (an employment period with its hire on or before the month end and no
-- termination before the month start), with the job held on the month's as-of day: the
-- month end, or the termination date for someone who left during the month. Employment
-- periods are the (hire_date, termination_date) pairs of int_people__employee_history
-- (a re-hired employee has one per period); when two periods touch one month (left and
-- re-hired within it), the later one counts. Shared by mart_capability_gap (every month)
-- and mart_bench_strength (the latest month, people still employed at its end).
-- A table: both marts join it to large tables, and PostgreSQL plans those joins far
-- better on a stored table than on this logic inlined as a view.
{{ config(materialized='table') }}

with

months as (

    select * from {{ ref('int_calendar__months') }}

),

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

employments as (

    select distinct
        employee_id,
        hire_date,
        termination_date

    from employee_history
    where hire_date is not null

),

employed_months as (

    select
        months.month_start_on,
        months.month_end_on,
        employments.employee_id,
        employments.hire_date,
        employments.termination_date,
        case
            when employments.termination_date < months.month_end_on
                then employments.termination_date
            else months.month_end_on
        end as as_of_on

    from months
    inner join employments
        on employments.hire_date <= months.month_end_on
        and (
            employments.termination_date is null
            or employments.termination_date >= months.month_start_on
        )

),

latest_as_of as (

    select
        employee_id,
        month_start_on,
        max(as_of_on) as as_of_on

    from employed_months
    group by employee_id, month_start_on

),

latest_period_in_month as (

    select employed_months.*

    from employed_months
    inner join latest_as_of
        on employed_months.employee_id = latest_as_of.employee_id
        and employed_months.month_start_on = latest_as_of.month_start_on
        and employed_months.as_of_on = latest_as_of.as_of_on

),

employee_months as (

    select
        latest_period_in_month.month_start_on,
        latest_period_in_month.month_end_on,
        latest_period_in_month.employee_id,
        latest_period_in_month.as_of_on,
        employee_history.org_unit_id,
        employee_history.job_profile_id,
        employee_history.job_level,
        (
            latest_period_in_month.termination_date is null
            or latest_period_in_month.termination_date > latest_period_in_month.month_end_on
        ) as is_employed_after_month_end

    from latest_period_in_month
    inner join employee_history
        on latest_period_in_month.employee_id = employee_history.employee_id
        and employee_history.valid_from <= latest_period_in_month.as_of_on
        and (
            employee_history.valid_to is null
            or employee_history.valid_to >= latest_period_in_month.as_of_on
        )

)

select * from employee_months
