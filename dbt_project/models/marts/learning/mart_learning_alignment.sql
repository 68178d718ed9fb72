-- Share of learning hours aimed at the learner's own open gaps at the time of learning:
-- month x employee x course x capability (with the org unit and job profile the
-- employee held when learning). Hours of a course that develops several capabilities
-- are split evenly over them, so hours add up across any grouping; the share of a group
-- is sum(aligned_learning_hours) / sum(learning_hours). Spend columns come with the
-- finance source.

with

activity_gaps as (

    select * from {{ ref('int_learning__activity_capability_gaps') }}

),

aggregated as (

    select
        month_start_on,
        employee_id,
        org_unit_id,
        job_profile_id,
        course_id,
        capability_id,
        count(*) as activity_count,
        sum(learning_hours) as learning_hours,
        sum(case when is_aimed_at_open_gap then learning_hours else 0 end) as aligned_learning_hours

    from activity_gaps
    group by month_start_on, employee_id, org_unit_id, job_profile_id, course_id, capability_id

),

final as (

    select
        month_start_on,
        employee_id,
        org_unit_id,
        job_profile_id,
        course_id,
        capability_id,
        cast(activity_count as integer) as activity_count,
        cast(learning_hours as double precision) as learning_hours,
        cast(aligned_learning_hours as double precision) as aligned_learning_hours,
        cast(aligned_learning_hours / learning_hours as double precision) as alignment_share

    from aggregated

)

select * from final
