with

courses as (

    select * from {{ ref('int_learning__courses') }}

),

final as (

    select
        course_id,
        course_name

    from courses

)

select * from final
