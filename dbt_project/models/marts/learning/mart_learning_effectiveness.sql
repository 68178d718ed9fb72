-- Kirkpatrick / TDRp measures per calendar year x course (programme):
--   reach      completers / employees employed at any time in the year;
--   efficiency learning hours and hours per employee (formal learning in the LMS);
--   cost       direct spend (vendor, instructor, venue) and participant time at loaded
--              pay allocated to the course and year (int_finance__programme_costs);
--              direct cost per employee (over the year's average headcount, from the
--              daily headcount) and per learning hour;
--   L1         reaction: no source sends it (neither the xAPI statements nor the Docebo
--              enrolments carry a rating or survey), so the column is left out, not faked;
--   completion completers / learners active on the course in the year; on-time
--              completion: the LMS sends no assignment due dates, but courses that expire
--              must be renewed by their expiry date (int_learning__certification_renewals):
--              renewals due in the year that were completed by then / renewals due
--              (plus any activity that carries its own due date);
--   L2         learning: mean best score and pass rate of learners with a scored attempt;
--   L3         behaviour: for people who first completed the course in the year, the
--              change in the manager-assessed level of the course's capabilities from
--              the latest assessment before completion to the first one after it
--              (int_learning__completion_capability_changes); averaged per learner
--              first (a learner's capabilities are not independent observations), then
--              over learners, with a normal 95% interval of that mean: mean +- 1.96 x
--              sample standard deviation / sqrt(learners), null under 2 learners;
--   gap points closed  the same learners' sum over the course's capabilities of
--              max(bar - level before, 0) - max(bar - level after, 0), in total and per
--              learner with the same kind of interval.
-- L3 and gap points closed are descriptive (evidence_type): a before/after change of the
-- people who completed, with no comparison group, so rating drift and regression to the
-- mean are in them and a course with no effect can show a gain. They are not an effect of
-- the course and carry no cost per point: causal effects and ROI come only from the
-- impact engine (mart_learning_impact, mart_training_roi).

with

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

completion_changes as (

    select * from {{ ref('int_learning__completion_capability_changes') }}

),

certification_renewals as (

    select * from {{ ref('int_learning__certification_renewals') }}

),

programme_costs as (

    select * from {{ ref('int_finance__programme_costs') }}

),

headcount_daily as (

    select * from {{ ref('int_people__headcount_daily') }}

),

days as (

    select * from {{ ref('int_calendar__days') }}

),

years as (

    select
        year_number,
        min(date_day) as year_start_on,
        max(date_day) as year_end_on

    from days
    group by year_number

),

headcount as (

    select
        years.year_number,
        count(*) as employee_count

    from years
    inner join employee_history
        on employee_history.is_current
        and employee_history.hire_date <= years.year_end_on
        and (
            employee_history.termination_date is null
            or employee_history.termination_date >= years.year_start_on
        )
    group by years.year_number

),

employee_activities as (

    select
        cast(extract(year from activity_on) as integer) as year_number,
        course_id,
        employee_id,
        learning_hours,
        is_completion,
        is_on_time,
        verb,
        score_scaled

    from activities
    where employee_id is not null
        and course_id is not null

),

learners as (

    select
        year_number,
        course_id,
        employee_id,
        sum(learning_hours) as learning_hours,
        max(case when is_completion then 1 else 0 end) as has_completed,
        max(case when is_on_time then 1 else 0 end) as has_completed_on_time,
        max(case when is_on_time is not null then 1 else 0 end) as has_due_completion,
        max(case when verb in ('passed', 'failed') then score_scaled end) as best_score_scaled,
        max(case when verb = 'passed' then 1 else 0 end) as has_passed,
        max(case when verb in ('passed', 'failed') then 1 else 0 end) as has_scored_attempt

    from employee_activities
    group by year_number, course_id, employee_id

),

course_years as (

    select
        year_number,
        course_id,
        count(*) as learner_count,
        sum(has_completed) as completer_count,
        sum(learning_hours) as learning_hours,
        sum(has_completed_on_time) as on_time_completer_count,
        sum(has_due_completion) as due_completer_count,
        avg(best_score_scaled) as avg_best_score_scaled,
        sum(has_scored_attempt) as scored_learner_count,
        sum(has_passed) as passed_learner_count

    from learners
    group by year_number, course_id

),

learner_changes as (

    select
        year_number,
        course_id,
        employee_id,
        avg(cast(level_change as double precision)) as level_change,
        sum(cast(gap_points_closed as double precision)) as gap_points_closed

    from completion_changes
    group by year_number, course_id, employee_id

),

l3 as (

    select
        year_number,
        course_id,
        count(level_change) as l3_learner_count,
        avg(level_change) as l3_avg_level_change,
        stddev_samp(level_change) as l3_level_change_stddev,
        count(gap_points_closed) as gap_assessed_learner_count,
        sum(gap_points_closed) as gap_points_closed,
        avg(gap_points_closed) as gap_points_closed_per_learner,
        stddev_samp(gap_points_closed) as gap_points_closed_stddev

    from learner_changes
    group by year_number, course_id

),

renewals_due as (

    select
        due_year_number as year_number,
        course_id,
        count(*) as renewal_due_count,
        sum(case when is_renewed_on_time then 1 else 0 end) as renewal_on_time_count

    from certification_renewals
    where is_due
        and employee_id is not null
    group by due_year_number, course_id

),

days_per_year as (

    select
        year_number,
        count(*) as day_count

    from days
    group by year_number

),

average_headcount as (

    select
        headcount_daily.year_number,
        cast(sum(headcount_daily.headcount) as double precision) / max(days_per_year.day_count) as avg_headcount

    from headcount_daily
    inner join days_per_year
        on headcount_daily.year_number = days_per_year.year_number
    group by headcount_daily.year_number

),

costs as (

    select
        year_number,
        programme_id as course_id,
        sum(case when cost_type in ('vendor', 'instructor', 'venue') then amount else 0 end) as direct_cost_amount,
        sum(case when cost_type = 'participant_time' then amount else 0 end) as participant_time_cost_amount

    from programme_costs
    where programme_id is not null
    group by year_number, programme_id

),

final as (

    select
        course_years.year_number,
        course_years.course_id,
        cast(headcount.employee_count as integer) as employee_count,
        cast(course_years.learner_count as integer) as learner_count,
        cast(course_years.completer_count as integer) as completer_count,
        cast(course_years.completer_count as double precision) / headcount.employee_count as reach_share,
        cast(course_years.learning_hours as double precision) as learning_hours,
        cast(course_years.learning_hours as double precision) / headcount.employee_count as learning_hours_per_employee,
        cast(course_years.completer_count as double precision) / course_years.learner_count as completion_rate,
        case
            when course_years.due_completer_count + coalesce(renewals_due.renewal_due_count, 0) > 0
                then cast(course_years.on_time_completer_count + coalesce(renewals_due.renewal_on_time_count, 0) as double precision)
                    / (course_years.due_completer_count + coalesce(renewals_due.renewal_due_count, 0))
        end as on_time_completion_rate,
        cast(course_years.scored_learner_count as integer) as scored_learner_count,
        cast(course_years.avg_best_score_scaled as double precision) as l2_avg_best_score_scaled,
        case
            when course_years.scored_learner_count > 0
                then cast(course_years.passed_learner_count as double precision) / course_years.scored_learner_count
        end as l2_pass_rate,
        cast(coalesce(l3.l3_learner_count, 0) as integer) as l3_learner_count,
        cast(l3.l3_avg_level_change as double precision) as l3_avg_level_change,
        case
            when l3.l3_learner_count >= 2
                then l3.l3_avg_level_change - 1.96 * l3.l3_level_change_stddev / sqrt(l3.l3_learner_count)
        end as l3_avg_level_change_low,
        case
            when l3.l3_learner_count >= 2
                then l3.l3_avg_level_change + 1.96 * l3.l3_level_change_stddev / sqrt(l3.l3_learner_count)
        end as l3_avg_level_change_high,
        cast(coalesce(l3.gap_assessed_learner_count, 0) as integer) as gap_assessed_learner_count,
        cast(l3.gap_points_closed as double precision) as gap_points_closed,
        cast(l3.gap_points_closed_per_learner as double precision) as gap_points_closed_per_learner,
        case
            when l3.gap_assessed_learner_count >= 2
                then l3.gap_points_closed_per_learner
                    - 1.96 * l3.gap_points_closed_stddev / sqrt(l3.gap_assessed_learner_count)
        end as gap_points_closed_per_learner_low,
        case
            when l3.gap_assessed_learner_count >= 2
                then l3.gap_points_closed_per_learner
                    + 1.96 * l3.gap_points_closed_stddev / sqrt(l3.gap_assessed_learner_count)
        end as gap_points_closed_per_learner_high,
        cast('descriptive' as {{ dbt.type_string() }}) as evidence_type,
        cast(course_years.due_completer_count + coalesce(renewals_due.renewal_due_count, 0) as integer)
            as due_completion_count,
        average_headcount.avg_headcount,
        cast(coalesce(costs.direct_cost_amount, 0) as double precision) as direct_cost_amount,
        cast(coalesce(costs.participant_time_cost_amount, 0) as double precision) as participant_time_cost_amount,
        case
            when average_headcount.avg_headcount > 0
                then cast(coalesce(costs.direct_cost_amount, 0) as double precision) / average_headcount.avg_headcount
        end as direct_cost_per_employee_amount,
        case
            when course_years.learning_hours > 0
                then cast(coalesce(costs.direct_cost_amount, 0) as double precision) / course_years.learning_hours
        end as direct_cost_per_learning_hour_amount,
        cast({{ dbt.string_literal(var('reporting_currency')) }} as {{ dbt.type_string() }}) as currency_code

    from course_years
    inner join headcount
        on course_years.year_number = headcount.year_number
    left join l3
        on course_years.year_number = l3.year_number
        and course_years.course_id = l3.course_id
    left join renewals_due
        on course_years.year_number = renewals_due.year_number
        and course_years.course_id = renewals_due.course_id
    left join average_headcount
        on course_years.year_number = average_headcount.year_number
    left join costs
        on course_years.year_number = costs.year_number
        and course_years.course_id = costs.course_id

)

select * from final
