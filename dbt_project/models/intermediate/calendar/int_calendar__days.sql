-- One row per day over whole calendar years around the data's range.

with

data_range as (

    select * from {{ ref('int_calendar__data_range') }}

),

day_series as (

    select
        cast(series.day_at as date) as date_day

    from data_range
    cross join generate_series(
        cast(data_range.calendar_start_on as {{ dbt.type_timestamp() }}),
        cast(data_range.calendar_end_on as {{ dbt.type_timestamp() }}),
        interval '1 day'
    ) as series (day_at)

),

days as (

    select
        date_day,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start_on,
        cast(extract(year from date_day) as integer) as year_number,
        cast(extract(month from date_day) as integer) as month_number,
        cast(extract(quarter from date_day) as integer) as quarter_number

    from day_series

)

select * from days
