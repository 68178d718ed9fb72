{{ config(enabled=source_enabled('learnupon')) }}

-- Every LearnUpon enrolment reaches fct_learning_activity as exactly one activity, and
-- nothing else does, with:
--   * the verb of its status (completed -> completed, passed -> passed, failed -> failed,
--     in_progress -> attempted, not_started -> registered) and is_completion true exactly
--     for completed and passed;
--   * a completion dated on its completion day;
--   * the hours LearnUpon recorded; an ended enrolment (completed, passed, failed) without
--     time recorded the course's nominal duration; an open one without time 0;
--   * LearnUpon's score and due date;
--   * a course in dim_course whose provider is `learnupon`.
-- Returns one row per enrolment or activity that breaks a rule, with the rule.

with

enrollments as (

    select * from {{ ref('stg_learnupon__enrollments') }}

),

courses as (

    select * from {{ ref('stg_learnupon__courses') }}

),

activities as (

    select * from {{ ref('fct_learning_activity') }}
    where source_system = 'learnupon'

),

dim_courses as (

    select * from {{ ref('dim_course') }}

),

status_verbs as (

    select
        'completed' as enrollment_status,
        'completed' as verb,
        true as is_completion

    union all

    select
        'passed' as enrollment_status,
        'passed' as verb,
        true as is_completion

    union all

    select
        'failed' as enrollment_status,
        'failed' as verb,
        false as is_completion

    union all

    select
        'in_progress' as enrollment_status,
        'attempted' as verb,
        false as is_completion

    union all

    select
        'not_started' as enrollment_status,
        'registered' as verb,
        false as is_completion

),

expected as (

    select
        {{ dbt.concat(["'learnupon:'", 'enrollments.enrollment_id']) }} as learning_activity_id,
        enrollments.enrollment_status,
        status_verbs.verb,
        status_verbs.is_completion,
        enrollments.completed_at,
        enrollments.score_scaled,
        enrollments.due_on,
        case
            when enrollments.time_spent_hours > 0 then enrollments.time_spent_hours
            when enrollments.enrollment_status in ('completed', 'passed', 'failed') then coalesce(courses.duration_hours, 0)
            else 0
        end as expected_hours

    from enrollments
    left join status_verbs
        on enrollments.enrollment_status = status_verbs.enrollment_status
    left join courses
        on enrollments.learnupon_course_id = courses.learnupon_course_id

),

compared as (

    select
        coalesce(expected.learning_activity_id, activities.learning_activity_id) as learning_activity_id,
        case
            when activities.learning_activity_id is null then 'enrolment missing from the fact'
            when expected.learning_activity_id is null then 'activity without a LearnUpon enrolment'
            when expected.verb is null or activities.verb <> expected.verb then 'verb does not match the status'
            when activities.is_completion <> expected.is_completion then 'completion does not match the status'
            when activities.is_completion and expected.completed_at is not null
                and activities.activity_on <> cast(expected.completed_at as date) then 'completion not dated on its completion day'
            when abs(activities.learning_hours - expected.expected_hours) > 0.000001 then 'hours differ from time spent / duration'
            when coalesce(activities.score_scaled, -1) <> coalesce(expected.score_scaled, -1) then 'score differs'
            when coalesce(activities.due_on, cast('1900-01-01' as date)) <> coalesce(expected.due_on, cast('1900-01-01' as date))
                then 'due date differs'
            when dim_courses.course_id is null or dim_courses.provider <> 'learnupon' then 'course not a LearnUpon course of dim_course'
        end as problem

    from expected
    full outer join activities
        on expected.learning_activity_id = activities.learning_activity_id
    left join dim_courses
        on activities.course_id = dim_courses.course_id

)

select *
from compared
where problem is not null
