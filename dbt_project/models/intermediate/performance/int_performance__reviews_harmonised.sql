-- Reviews with the submitted rating (what the rater gave) and the overall rating
-- (calibrated when calibrated) mapped to the warehouse's 1-5 scale through the
-- rating_scale_map seed. Lattice reviews use the `lattice_1_5` scale; a new
-- performance source adds its rows to the union with its own scale id.

with

reviews as (

    select * from {{ ref('int_performance__reviews_resolved') }}

),

rating_scale_map as (

    select * from {{ ref('rating_scale_map') }}

),

source_reviews as (

    select
        review_id,
        review_cycle_id,
        review_cycle_name,
        period_start_on,
        period_end_on,
        employee_id,
        reviewer_employee_id,
        rater_type,
        cast('performance' as {{ dbt.type_string() }}) as source_system,
        cast('lattice_1_5' as {{ dbt.type_string() }}) as scale_id,
        lower(cast(rating as {{ dbt.type_string() }})) as source_submitted_rating,
        lower(cast(overall_rating as {{ dbt.type_string() }})) as source_overall_rating,
        submitted_at

    from reviews

),

harmonised as (

    select
        source_reviews.*,
        submitted_scale.harmonised_level as submitted_level,
        overall_scale.harmonised_level as overall_level

    from source_reviews
    left join rating_scale_map as submitted_scale
        on source_reviews.scale_id = submitted_scale.scale_id
        and source_reviews.source_submitted_rating = submitted_scale.source_value
    left join rating_scale_map as overall_scale
        on source_reviews.scale_id = overall_scale.scale_id
        and source_reviews.source_overall_rating = overall_scale.source_value

)

select * from harmonised
