-- Each learning activity that counts hours, split over the capabilities its course
-- develops (hours divided evenly, so the split rows add up to the activity's hours),
-- with the learner's gap on that capability on the day of learning:
--   * the job is the version of the employee's history in force on the activity date;
--   * the bar is that job profile's required level in force on the activity date;
--   * the assessment is the latest manager assessment on or before the activity date,
--     if it is at most var('capability_rating_validity_days') old that day (an older
--     rating counts as none, as in mart_capability_gap).
-- is_aimed_at_open_gap: the learner was below the bar (gap >= 1) that day. A course on a
-- capability the job does not require, or not assessed, is not aimed at an open gap.
-- A gap against a new role's bar counts here even during the new-in-role grace period:
-- learning towards the new bar is exactly what the grace period is for.
-- is_unassessed: the job requires the capability but the learner had no valid manager
-- rating that day, so nobody knows whether the learning met a gap; mart_learning_alignment
-- reports these hours apart instead of counting them as misaligned.
-- Activities of unresolved learners or outside an employment period are left out: they
-- have no gap to aim at.
{{ config(materialized='table') }}

with

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

required_levels as (

    select * from {{ ref('int_capability__required_levels') }}

),

assessments as (

    select * from {{ ref('int_capability__assessments_unified') }}

),

course_capability_counts as (

    select
        course_id,
        count(*) as capability_count

    from course_capabilities
    group by course_id

),

activity_capabilities as (

    select
        activities.learning_activity_id,
        activities.employee_id,
        activities.course_id,
        activities.activity_on,
        course_capabilities.capability_id,
        course_capabilities.target_level,
        activities.learning_hours / course_capability_counts.capability_count as learning_hours

    from activities
    inner join course_capabilities
        on activities.course_id = course_capabilities.course_id
    inner join course_capability_counts
        on activities.course_id = course_capability_counts.course_id
    where activities.employee_id is not null
        and activities.learning_hours > 0

),

with_job as (

    select
        activity_capabilities.*,
        employee_history.org_unit_id,
        employee_history.job_profile_id

    from activity_capabilities
    inner join employee_history
        on activity_capabilities.employee_id = employee_history.employee_id
        and employee_history.valid_from <= activity_capabilities.activity_on
        and (
            employee_history.valid_to is null
            or employee_history.valid_to >= activity_capabilities.activity_on
        )
        and employee_history.hire_date <= activity_capabilities.activity_on
        and (
            employee_history.termination_date is null
            or employee_history.termination_date >= activity_capabilities.activity_on
        )

),

with_bar as (

    select
        with_job.*,
        required_levels.required_level

    from with_job
    left join required_levels
        on with_job.job_profile_id = required_levels.job_profile_id
        and with_job.capability_id = required_levels.capability_id
        and required_levels.effective_from <= with_job.activity_on
        and (
            required_levels.effective_to is null
            or required_levels.effective_to >= with_job.activity_on
        )

),

manager_assessments_before as (

    select
        with_bar.learning_activity_id,
        with_bar.capability_id,
        assessments.assessed_level,
        assessments.assessed_on,
        row_number() over (
            partition by with_bar.learning_activity_id, with_bar.capability_id
            order by assessments.assessed_on desc, assessments.submitted_at desc nulls last, assessments.assessment_id desc
        ) as recency_rank

    from with_bar
    inner join assessments
        on with_bar.employee_id = assessments.employee_id
        and with_bar.capability_id = assessments.capability_id
        and assessments.rater_type = 'manager'
        and assessments.assessed_on <= with_bar.activity_on

),

valid_manager_assessments as (

    select
        manager_assessments_before.learning_activity_id,
        manager_assessments_before.capability_id,
        manager_assessments_before.assessed_level

    from manager_assessments_before
    inner join with_bar
        on manager_assessments_before.learning_activity_id = with_bar.learning_activity_id
        and manager_assessments_before.capability_id = with_bar.capability_id
    where manager_assessments_before.recency_rank = 1
        and {{ dbt.datediff('manager_assessments_before.assessed_on', 'with_bar.activity_on', 'day') }}
            <= {{ var('capability_rating_validity_days') }}

),

gaps as (

    select
        with_bar.learning_activity_id,
        with_bar.employee_id,
        with_bar.course_id,
        with_bar.capability_id,
        with_bar.activity_on,
        cast({{ dbt.date_trunc('month', 'with_bar.activity_on') }} as date) as month_start_on,
        with_bar.org_unit_id,
        with_bar.job_profile_id,
        with_bar.target_level,
        with_bar.learning_hours,
        with_bar.required_level,
        valid_manager_assessments.assessed_level as manager_assessed_level,
        with_bar.required_level - valid_manager_assessments.assessed_level as gap_levels,
        coalesce(with_bar.required_level - valid_manager_assessments.assessed_level >= 1, false)
            as is_aimed_at_open_gap,
        (with_bar.required_level is not null and valid_manager_assessments.assessed_level is null)
            as is_unassessed

    from with_bar
    left join valid_manager_assessments
        on with_bar.learning_activity_id = valid_manager_assessments.learning_activity_id
        and with_bar.capability_id = valid_manager_assessments.capability_id

)

select * from gaps
