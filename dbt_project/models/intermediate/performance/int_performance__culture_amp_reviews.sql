{{ config(enabled=source_enabled('culture_amp')) }}

-- Every Culture Amp manager review, resolved: the reviewee and the manager to employees
-- (int_identity__culture_amp_employees), the cycle to its period, the bucket to the 1-5
-- scale (rating_scale_map, scale `culture_amp_<scale size>_bucket`, keyed by the bucket's
-- position). lattice_review_id names the Lattice manager review of the same employee for a
-- period ending the same day, when Lattice holds one too (a migration overlap);
-- int_performance__reviews_resolved keeps only the reviews without one, and the overlap is
-- where the bucket mapping is checked (assert_culture_amp_buckets_agree_with_lattice).

with

manager_reviews as (

    select * from {{ ref('stg_culture_amp__manager_reviews') }}

),

performance_cycles as (

    select * from {{ ref('stg_culture_amp__performance_cycles') }}

),

culture_amp_employees as (

    select * from {{ ref('int_identity__culture_amp_employees') }}

),

rating_scale_map as (

    select * from {{ ref('rating_scale_map') }}

),

lattice_reviews as (

    select * from {{ ref('stg_performance__reviews') }}

),

lattice_cycles as (

    select * from {{ ref('stg_performance__review_cycles') }}

),

lattice_users as (

    select * from {{ ref('int_identity__performance_users') }}

),

lattice_manager_reviews as (

    select
        lattice_users.employee_id,
        lattice_cycles.period_end_on,
        lattice_reviews.review_id,
        lattice_reviews.rating,
        row_number() over (
            partition by lattice_users.employee_id, lattice_cycles.period_end_on
            order by lattice_reviews.submitted_at desc, lattice_reviews.review_id
        ) as recency

    from lattice_reviews
    inner join lattice_cycles
        on lattice_reviews.review_cycle_id = lattice_cycles.review_cycle_id
    inner join lattice_users
        on lattice_reviews.reviewee_user_id = lattice_users.user_id
    where lattice_reviews.review_type = 'downward'
        and lattice_users.employee_id is not null

),

resolved as (

    select
        manager_reviews.manager_review_id,
        manager_reviews.performance_cycle_id,
        performance_cycles.performance_cycle_name,
        performance_cycles.period_start_on,
        performance_cycles.period_end_on,
        reviewees.employee_id,
        managers.employee_id as reviewer_employee_id,
        manager_reviews.submitted_at,
        {{ dbt.concat([
            "'culture_amp_'",
            'cast(manager_reviews.rating_scale_size as ' ~ dbt.type_string() ~ ')',
            "'_bucket'",
        ]) }} as scale_id,
        cast(manager_reviews.rating_value as {{ dbt.type_string() }}) as source_rating,
        manager_reviews.rating_bucket

    from manager_reviews
    left join performance_cycles
        on manager_reviews.performance_cycle_id = performance_cycles.performance_cycle_id
    left join culture_amp_employees as reviewees
        on manager_reviews.culture_amp_employee_id = reviewees.culture_amp_employee_id
    left join culture_amp_employees as managers
        on manager_reviews.manager_culture_amp_employee_id = managers.culture_amp_employee_id

),

final as (

    select
        resolved.manager_review_id,
        resolved.performance_cycle_id,
        resolved.performance_cycle_name,
        resolved.period_start_on,
        resolved.period_end_on,
        resolved.employee_id,
        resolved.reviewer_employee_id,
        resolved.submitted_at,
        resolved.scale_id,
        resolved.source_rating,
        resolved.rating_bucket,
        rating_scale_map.harmonised_level,
        lattice_manager_reviews.review_id as lattice_review_id,
        lattice_manager_reviews.rating as lattice_rating

    from resolved
    left join rating_scale_map
        on resolved.scale_id = rating_scale_map.scale_id
        and resolved.source_rating = rating_scale_map.source_value
    left join lattice_manager_reviews
        on resolved.employee_id = lattice_manager_reviews.employee_id
        and resolved.period_end_on = lattice_manager_reviews.period_end_on
        and lattice_manager_reviews.recency = 1

)

select * from final
