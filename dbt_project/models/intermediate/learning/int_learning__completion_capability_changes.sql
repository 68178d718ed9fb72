-- Each employee's first completion of a course, per capability the course develops:
--   * level_before: the latest manager assessment on or before the completion day;
--   * level_after:  the first manager assessment after it;
--   * required_level: the bar in force on the completion day for the job the learner
--     held that day, read from int_learning__activity_capability_gaps (the same
--     point-in-time rules as alignment: job version, bar and latest manager assessment
--     on the day of learning), so the rule lives in one place.
-- level_change = after - before (Kirkpatrick L3, mart_learning_effectiveness).
-- gap_points_closed = max(bar - before, 0) - max(bar - after, 0), both against the bar
-- of the completion day: only the shortfall that was open counts, exceeding the bar adds
-- nothing, a lower later rating counts negative, and a promotion after the course (a
-- higher bar) is not mistaken for a wider gap. Null unless both assessments and the bar
-- are known. Descriptive, not causal: the impact engine owns causal estimates.

with

enrolments as (

    select * from {{ ref('int_learning__enrolments') }}

),

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

assessments as (

    select * from {{ ref('int_capability__assessments_unified') }}

),

activity_capability_gaps as (

    select * from {{ ref('int_learning__activity_capability_gaps') }}

),

first_completions as (

    select
        employee_id,
        course_id,
        completed_on,
        cast(extract(year from completed_on) as integer) as year_number

    from enrolments
    where is_completed
        and employee_id is not null

),

manager_assessments as (

    select
        employee_id,
        capability_id,
        assessed_level,
        assessed_on,
        submitted_at,
        assessment_id

    from assessments
    where rater_type = 'manager'
        and employee_id is not null

),

around_completion as (

    select
        first_completions.employee_id,
        first_completions.course_id,
        course_capabilities.capability_id,
        manager_assessments.assessed_level,
        manager_assessments.assessed_on,
        row_number() over (
            partition by
                first_completions.employee_id, first_completions.course_id, course_capabilities.capability_id,
                manager_assessments.assessed_on <= first_completions.completed_on
            order by
                case
                    when manager_assessments.assessed_on <= first_completions.completed_on
                        then {{ dbt.datediff('manager_assessments.assessed_on', 'first_completions.completed_on', 'day') }}
                    else {{ dbt.datediff('first_completions.completed_on', 'manager_assessments.assessed_on', 'day') }}
                end,
                manager_assessments.submitted_at desc nulls last,
                manager_assessments.assessment_id desc
        ) as closeness_rank,
        manager_assessments.assessed_on <= first_completions.completed_on as is_before

    from first_completions
    inner join course_capabilities
        on first_completions.course_id = course_capabilities.course_id
    inner join manager_assessments
        on first_completions.employee_id = manager_assessments.employee_id
        and course_capabilities.capability_id = manager_assessments.capability_id

),

levels as (

    select
        employee_id,
        course_id,
        capability_id,
        max(case when is_before then assessed_level end) as level_before,
        max(case when is_before then assessed_on end) as assessed_before_on,
        max(case when not is_before then assessed_level end) as level_after,
        max(case when not is_before then assessed_on end) as assessed_after_on

    from around_completion
    where closeness_rank = 1
    group by employee_id, course_id, capability_id

),

bars_on_completion_day as (

    select
        employee_id,
        course_id,
        capability_id,
        activity_on,
        max(required_level) as required_level

    from activity_capability_gaps
    group by employee_id, course_id, capability_id, activity_on

),

changes as (

    select
        first_completions.employee_id,
        first_completions.course_id,
        course_capabilities.capability_id,
        first_completions.completed_on,
        first_completions.year_number,
        bars_on_completion_day.required_level,
        levels.level_before,
        levels.assessed_before_on,
        levels.level_after,
        levels.assessed_after_on

    from first_completions
    inner join course_capabilities
        on first_completions.course_id = course_capabilities.course_id
    left join levels
        on first_completions.employee_id = levels.employee_id
        and first_completions.course_id = levels.course_id
        and course_capabilities.capability_id = levels.capability_id
    left join bars_on_completion_day
        on first_completions.employee_id = bars_on_completion_day.employee_id
        and first_completions.course_id = bars_on_completion_day.course_id
        and course_capabilities.capability_id = bars_on_completion_day.capability_id
        and first_completions.completed_on = bars_on_completion_day.activity_on

),

final as (

    select
        employee_id,
        course_id,
        capability_id,
        completed_on,
        year_number,
        required_level,
        level_before,
        assessed_before_on,
        level_after,
        assessed_after_on,
        level_after - level_before as level_change,
        required_level - level_before as gap_before_levels,
        required_level - level_after as gap_after_levels,
        case
            when required_level is not null and level_before is not null and level_after is not null
                then greatest(required_level - level_before, 0) - greatest(required_level - level_after, 0)
        end as gap_points_closed

    from changes

)

select * from final
