with

courses as (

    select * from {{ ref('int_learning__courses') }}

),

final as (

    select
        course_id,
        course_name,
        provider,
        duration_hours,
        list_price_amount,
        currency_code

    from courses

)

select * from final
