-- Daily spine of employment: one row per employee per day employed (from the hire date
-- to the termination date, or to the end of the calendar for people still employed),
-- with the org unit and job held that day (the SCD2 version in force).
-- A view: nothing is stored, and it is only read by models that aggregate it straight
-- away (int_people__headcount_daily), so the employees x days rows exist only while that
-- aggregate is built.

with

days as (

    select * from {{ ref('int_calendar__days') }}

),

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

employee_days as (

    select
        days.date_day,
        days.month_start_on,
        days.year_number,
        employee_history.employee_id,
        employee_history.employee_key,
        employee_history.org_unit_id,
        employee_history.job_profile_id,
        employee_history.job_level

    from employee_history
    inner join days
        on days.date_day >= employee_history.valid_from
        and (employee_history.valid_to is null or days.date_day <= employee_history.valid_to)
        and days.date_day >= employee_history.hire_date
        and (employee_history.termination_date is null or days.date_day <= employee_history.termination_date)

)

select * from employee_days
