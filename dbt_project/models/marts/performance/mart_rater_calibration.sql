-- Rater calibration per review cycle x manager (the reviewer of `manager` reviews):
-- how lenient the manager's submitted ratings are against everyone's manager ratings
-- in the same cycle, and how far their reports' self ratings sit from the manager's.
-- Ratings are on the harmonised 1-5 scale; the submitted rating is used, not the
-- calibrated one, because calibration is what this measures the need for.
--   overall_leniency    = manager's mean overall rating - org mean (same cycle);
--   capability_leniency = the same on capability ratings;
--   self_manager_gap    = mean over the manager's reports of self - manager overall.
-- is_small_sample flags managers who rated fewer than 5 people in the cycle.

with

reviews as (

    select * from {{ ref('int_performance__reviews_harmonised') }}

),

assessments as (

    select * from {{ ref('int_capability__assessments_unified') }}

),

manager_reviews as (

    select
        review_id,
        review_cycle_id,
        review_cycle_name,
        period_end_on,
        employee_id,
        reviewer_employee_id,
        submitted_level

    from reviews
    where rater_type = 'manager'
        and submitted_level is not null

),

self_reviews as (

    select
        review_cycle_id,
        employee_id,
        max(submitted_level) as self_level

    from reviews
    where rater_type = 'self'
        and employee_id is not null
        and submitted_level is not null
    group by review_cycle_id, employee_id

),

org_overall as (

    select
        review_cycle_id,
        avg(cast(submitted_level as double precision)) as org_avg_overall_level

    from manager_reviews
    group by review_cycle_id

),

capability_levels as (

    select
        manager_reviews.review_cycle_id,
        manager_reviews.reviewer_employee_id,
        assessments.assessed_level

    from manager_reviews
    inner join assessments
        on manager_reviews.review_id = assessments.source_record_id
        and assessments.source_system = 'performance'

),

org_capability as (

    select
        review_cycle_id,
        avg(cast(assessed_level as double precision)) as org_avg_capability_level

    from capability_levels
    group by review_cycle_id

),

manager_capability as (

    select
        review_cycle_id,
        reviewer_employee_id,
        avg(cast(assessed_level as double precision)) as avg_capability_level

    from capability_levels
    where reviewer_employee_id is not null
    group by review_cycle_id, reviewer_employee_id

),

per_manager as (

    select
        manager_reviews.review_cycle_id,
        min(manager_reviews.review_cycle_name) as review_cycle_name,
        min(manager_reviews.period_end_on) as period_end_on,
        manager_reviews.reviewer_employee_id,
        count(distinct manager_reviews.employee_id) as rated_employee_count,
        avg(cast(manager_reviews.submitted_level as double precision)) as avg_overall_level,
        count(self_reviews.self_level) as self_rated_employee_count,
        avg(cast(self_reviews.self_level - manager_reviews.submitted_level as double precision)) as self_manager_gap

    from manager_reviews
    left join self_reviews
        on manager_reviews.review_cycle_id = self_reviews.review_cycle_id
        and manager_reviews.employee_id = self_reviews.employee_id
    where manager_reviews.reviewer_employee_id is not null
    group by manager_reviews.review_cycle_id, manager_reviews.reviewer_employee_id

),

final as (

    select
        per_manager.review_cycle_id,
        per_manager.review_cycle_name,
        per_manager.period_end_on,
        per_manager.reviewer_employee_id as manager_employee_id,
        cast(per_manager.rated_employee_count as integer) as rated_employee_count,
        per_manager.rated_employee_count < 5 as is_small_sample,
        per_manager.avg_overall_level,
        org_overall.org_avg_overall_level,
        per_manager.avg_overall_level - org_overall.org_avg_overall_level as overall_leniency,
        manager_capability.avg_capability_level,
        org_capability.org_avg_capability_level,
        manager_capability.avg_capability_level - org_capability.org_avg_capability_level as capability_leniency,
        cast(per_manager.self_rated_employee_count as integer) as self_rated_employee_count,
        per_manager.self_manager_gap

    from per_manager
    inner join org_overall
        on per_manager.review_cycle_id = org_overall.review_cycle_id
    left join org_capability
        on per_manager.review_cycle_id = org_capability.review_cycle_id
    left join manager_capability
        on per_manager.review_cycle_id = manager_capability.review_cycle_id
        and per_manager.reviewer_employee_id = manager_capability.reviewer_employee_id

)

select * from final
