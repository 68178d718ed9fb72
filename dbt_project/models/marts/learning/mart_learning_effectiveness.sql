-- Kirkpatrick / TDRp measures per calendar year x course (programme):
--   reach      completers / employees employed at any time in the year;
--   efficiency learning hours and hours per employee (formal learning in the LMS);
--   L1         reaction: no source sends it yet (column left out, not faked);
--   completion completers / learners active on the course in the year; on-time
--              completion needs due dates (LMS enrolments), null until a source has them;
--   L2         learning: mean best score and pass rate of learners with a scored attempt;
--   L3         behaviour: for people who first completed the course in the year, the
--              change in the manager-assessed level of the course's capabilities from
--              the latest assessment before completion to the first one after it.
-- Cost per employee and L4 wait for the finance source and the impact engine.

with

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

enrolments as (

    select * from {{ ref('int_learning__enrolments') }}

),

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

assessments as (

    select * from {{ ref('int_capability__assessments_unified') }}

),

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

days as (

    select * from {{ ref('int_calendar__days') }}

),

years as (

    select
        year_number,
        min(date_day) as year_start_on,
        max(date_day) as year_end_on

    from days
    group by year_number

),

headcount as (

    select
        years.year_number,
        count(*) as employee_count

    from years
    inner join employee_history
        on employee_history.is_current
        and employee_history.hire_date <= years.year_end_on
        and (
            employee_history.termination_date is null
            or employee_history.termination_date >= years.year_start_on
        )
    group by years.year_number

),

employee_activities as (

    select
        cast(extract(year from activity_on) as integer) as year_number,
        course_id,
        employee_id,
        learning_hours,
        is_completion,
        is_on_time,
        verb,
        score_scaled

    from activities
    where employee_id is not null
        and course_id is not null

),

learners as (

    select
        year_number,
        course_id,
        employee_id,
        sum(learning_hours) as learning_hours,
        max(case when is_completion then 1 else 0 end) as has_completed,
        max(case when is_on_time then 1 else 0 end) as has_completed_on_time,
        max(case when is_on_time is not null then 1 else 0 end) as has_due_completion,
        max(case when verb in ('passed', 'failed') then score_scaled end) as best_score_scaled,
        max(case when verb = 'passed' then 1 else 0 end) as has_passed,
        max(case when verb in ('passed', 'failed') then 1 else 0 end) as has_scored_attempt

    from employee_activities
    group by year_number, course_id, employee_id

),

course_years as (

    select
        year_number,
        course_id,
        count(*) as learner_count,
        sum(has_completed) as completer_count,
        sum(learning_hours) as learning_hours,
        sum(has_completed_on_time) as on_time_completer_count,
        sum(has_due_completion) as due_completer_count,
        avg(best_score_scaled) as avg_best_score_scaled,
        sum(has_scored_attempt) as scored_learner_count,
        sum(has_passed) as passed_learner_count

    from learners
    group by year_number, course_id

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
        first_completions.year_number,
        course_capabilities.capability_id,
        manager_assessments.assessed_level,
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

level_changes as (

    select
        employee_id,
        course_id,
        year_number,
        capability_id,
        max(case when not is_before then assessed_level end)
            - max(case when is_before then assessed_level end) as level_change

    from around_completion
    where closeness_rank = 1
    group by employee_id, course_id, year_number, capability_id
    having count(*) = 2

),

l3 as (

    select
        year_number,
        course_id,
        count(distinct employee_id) as l3_learner_count,
        avg(cast(level_change as double precision)) as l3_avg_level_change

    from level_changes
    group by year_number, course_id

),

final as (

    select
        course_years.year_number,
        course_years.course_id,
        cast(headcount.employee_count as integer) as employee_count,
        cast(course_years.learner_count as integer) as learner_count,
        cast(course_years.completer_count as integer) as completer_count,
        cast(course_years.completer_count as double precision) / headcount.employee_count as reach_share,
        cast(course_years.learning_hours as double precision) as learning_hours,
        cast(course_years.learning_hours as double precision) / headcount.employee_count as learning_hours_per_employee,
        cast(course_years.completer_count as double precision) / course_years.learner_count as completion_rate,
        case
            when course_years.due_completer_count > 0
                then cast(course_years.on_time_completer_count as double precision) / course_years.due_completer_count
        end as on_time_completion_rate,
        cast(course_years.scored_learner_count as integer) as scored_learner_count,
        cast(course_years.avg_best_score_scaled as double precision) as l2_avg_best_score_scaled,
        case
            when course_years.scored_learner_count > 0
                then cast(course_years.passed_learner_count as double precision) / course_years.scored_learner_count
        end as l2_pass_rate,
        cast(coalesce(l3.l3_learner_count, 0) as integer) as l3_learner_count,
        cast(l3.l3_avg_level_change as double precision) as l3_avg_level_change

    from course_years
    inner join headcount
        on course_years.year_number = headcount.year_number
    left join l3
        on course_years.year_number = l3.year_number
        and course_years.course_id = l3.course_id

)

select * from final
