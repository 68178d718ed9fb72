-- Where the catalogue does not close gaps, in two reports (report_type):
--   * `no_targeting_course`: month x job profile x capability where people are below the
--     bar (gap_levels >= 1 in mart_capability_gap, new in role included: they need the
--     content as much) and no course in the framework targets the capability at or above
--     the bar (stg_framework__course_capabilities). One row per such group; the course
--     columns are null.
--   * `gap_open_after_course`: course x capability, over all completions. Completers are
--     employees who first completed the course (int_learning__activities_unified) in a
--     month where they were below the bar on one of its capabilities, and whose follow-up
--     month, var('content_gap_follow_up_months') months later, is within the data. Of
--     them: who still has a manager rating then (followed_up_count), and who is still
--     below the bar then (still_open_count). The month and job profile columns are null.
-- Groups of fewer than 5 people are suppressed (counts and share null, is_suppressed).

{% set min_group_size = 5 %}

with

capability_gaps as (

    select * from {{ ref('mart_capability_gap') }}

),

course_capabilities as (

    select * from {{ ref('stg_framework__course_capabilities') }}

),

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

below_bar as (

    select
        month_start_on,
        job_profile_id,
        capability_id,
        required_level,
        count(distinct employee_id) as employee_count

    from capability_gaps
    where gap_levels >= 1
        and job_profile_id is not null
    group by month_start_on, job_profile_id, capability_id, required_level

),

uncovered as (

    select below_bar.*

    from below_bar
    where not exists (
        select 1
        from course_capabilities
        where course_capabilities.capability_id = below_bar.capability_id
            and course_capabilities.target_level >= below_bar.required_level
    )

),

first_completions as (

    select
        employee_id,
        course_id,
        min(activity_on) as completed_on

    from activities
    where is_completion
        and employee_id is not null
    group by employee_id, course_id

),

completions_below_bar as (

    select
        first_completions.employee_id,
        first_completions.course_id,
        course_capabilities.capability_id,
        cast(
            {{ dbt.dateadd('month', var('content_gap_follow_up_months'), 'at_completion.month_start_on') }} as date
        ) as follow_up_month_start_on

    from first_completions
    inner join course_capabilities
        on first_completions.course_id = course_capabilities.course_id
    inner join capability_gaps as at_completion
        on first_completions.employee_id = at_completion.employee_id
        and course_capabilities.capability_id = at_completion.capability_id
        and at_completion.month_start_on = cast({{ dbt.date_trunc('month', 'first_completions.completed_on') }} as date)
    where at_completion.gap_levels >= 1

),

data_end as (

    select max(month_start_on) as last_month_start_on

    from capability_gaps

),

followed as (

    select
        completions_below_bar.course_id,
        completions_below_bar.capability_id,
        count(*) as employee_count,
        count(at_follow_up.gap_levels) as followed_up_count,
        sum(case when at_follow_up.gap_levels >= 1 then 1 else 0 end) as still_open_count

    from completions_below_bar
    cross join data_end
    left join capability_gaps as at_follow_up
        on completions_below_bar.employee_id = at_follow_up.employee_id
        and completions_below_bar.capability_id = at_follow_up.capability_id
        and completions_below_bar.follow_up_month_start_on = at_follow_up.month_start_on
    where completions_below_bar.follow_up_month_start_on <= data_end.last_month_start_on
    group by completions_below_bar.course_id, completions_below_bar.capability_id

),

reports as (

    select
        cast('no_targeting_course' as {{ dbt.type_string() }}) as report_type,
        month_start_on,
        job_profile_id,
        cast(null as {{ dbt.type_string() }}) as course_id,
        capability_id,
        required_level,
        employee_count,
        cast(null as integer) as followed_up_count,
        cast(null as integer) as still_open_count

    from uncovered

    union all

    select
        cast('gap_open_after_course' as {{ dbt.type_string() }}) as report_type,
        cast(null as date) as month_start_on,
        cast(null as {{ dbt.type_string() }}) as job_profile_id,
        course_id,
        capability_id,
        cast(null as integer) as required_level,
        employee_count,
        followed_up_count,
        still_open_count

    from followed

),

final as (

    select
        report_type,
        month_start_on,
        job_profile_id,
        course_id,
        capability_id,
        cast(required_level as integer) as required_level,
        employee_count < {{ min_group_size }} as is_suppressed,
        cast(case when employee_count >= {{ min_group_size }} then employee_count end as integer) as employee_count,
        cast(case when employee_count >= {{ min_group_size }} then followed_up_count end as integer)
            as followed_up_count,
        cast(case when employee_count >= {{ min_group_size }} then still_open_count end as integer)
            as still_open_count,
        cast(
            case
                when employee_count >= {{ min_group_size }} and followed_up_count > 0
                    then cast(still_open_count as double precision) / followed_up_count
            end as double precision
        ) as still_open_share

    from reports

)

select * from final
