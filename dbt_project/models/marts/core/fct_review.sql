with

reviews as (

    select * from {{ ref('int_performance__reviews_resolved') }}

),

final as (

    select
        review_id,
        review_cycle_id,
        review_cycle_name,
        period_end_on,
        employee_id,
        reviewer_employee_id,
        review_type,
        rater_type,
        cast(overall_rating as double precision) as overall_rating,
        submitted_at

    from reviews

)

select * from final
