-- Per-day headcount by org unit: the employees employed on each day of the calendar
-- (int_people__employee_days counted). Averages over any period are then exact:
-- average headcount = sum(headcount) / days in the period. Employees whose org unit is
-- unknown count under a null org unit, so company totals are complete. Days with nobody
-- employed in an org unit have no row (count 0).
{{ config(materialized='table') }}

with

employee_days as (

    select * from {{ ref('int_people__employee_days') }}

),

headcount as (

    select
        date_day,
        month_start_on,
        year_number,
        org_unit_id,
        cast(count(*) as integer) as headcount

    from employee_days
    group by date_day, month_start_on, year_number, org_unit_id

)

select * from headcount
