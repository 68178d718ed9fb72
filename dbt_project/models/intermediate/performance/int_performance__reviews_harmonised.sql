-- Reviews of every performance tool side by side with the rating as the tool sent it
-- (source_submitted_rating, source_overall_rating: calibrated when calibrated) and on the
-- warehouse's 1-5 scale (submitted_level, overall_level). The mapping itself happens in
-- int_performance__reviews_resolved (rating_scale_map: Lattice `lattice_1_5`, Culture Amp
-- `culture_amp_<n>_bucket`), so fct_review and this model can never disagree; a value
-- missing from its scale leaves a null level here and fails
-- assert_every_rating_is_harmonised.

with

reviews as (

    select * from {{ ref('int_performance__reviews_resolved') }}

),

harmonised as (

    select
        review_id,
        review_cycle_id,
        review_cycle_name,
        period_start_on,
        period_end_on,
        employee_id,
        reviewer_employee_id,
        rater_type,
        source_system,
        scale_id,
        lower(source_rating) as source_submitted_rating,
        lower(coalesce(source_calibrated_rating, source_rating)) as source_overall_rating,
        submitted_at,
        rating as submitted_level,
        overall_rating as overall_level

    from reviews

)

select * from harmonised
