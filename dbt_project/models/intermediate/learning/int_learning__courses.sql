-- Courses known to the warehouse: every course in LMS statements or in the framework's
-- course map. The name is the latest one the LMS sent for the course (by stored time).

with

statements as (

    select * from {{ ref('stg_lms__statements') }}

),

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

named_mentions as (

    select
        course_id,
        object_name as course_name,
        row_number() over (
            partition by course_id
            order by stored_at desc, occurred_at desc, statement_id desc
        ) as recency_rank

    from statements
    where course_id is not null
        and object_name is not null

),

latest_names as (

    select
        course_id,
        course_name

    from named_mentions
    where recency_rank = 1

),

course_ids as (

    select course_id from statements where course_id is not null
    union
    select course_id from course_capabilities

),

courses as (

    select
        course_ids.course_id,
        latest_names.course_name

    from course_ids
    left join latest_names
        on course_ids.course_id = latest_names.course_id

)

select * from courses
