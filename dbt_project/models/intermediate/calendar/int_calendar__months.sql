-- One row per month from the first to the last month with data.

with

days as (

    select * from {{ ref('int_calendar__days') }}

),

data_range as (

    select * from {{ ref('int_calendar__data_range') }}

),

months as (

    select distinct
        days.month_start_on

    from days
    inner join data_range
        on days.month_start_on between data_range.first_month_start_on and data_range.last_month_start_on

),

months_with_end as (

    select
        month_start_on,
        {{ dbt.last_day('month_start_on', 'month') }} as month_end_on

    from months

)

select * from months_with_end
