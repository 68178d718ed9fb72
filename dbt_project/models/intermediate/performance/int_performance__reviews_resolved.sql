-- Reviews from every performance tool, one row per review, with the cycle, the reviewee
-- and reviewer resolved to employees and the review type mapped to a rater type
-- (downward = the manager).
--   * Lattice: every review type; ratings on its 1-5 scale (`lattice_1_5`).
--   * Culture Amp: manager reviews (review type `downward`); ratings are buckets, scale
--     `culture_amp_<scale size>_bucket`, keyed by the bucket's position.
-- rating / calibrated_rating are the source values mapped onto the warehouse's 1-5 scale
-- through rating_scale_map (source_rating / source_calibrated_rating keep what the tool
-- sent), so every reader of this model gets one scale; overall_rating is the calibrated
-- rating when there is one, else the submitted rating.
-- A Culture Amp review that duplicates a Lattice manager review (same employee, same end
-- of the period reviewed) is left out: during a migration both tools can hold the same
-- review, and the Lattice one carries the competency ratings the assessments come from.
-- int_performance__culture_amp_reviews keeps every Culture Amp review with the match.

with

reviews as (

    select * from {{ ref('stg_performance__reviews') }}

),

review_cycles as (

    select * from {{ ref('stg_performance__review_cycles') }}

),

performance_users as (

    select * from {{ ref('int_identity__performance_users') }}

),

rating_scale_map as (

    select * from {{ ref('rating_scale_map') }}

),

lattice_reviews as (

    select
        reviews.review_id,
        reviews.review_dlt_id,
        reviews.review_cycle_id,
        review_cycles.review_cycle_name,
        review_cycles.period_start_on,
        review_cycles.period_end_on,
        reviewees.employee_id,
        reviewers.employee_id as reviewer_employee_id,
        reviews.review_type,
        case reviews.review_type
            when 'self' then 'self'
            when 'downward' then 'manager'
            when 'peer' then 'peer'
            when 'upward' then 'upward'
        end as rater_type,
        cast('lattice' as {{ dbt.type_string() }}) as source_system,
        cast('lattice_1_5' as {{ dbt.type_string() }}) as scale_id,
        cast(reviews.rating as {{ dbt.type_string() }}) as source_rating,
        cast(reviews.calibrated_rating as {{ dbt.type_string() }}) as source_calibrated_rating,
        reviews.submitted_at

    from reviews
    left join review_cycles
        on reviews.review_cycle_id = review_cycles.review_cycle_id
    left join performance_users as reviewees
        on reviews.reviewee_user_id = reviewees.user_id
    left join performance_users as reviewers
        on reviews.reviewer_user_id = reviewers.user_id

),

{% if source_enabled('culture_amp') %}
culture_amp_reviews as (

    select * from {{ ref('int_performance__culture_amp_reviews') }}

),

culture_amp_only as (

    select
        manager_review_id as review_id,
        cast(null as {{ dbt.type_string() }}) as review_dlt_id,
        performance_cycle_id as review_cycle_id,
        performance_cycle_name as review_cycle_name,
        period_start_on,
        period_end_on,
        employee_id,
        reviewer_employee_id,
        cast('downward' as {{ dbt.type_string() }}) as review_type,
        cast('manager' as {{ dbt.type_string() }}) as rater_type,
        cast('culture_amp' as {{ dbt.type_string() }}) as source_system,
        scale_id,
        source_rating,
        cast(null as {{ dbt.type_string() }}) as source_calibrated_rating,
        submitted_at

    from culture_amp_reviews
    where lattice_review_id is null

),
{% endif %}

unioned as (

    select * from lattice_reviews
    {% if source_enabled('culture_amp') %}
    union all
    select * from culture_amp_only
    {% endif %}

),

harmonised as (

    select
        unioned.review_id,
        unioned.review_dlt_id,
        unioned.review_cycle_id,
        unioned.review_cycle_name,
        unioned.period_start_on,
        unioned.period_end_on,
        unioned.employee_id,
        unioned.reviewer_employee_id,
        unioned.review_type,
        unioned.rater_type,
        unioned.source_system,
        unioned.scale_id,
        unioned.source_rating,
        unioned.source_calibrated_rating,
        submitted_scale.harmonised_level as rating,
        calibrated_scale.harmonised_level as calibrated_rating,
        coalesce(calibrated_scale.harmonised_level, submitted_scale.harmonised_level) as overall_rating,
        unioned.submitted_at

    from unioned
    left join rating_scale_map as submitted_scale
        on unioned.scale_id = submitted_scale.scale_id
        and lower(unioned.source_rating) = submitted_scale.source_value
    left join rating_scale_map as calibrated_scale
        on unioned.scale_id = calibrated_scale.scale_id
        and lower(unioned.source_calibrated_rating) = calibrated_scale.source_value

)

select * from harmonised
