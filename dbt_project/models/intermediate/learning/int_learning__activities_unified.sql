-- Learning activities from every learning source at activity grain, on one shape:
-- hours, score, completion and (where the source knows a due date) on time or late.
-- Today the only source is xAPI (source_system `lms`); LMS enrolments add a branch to
-- the union with their own due dates.
--   * learning_hours counts each attempt once: the duration of completions and of failed
--     attempts. A `passed` statement that is not the completion repeats the duration of
--     the `completed` statement sent for the same attempt, so it counts 0 hours.
--   * due_on is null for xAPI (statements carry no assignment), so is_on_time is null.

with

statements as (

    select * from {{ ref('int_learning__statements_resolved') }}

),

xapi as (

    select
        statement_id as learning_activity_id,
        cast('lms' as {{ dbt.type_string() }}) as source_system,
        employee_id,
        actor_email as learner_login,
        course_id,
        verb,
        occurred_at as activity_at,
        cast(occurred_at as date) as activity_on,
        case
            when is_completion or verb = 'failed' then coalesce(duration_hours, 0)
            else 0
        end as learning_hours,
        score_scaled,
        is_completion,
        cast(null as date) as due_on

    from statements

),

unified as (

    select
        learning_activity_id,
        source_system,
        employee_id,
        learner_login,
        course_id,
        verb,
        activity_at,
        activity_on,
        cast(learning_hours as double precision) as learning_hours,
        score_scaled,
        is_completion,
        due_on,
        case
            when not is_completion or due_on is null then cast(null as boolean)
            else activity_on <= due_on
        end as is_on_time

    from xapi

)

select * from unified
