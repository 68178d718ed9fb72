-- One row per learner x course x source system: when the learner started and first
-- completed the course, the hours spent, the best score, and whether the completion
-- was on time (null without a due date).

with

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

enrolments as (

    select
        source_system,
        learner_login,
        course_id,
        min(employee_id) as employee_id,
        min(activity_on) as first_activity_on,
        min(case when is_completion then activity_on end) as completed_on,
        sum(learning_hours) as learning_hours,
        max(score_scaled) as best_score_scaled,
        max(case when verb in ('passed', 'failed') then 1 else 0 end) = 1 as has_scored_attempt,
        max(case when verb = 'passed' then 1 else 0 end) = 1 as has_passed,
        max(due_on) as due_on

    from activities
    where course_id is not null
    group by source_system, learner_login, course_id

),

final as (

    select
        source_system,
        learner_login,
        course_id,
        employee_id,
        first_activity_on,
        completed_on,
        completed_on is not null as is_completed,
        learning_hours,
        best_score_scaled,
        has_scored_attempt,
        has_passed,
        due_on,
        case
            when completed_on is null or due_on is null then cast(null as boolean)
            else completed_on <= due_on
        end as is_completed_on_time

    from enrolments

)

select * from final
