-- One row per learner x course x source system: when the learner started and first
-- completed the course, the hours spent, the best score, and whether the first completion
-- was on time (null without a due date).
-- A learner can hold several enrolments of one course (LearnUpon's annual compliance
-- campaign enrols everyone again): due_on is the due date of the activity that first
-- completed the course, or, while not completed, the latest due date of the learner's
-- enrolments (the one still open).

with

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

ranked as (

    select
        activities.*,
        case
            when is_completion then row_number() over (
                partition by source_system, learner_login, course_id, is_completion
                order by activity_on, activity_at, learning_activity_id
            )
        end as completion_rank

    from activities
    where course_id is not null

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
        max(case when completion_rank = 1 then due_on end) as first_completion_due_on,
        max(due_on) as latest_due_on

    from ranked
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
        case
            when completed_on is not null then first_completion_due_on
            else latest_due_on
        end as due_on,
        case
            when completed_on is null or first_completion_due_on is null then cast(null as boolean)
            else completed_on <= first_completion_due_on
        end as is_completed_on_time

    from enrolments

)

select * from final
