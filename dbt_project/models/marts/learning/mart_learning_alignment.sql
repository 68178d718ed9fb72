-- Share of learning hours aimed at the learner's own open gaps at the time of learning:
-- month x employee x course x capability (with the org unit and job profile the
-- employee held when learning). Hours of a course that develops several capabilities
-- are split evenly over them, so hours add up across any grouping.
-- Hours on a capability the job requires but the learner had no valid manager rating for
-- are unassessed_learning_hours: nobody knows whether they met a gap, so the share is
-- taken over assessed hours only. The share of a group is
-- sum(aligned_learning_hours) / (sum(learning_hours) - sum(unassessed_learning_hours)),
-- null when the group has no assessed hours. Hours on a capability the job does not
-- require (outside_role_learning_hours) are assessed and not aligned: no rating can
-- make them meet a gap of the role.

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
        sum(case when is_aimed_at_open_gap then learning_hours else 0 end) as aligned_learning_hours,
        sum(case when is_unassessed then learning_hours else 0 end) as unassessed_learning_hours,
        sum(case when required_level is null then learning_hours else 0 end) as outside_role_learning_hours

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
        cast(
            case
                when learning_hours - unassessed_learning_hours > 0
                    then aligned_learning_hours / (learning_hours - unassessed_learning_hours)
            end as double precision
        ) as alignment_share,
        cast(unassessed_learning_hours as double precision) as unassessed_learning_hours,
        cast(outside_role_learning_hours as double precision) as outside_role_learning_hours

    from aggregated

)

select * from final
