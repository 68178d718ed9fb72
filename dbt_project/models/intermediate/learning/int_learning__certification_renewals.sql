-- Certificates of courses that must be renewed, and whether each was renewed on time.
-- The LMS enrolments (Docebo) carry an expiry date for such courses but no assignment
-- due date, and Docebo keeps only the latest completion of a course (a retake resets
-- the enrolment). So:
--   * validity_days per course = expiry date - completion date in the Docebo enrolments
--     (the largest when they differ);
--   * every completion of such a course (all sources, one per learner x course x day)
--     is a certificate valid until completed_on + validity_days: that is the due date
--     of the next completion (the renewal);
--   * renewed_on = the learner's next completion of the course;
--   * renewal_status: renewed_on_time (renewed_on <= valid_until), renewed_late,
--     lapsed (not renewed and valid_until before the end of the data) or valid (not yet
--     due). is_due = renewed, or the validity ended before the end of the data.
-- Courses without an expiry never appear: they have no due date to be on time for.

with

docebo_enrollments as (

    select * from {{ ref('stg_docebo__enrollments') }}

),

docebo_courses as (

    select * from {{ ref('stg_docebo__courses') }}

),

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

data_range as (

    select * from {{ ref('int_calendar__data_range') }}

),

validity as (

    select
        docebo_courses.course_id,
        max({{ dbt.datediff('cast(docebo_enrollments.completed_at as date)', 'docebo_enrollments.expires_on', 'day') }})
            as validity_days

    from docebo_enrollments
    inner join docebo_courses
        on docebo_enrollments.docebo_course_id = docebo_courses.docebo_course_id
    where docebo_enrollments.expires_on is not null
        and docebo_enrollments.completed_at is not null
        and docebo_courses.course_id is not null
    group by docebo_courses.course_id

),

completions as (

    select
        activities.learner_login,
        activities.course_id,
        activities.activity_on as completed_on,
        min(activities.employee_id) as employee_id

    from activities
    inner join validity
        on activities.course_id = validity.course_id
    where activities.is_completion
        and activities.learner_login is not null
    group by activities.learner_login, activities.course_id, activities.activity_on

),

certificates as (

    select
        completions.learner_login,
        completions.employee_id,
        completions.course_id,
        completions.completed_on,
        validity.validity_days,
        cast({{ dbt.dateadd('day', 'validity.validity_days', 'completions.completed_on') }} as date) as valid_until,
        lead(completions.completed_on) over (
            partition by completions.learner_login, completions.course_id
            order by completions.completed_on
        ) as renewed_on

    from completions
    inner join validity
        on completions.course_id = validity.course_id

),

final as (

    select
        certificates.learner_login,
        certificates.employee_id,
        certificates.course_id,
        certificates.completed_on,
        certificates.validity_days,
        certificates.valid_until,
        cast(extract(year from certificates.valid_until) as integer) as due_year_number,
        certificates.renewed_on,
        certificates.renewed_on is not null or certificates.valid_until < data_range.last_event_on as is_due,
        coalesce(certificates.renewed_on <= certificates.valid_until, false) as is_renewed_on_time,
        case
            when certificates.renewed_on <= certificates.valid_until then 'renewed_on_time'
            when certificates.renewed_on is not null then 'renewed_late'
            when certificates.valid_until < data_range.last_event_on then 'lapsed'
            else 'valid'
        end as renewal_status

    from certificates
    cross join data_range

)

select * from final
