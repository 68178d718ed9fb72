-- The date range the warehouse's data covers, from every dated event in the sources
-- (hires, terminations and job changes of the HR system of record, learning statements,
-- submitted reviews, review periods). Derived from the data, never from the clock, so a
-- rebuild of the same raw data gives the same calendar.

with

employees as (

    select * from {{ ref('int_people__hr_employees') }}

),

job_records as (

    select * from {{ ref('int_people__hr_job_records') }}

),

statements as (

    select * from {{ ref('stg_lms__statements') }}

),

reviews as (

    select * from {{ ref('stg_performance__reviews') }}

),

review_cycles as (

    select * from {{ ref('stg_performance__review_cycles') }}

),

event_dates as (

    select hire_date as event_on from employees
    union all
    select termination_date as event_on from employees
    union all
    select effective_on as event_on from job_records
    union all
    select cast(occurred_at as date) as event_on from statements
    union all
    select cast(submitted_at as date) as event_on from reviews
    union all
    select period_start_on as event_on from review_cycles

),

bounds as (

    select
        min(event_on) as first_event_on,
        max(event_on) as last_event_on

    from event_dates

),

data_range as (

    select
        first_event_on,
        last_event_on,
        cast({{ dbt.date_trunc('month', 'first_event_on') }} as date) as first_month_start_on,
        cast({{ dbt.date_trunc('month', 'last_event_on') }} as date) as last_month_start_on,
        cast({{ dbt.date_trunc('year', 'first_event_on') }} as date) as calendar_start_on,
        {{ dbt.last_day('last_event_on', 'year') }} as calendar_end_on

    from bounds

)

select * from data_range
