-- Learning activities from every learning source at activity grain, on one shape:
-- hours, score, completion and (where the source knows a due date) on time or late.
-- Sources (a source switched off with DISABLED_SOURCES leaves its branch out):
--   * xAPI statements (source_system `lms`, int_learning__statements_resolved), one
--     activity per statement. learning_hours counts each attempt once: the duration of
--     completions and of failed attempts. A `passed` statement that is not the completion
--     repeats the duration of the `completed` statement sent for the same attempt, so it
--     counts 0 hours. due_on is null (statements carry no assignment), so is_on_time is null.
--   * LearnUpon enrolments (source_system `learnupon`, int_learning__learnupon_activities),
--     one activity per enrolment: the status mapped onto the xAPI verbs, the time spent
--     (else the course's duration) as hours, LearnUpon's due date.
-- duration_hours is the record's own duration (the statement's `result.duration`), which
-- may repeat another record's; learning_hours is what the record adds to a sum.
-- is_on_time: a completion on or before its due date; null unless a completion with one.

with

statements as (

    select * from {{ ref('int_learning__statements_resolved') }}

),

{% if source_enabled('learnupon') -%}
learnupon_activities as (

    select * from {{ ref('int_learning__learnupon_activities') }}

),

{% endif -%}

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
        duration_hours,
        case
            -- the verb's meaning from the vocabulary seed (Moodle and Open edX verbs too)
            when is_completion or coalesce(activity_status, verb) = 'failed' then coalesce(duration_hours, 0)
            else 0
        end as learning_hours,
        score_scaled,
        is_completion,
        cast(null as date) as due_on

    from statements

),

{% if source_enabled('learnupon') -%}
learnupon as (

    select
        learning_activity_id,
        source_system,
        employee_id,
        learner_login,
        course_id,
        verb,
        activity_at,
        activity_on,
        duration_hours,
        learning_hours,
        score_scaled,
        is_completion,
        due_on

    from learnupon_activities

),

{% endif -%}

activities as (

    select * from xapi
    {% if source_enabled('learnupon') -%}
    union all
    select * from learnupon
    {%- endif %}

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
        cast(duration_hours as double precision) as duration_hours,
        cast(learning_hours as double precision) as learning_hours,
        score_scaled,
        is_completion,
        due_on,
        case
            when not is_completion or due_on is null then cast(null as boolean)
            else activity_on <= due_on
        end as is_on_time

    from activities

)

select * from unified
