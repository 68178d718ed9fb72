-- Reviews with the cycle, the reviewee and reviewer resolved to employees, and the
-- review type mapped to a rater type (downward = the manager). The overall rating is the
-- calibrated rating when there is one, else the submitted rating.

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

resolved as (

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
        reviews.rating,
        reviews.calibrated_rating,
        coalesce(reviews.calibrated_rating, reviews.rating) as overall_rating,
        reviews.submitted_at

    from reviews
    left join review_cycles
        on reviews.review_cycle_id = review_cycles.review_cycle_id
    left join performance_users as reviewees
        on reviews.reviewee_user_id = reviewees.user_id
    left join performance_users as reviewers
        on reviews.reviewer_user_id = reviewers.user_id

)

select * from resolved
