-- Course recommendations for every open gap in the latest month, in a shape an LMS can
-- import as assignments: one row per employee x gap capability x course. A course is a
-- candidate when the framework maps it to the capability with a target level at or
-- above the required level, and the employee has not completed it. Ranking within a gap:
-- the course whose target is closest to the bar first (the shortest route to meeting
-- it), then the course that also covers more of the employee's other open gaps, then
-- course id. Leavers get no recommendations.

with

capability_gaps as (

    select * from {{ ref('mart_capability_gap') }}

),

employees as (

    select * from {{ ref('dim_employee') }}

),

capabilities as (

    select * from {{ ref('dim_capability') }}

),

courses as (

    select * from {{ ref('dim_course') }}

),

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

enrolments as (

    select * from {{ ref('int_learning__enrolments') }}

),

latest_month as (

    select max(month_start_on) as month_start_on

    from capability_gaps

),

open_gaps as (

    select
        capability_gaps.month_start_on,
        capability_gaps.employee_id,
        capability_gaps.capability_id,
        capability_gaps.required_level,
        capability_gaps.manager_assessed_level,
        capability_gaps.gap_levels

    from capability_gaps
    inner join latest_month
        on capability_gaps.month_start_on = latest_month.month_start_on
    where capability_gaps.is_open_gap

),

completed_courses as (

    select distinct
        employee_id,
        course_id

    from enrolments
    where is_completed
        and employee_id is not null

),

candidates as (

    select
        open_gaps.*,
        course_capabilities.course_id,
        course_capabilities.target_level

    from open_gaps
    inner join course_capabilities
        on open_gaps.capability_id = course_capabilities.capability_id
        and course_capabilities.target_level >= open_gaps.required_level
    where not exists (
        select 1
        from completed_courses
        where completed_courses.employee_id = open_gaps.employee_id
            and completed_courses.course_id = course_capabilities.course_id
    )

),

gaps_covered as (

    select
        open_gaps.employee_id,
        course_capabilities.course_id,
        count(*) as open_gaps_covered

    from open_gaps
    inner join course_capabilities
        on open_gaps.capability_id = course_capabilities.capability_id
        and course_capabilities.target_level >= open_gaps.required_level
    group by open_gaps.employee_id, course_capabilities.course_id

),

ranked as (

    select
        candidates.*,
        gaps_covered.open_gaps_covered,
        row_number() over (
            partition by candidates.employee_id, candidates.capability_id
            order by
                candidates.target_level - candidates.required_level,
                gaps_covered.open_gaps_covered desc,
                candidates.course_id
        ) as recommendation_rank

    from candidates
    inner join gaps_covered
        on candidates.employee_id = gaps_covered.employee_id
        and candidates.course_id = gaps_covered.course_id

),

final as (

    select
        ranked.month_start_on,
        ranked.employee_id,
        employees.work_email,
        ranked.capability_id,
        ranked.course_id,
        courses.course_name,
        cast(ranked.recommendation_rank as integer) as recommendation_rank,
        ranked.required_level,
        ranked.manager_assessed_level,
        ranked.gap_levels,
        ranked.target_level,
        cast(ranked.open_gaps_covered as integer) as open_gaps_covered,
        {{ dbt.concat([
            "'Open gap in '",
            'capabilities.capability_name',
            "': assessed '",
            'cast(ranked.manager_assessed_level as ' ~ dbt.type_string() ~ ')',
            "', required '",
            'cast(ranked.required_level as ' ~ dbt.type_string() ~ ')',
            "'; course develops it to level '",
            'cast(ranked.target_level as ' ~ dbt.type_string() ~ ')',
        ]) }} as recommendation_reason

    from ranked
    inner join employees
        on ranked.employee_id = employees.employee_id
        and employees.is_current
        and employees.termination_date is null
    inner join capabilities
        on ranked.capability_id = capabilities.capability_id
    left join courses
        on ranked.course_id = courses.course_id

)

select * from final
