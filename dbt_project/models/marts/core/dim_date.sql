with

days as (

    select * from {{ ref('int_calendar__days') }}

),

final as (

    select
        date_day,
        month_start_on,
        year_number,
        month_number,
        quarter_number

    from days

)

select * from final
