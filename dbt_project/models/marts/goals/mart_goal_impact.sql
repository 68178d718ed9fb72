-- The convergence chain per business goal x calendar year x programme aimed at it: the
-- people the goal concerns, how many of them have an open gap in what the goal needs, the
-- programmes that develop those capabilities, their reach among those people, hours,
-- spend, and the impact engine's estimates on the goal's KPIs.
--
--   * Concerned: in a month of the year, a person whose job profile the goal concerns for a
--     capability it needs (bridge_goal_capability, the need in force during the month,
--     inside the goal's period), i.e. a row of mart_capability_gap for that job profile x
--     capability. With an open gap: that row's is_open_gap in some month of the year.
--   * Aimed at the goal: a course that develops at least one capability the goal needs
--     (bridge_course_capability); goal_capability_count says how many.
--   * Reached: a concerned person who learned on the course in a month they were concerned
--     for a capability the course develops; with an open gap when one of those
--     capabilities had an open gap that month.
--   * Spend: the programme's spend in the year (fct_training_spend); attributed to the goal
--     in proportion to the learning hours of concerned people among all its hours.
--   * KPI impact: the latest estimates (int_impact__estimates) whose outcome is
--     `kpi:<kpi_id>` for a KPI of this goal, on this programme. Counts and the evaluation
--     status only: the estimate itself, its interval and conclusion stay in
--     mart_learning_impact, gated there.
-- Counts that describe gaps are suppressed (null, is_suppressed) when fewer than
-- min_group_size people are concerned.
{{ config(tags=['impact_downstream']) }}

{%- set min_group_size = var('min_group_size', 5) %}

with

goals as (

    select * from {{ ref('dim_business_goal') }}

),

needs as (

    select * from {{ ref('bridge_goal_capability') }}

),

gaps as (

    select * from {{ ref('mart_capability_gap') }}

),

course_capabilities as (

    select * from {{ ref('bridge_course_capability') }}

),

activities as (

    select * from {{ ref('fct_learning_activity') }}

),

spend as (

    select * from {{ ref('fct_training_spend') }}

),

courses as (

    select * from {{ ref('dim_course') }}

),

kpis as (

    select * from {{ ref('dim_kpi') }}

),

estimates as (

    select * from {{ ref('int_impact__estimates') }}
    where is_latest

),

concerned as (

    select
        needs.goal_id,
        gaps.month_start_on,
        cast({{ dbt.date_trunc('year', 'gaps.month_start_on') }} as date) as period_start_on,
        gaps.employee_id,
        gaps.capability_id,
        gaps.is_open_gap

    from gaps
    inner join needs
        on gaps.capability_id = needs.capability_id
        and gaps.job_profile_id = needs.job_profile_id
        and needs.effective_from < {{ dbt.dateadd('month', 1, 'gaps.month_start_on') }}
        and (needs.effective_to is null or needs.effective_to >= gaps.month_start_on)
    inner join goals
        on needs.goal_id = goals.goal_id
        and goals.goal_start_on < {{ dbt.dateadd('month', 1, 'gaps.month_start_on') }}
        and (goals.goal_end_on is null or goals.goal_end_on >= gaps.month_start_on)

),

goal_years as (

    select
        goal_id,
        period_start_on,
        count(distinct employee_id) as people_concerned_count,
        count(distinct case when is_open_gap then employee_id end) as people_with_open_gap_count

    from concerned
    group by goal_id, period_start_on

),

aimed as (

    select
        needs.goal_id,
        course_capabilities.course_id,
        course_capabilities.capability_id

    from course_capabilities
    inner join needs
        on course_capabilities.capability_id = needs.capability_id
    group by needs.goal_id, course_capabilities.course_id, course_capabilities.capability_id

),

aimed_courses as (

    select
        goal_id,
        course_id,
        count(*) as goal_capability_count

    from aimed
    group by goal_id, course_id

),

-- One row per activity x goal it counts for: was the learner concerned for a capability
-- the course develops that month, and was one of those gaps open.
goal_activities as (

    select
        aimed.goal_id,
        activities.learning_activity_id,
        activities.employee_id,
        activities.course_id,
        cast({{ dbt.date_trunc('year', 'activities.activity_on') }} as date) as period_start_on,
        max(activities.learning_hours) as learning_hours,
        max(case when activities.is_completion then 1 else 0 end) as is_completion,
        max(case when concerned.is_open_gap then 1 else 0 end) as had_open_gap

    from activities
    inner join aimed
        on activities.course_id = aimed.course_id
    inner join concerned
        on concerned.goal_id = aimed.goal_id
        and concerned.capability_id = aimed.capability_id
        and concerned.employee_id = activities.employee_id
        and concerned.month_start_on = cast({{ dbt.date_trunc('month', 'activities.activity_on') }} as date)
    group by
        aimed.goal_id,
        activities.learning_activity_id,
        activities.employee_id,
        activities.course_id,
        cast({{ dbt.date_trunc('year', 'activities.activity_on') }} as date)

),

reach as (

    select
        goal_id,
        course_id,
        period_start_on,
        count(distinct employee_id) as reached_count,
        count(distinct case when had_open_gap = 1 then employee_id end) as reached_with_open_gap_count,
        count(distinct case when is_completion = 1 then employee_id end) as completer_count,
        sum(learning_hours) as learning_hours

    from goal_activities
    group by goal_id, course_id, period_start_on

),

course_years as (

    select
        course_id,
        cast({{ dbt.date_trunc('year', 'activity_on') }} as date) as period_start_on,
        count(distinct employee_id) as participant_count,
        sum(learning_hours) as learning_hours

    from activities
    where employee_id is not null
    group by course_id, cast({{ dbt.date_trunc('year', 'activity_on') }} as date)

),

spend_years as (

    select
        programme_id as course_id,
        cast({{ dbt.date_trunc('year', 'month_start_on') }} as date) as period_start_on,
        sum(amount) as spend_amount,
        min(currency_code) as currency_code

    from spend
    group by programme_id, cast({{ dbt.date_trunc('year', 'month_start_on') }} as date)

),

kpi_estimates as (

    select
        kpis.goal_id,
        estimates.programme_id as course_id,
        count(*) as kpi_estimate_count,
        sum(case when estimates.status = 'estimated' then 1 else 0 end) as kpi_estimated_count,
        sum(case when estimates.status = 'estimated' and estimates.significant then 1 else 0 end)
            as kpi_significant_count

    from estimates
    inner join kpis
        on estimates.outcome = {{ dbt.concat(["'kpi:'", 'kpis.kpi_id']) }}
    group by kpis.goal_id, estimates.programme_id

),

rows_ as (

    select
        goal_years.goal_id,
        goal_years.period_start_on,
        aimed_courses.course_id,
        goal_years.people_concerned_count,
        goal_years.people_with_open_gap_count,
        aimed_courses.goal_capability_count,
        coalesce(reach.reached_count, 0) as reached_count,
        coalesce(reach.reached_with_open_gap_count, 0) as reached_with_open_gap_count,
        coalesce(reach.completer_count, 0) as completer_count,
        coalesce(reach.learning_hours, 0) as concerned_learning_hours,
        coalesce(course_years.participant_count, 0) as participant_count,
        coalesce(course_years.learning_hours, 0) as learning_hours,
        spend_years.spend_amount,
        spend_years.currency_code,
        coalesce(kpi_estimates.kpi_estimate_count, 0) as kpi_estimate_count,
        coalesce(kpi_estimates.kpi_estimated_count, 0) as kpi_estimated_count,
        coalesce(kpi_estimates.kpi_significant_count, 0) as kpi_significant_count

    from goal_years
    inner join aimed_courses
        on goal_years.goal_id = aimed_courses.goal_id
    left join reach
        on aimed_courses.goal_id = reach.goal_id
        and aimed_courses.course_id = reach.course_id
        and goal_years.period_start_on = reach.period_start_on
    left join course_years
        on aimed_courses.course_id = course_years.course_id
        and goal_years.period_start_on = course_years.period_start_on
    left join spend_years
        on aimed_courses.course_id = spend_years.course_id
        and goal_years.period_start_on = spend_years.period_start_on
    left join kpi_estimates
        on aimed_courses.goal_id = kpi_estimates.goal_id
        and aimed_courses.course_id = kpi_estimates.course_id

),

final as (

    select
        rows_.goal_id,
        goals.goal_name,
        rows_.period_start_on,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('year', 1, 'rows_.period_start_on')) }} as date) as period_end_on,
        rows_.course_id,
        courses.course_name,
        courses.modality,
        cast(rows_.goal_capability_count as integer) as goal_capability_count,
        cast(rows_.people_concerned_count as integer) as people_concerned_count,
        rows_.people_concerned_count < {{ min_group_size }} as is_suppressed,
        cast(case when rows_.people_concerned_count >= {{ min_group_size }}
            then rows_.people_with_open_gap_count end as integer) as people_with_open_gap_count,
        cast(rows_.reached_count as integer) as reached_count,
        cast(case when rows_.people_concerned_count >= {{ min_group_size }}
            then rows_.reached_with_open_gap_count end as integer) as reached_with_open_gap_count,
        case
            when rows_.people_concerned_count >= {{ min_group_size }} and rows_.people_with_open_gap_count > 0
                then cast(rows_.reached_with_open_gap_count as double precision) / rows_.people_with_open_gap_count
        end as open_gap_reach_share,
        cast(rows_.completer_count as integer) as completer_count,
        cast(rows_.concerned_learning_hours as double precision) as concerned_learning_hours,
        cast(rows_.participant_count as integer) as participant_count,
        cast(rows_.learning_hours as double precision) as learning_hours,
        cast(rows_.spend_amount as double precision) as spend_amount,
        case
            when rows_.learning_hours > 0 and rows_.spend_amount is not null
                then rows_.spend_amount * rows_.concerned_learning_hours / rows_.learning_hours
        end as attributed_spend_amount,
        rows_.currency_code,
        cast(rows_.kpi_estimate_count as integer) as kpi_estimate_count,
        cast(rows_.kpi_estimated_count as integer) as kpi_estimated_count,
        cast(rows_.kpi_significant_count as integer) as kpi_significant_count,
        cast(
            case
                when rows_.kpi_estimate_count = 0 then 'no_plan'
                when rows_.kpi_significant_count > 0 then 'effect_found'
                when rows_.kpi_estimated_count > 0 then 'no_evidence_of_effect'
                else 'not_conclusive'
            end
            as {{ dbt.type_string() }}
        ) as kpi_evaluation_status

    from rows_
    inner join goals
        on rows_.goal_id = goals.goal_id
    left join courses
        on rows_.course_id = courses.course_id

)

select * from final
