-- Every recommendation addresses an open gap of the latest month with a course that
-- the framework maps to that capability at or above the bar, and that the employee has
-- not completed.

with

recommendations as (

    select * from {{ ref('mart_learning_recommendations') }}

),

gaps as (

    select * from {{ ref('mart_capability_gap') }}

),

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

completions as (

    select distinct
        employee_id,
        course_id

    from {{ ref('fct_learning_activity') }}
    where is_completion

)

select
    recommendations.employee_id,
    recommendations.capability_id,
    recommendations.course_id

from recommendations
left join gaps
    on recommendations.employee_id = gaps.employee_id
    and recommendations.capability_id = gaps.capability_id
    and recommendations.month_start_on = gaps.month_start_on
left join course_capabilities
    on recommendations.course_id = course_capabilities.course_id
    and recommendations.capability_id = course_capabilities.capability_id
left join completions
    on recommendations.employee_id = completions.employee_id
    and recommendations.course_id = completions.course_id
where gaps.employee_id is null
    or not gaps.is_open_gap
    or recommendations.month_start_on <> (select max(month_start_on) from gaps)
    or course_capabilities.target_level is null
    or course_capabilities.target_level < gaps.required_level
    or completions.course_id is not null
