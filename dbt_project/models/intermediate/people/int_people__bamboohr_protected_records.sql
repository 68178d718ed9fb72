{{ config(enabled=source_enabled('bamboohr')) }}

-- RESTRICTED. BambooHR's protected characteristics (fields `gender`, `ethnicity` and
-- `dateOfBirth`, the last loaded as its year only) in the shape dim_employee_protected
-- reads: one row per employee who has at least one of them. The employee report holds
-- current values only, so the row is dated from the employee's first employment event
-- (the first hire; else the current hire date) and applies to the whole employment.
-- BambooHR has no age band field: age_band is null and the mart derives it.

with

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

employment_events as (

    select * from {{ ref('int_people__bamboohr_employment_events') }}

),

first_events as (

    select
        employee_id,
        min(effective_on) as first_event_on

    from employment_events
    group by employee_id

),

final as (

    select
        employees.employee_id,
        coalesce(first_events.first_event_on, employees.hire_date) as observed_on,
        employees.gender,
        cast(null as {{ dbt.type_string() }}) as age_band,
        employees.ethnicity,
        employees.birth_year,
        employees.employee_bamboo_id as source_record_id

    from employees
    left join first_events
        on employees.employee_id = first_events.employee_id
    where employees.gender is not null
        or employees.ethnicity is not null
        or employees.birth_year is not null

)

select * from final
