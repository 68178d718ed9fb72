-- Course x capability it develops (the framework's course mapping), for consumers that
-- read only marts: the impact engine, BI tools and LMS exports.

with

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

final as (

    select
        course_id,
        capability_id,
        target_level

    from course_capabilities

)

select * from final
