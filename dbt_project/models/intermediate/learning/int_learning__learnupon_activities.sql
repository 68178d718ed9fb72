{{ config(enabled=source_enabled('learnupon')) }}

-- LearnUpon enrolments as learning activities, on the shape of int_learning__activities_unified
-- (which unions them with the xAPI statements). One activity per enrolment: LearnUpon keeps
-- one record per enrolment and updates it, and a re-enrolment (the annual compliance
-- campaign) is a new enrolment.
--   * verb, from the enrolment status, in the xAPI vocabulary the statements use:
--       completed   -> `completed`,  a completion;
--       passed      -> `passed`,     a completion (graded course; LearnUpon sends one status,
--                                    so there is no `completed` beside it to count twice);
--       failed      -> `failed`,     not a completion;
--       in_progress -> `attempted`,  not a completion;
--       not_started -> `registered`  (xAPI's verb for an enrolment), not a completion.
--   * activity_at: the completion time for completions; else the start, else the enrolment
--     (LearnUpon sends no time for a failed attempt, so a failure is dated by its start).
--   * learning_hours: the time spent LearnUpon recorded, once per enrolment; an enrolment
--     that ended (completed, passed, failed) with no time recorded counts the course's
--     nominal duration (that version's catalogue entry); otherwise 0. duration_hours is the
--     same number (the record's own time).
--   * score_scaled: LearnUpon's 0-100 score / 100; null when ungraded.
--   * due_on: LearnUpon's due date (assignments and compliance campaigns have one).
--   * employee_id: the user's resolution (int_identity__learnupon_users); learner_login is
--     the LearnUpon login (username, else email), lower-cased.

with

enrollments as (

    select * from {{ ref('stg_learnupon__enrollments') }}

),

courses as (

    select * from {{ ref('stg_learnupon__courses') }}

),

users as (

    select * from {{ ref('stg_learnupon__users') }}

),

resolved_users as (

    select * from {{ ref('int_identity__learnupon_users') }}

),

mapped as (

    select
        enrollments.enrollment_id,
        enrollments.enrollment_status,
        enrollments.learnupon_user_id,
        resolved_users.employee_id,
        lower(coalesce(users.username, users.email, enrollments.email)) as learner_login,
        courses.course_id,
        case enrollments.enrollment_status
            when 'completed' then 'completed'
            when 'passed' then 'passed'
            when 'failed' then 'failed'
            when 'in_progress' then 'attempted'
            when 'not_started' then 'registered'
        end as verb,
        enrollments.enrollment_status in ('completed', 'passed') as is_completion,
        case
            when enrollments.enrollment_status in ('completed', 'passed')
                then coalesce(enrollments.completed_at, enrollments.started_at, enrollments.enrolled_at)
            else coalesce(enrollments.started_at, enrollments.enrolled_at)
        end as activity_at,
        case
            when enrollments.time_spent_hours > 0 then enrollments.time_spent_hours
            when enrollments.enrollment_status in ('completed', 'passed', 'failed')
                then coalesce(courses.duration_hours, 0)
            else 0
        end as learning_hours,
        enrollments.score_scaled,
        enrollments.due_on

    from enrollments
    left join courses
        on enrollments.learnupon_course_id = courses.learnupon_course_id
    left join users
        on enrollments.learnupon_user_id = users.learnupon_user_id
    left join resolved_users
        on enrollments.learnupon_user_id = resolved_users.learnupon_user_id

),

final as (

    select
        {{ dbt.concat(["'learnupon:'", 'enrollment_id']) }} as learning_activity_id,
        cast('learnupon' as {{ dbt.type_string() }}) as source_system,
        enrollment_id,
        enrollment_status,
        employee_id,
        learner_login,
        course_id,
        cast(verb as {{ dbt.type_string() }}) as verb,
        activity_at,
        cast(activity_at as date) as activity_on,
        cast(learning_hours as double precision) as duration_hours,
        cast(learning_hours as double precision) as learning_hours,
        score_scaled,
        is_completion,
        due_on

    from mapped

)

select * from final
