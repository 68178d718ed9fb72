{{ config(enabled=source_enabled('fifteen_five')) }}

-- Check-in cadence per manager and month, and the capability gaps of their team.
--   * Report-weeks: a report-week is an employee x Friday on which the employee was
--     employed and reported to the manager (int_people__employee_history, the SCD2
--     version in force that Friday), for the Fridays inside the check-in tool's coverage
--     (from the first to the last week any check-in reports on, company-wide), so months
--     before the tool was rolled out do not read as 0%. The month is the Friday's month.
--   * A report-week has a check-in when the employee submitted a 15Five check-in whose
--     week (week_start_on to week_end_on) contains that Friday.
--   * Response time: hours from a check-in's submission to the reviewer's review, for the
--     checked-in report-weeks, where 15Five sends the review time (reviewed_at); the
--     median over the month.
--   * Gaps: open capability gaps (mart_capability_gap.is_open_gap) that month of the
--     people who were the manager's reports in that month, per report.
--   * org_unit_id is the manager's own org unit that month (int_people__employee_months).
--   * Managers with fewer than 5 reports in the month are suppressed (every measure null,
--     is_suppressed true): a share or a median over 1-4 people tells about those people.
--     From 5 reports on, a row describes the manager's practice over the team; it holds no
--     figure about a named report.

with

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

employee_months as (

    select * from {{ ref('int_people__employee_months') }}

),

check_ins as (

    select * from {{ ref('int_performance__check_ins_resolved') }}

),

capability_gaps as (

    select * from {{ ref('mart_capability_gap') }}

),

days as (

    select * from {{ ref('int_calendar__days') }}

),

check_in_coverage as (

    select
        min(coalesce(week_start_on, week_end_on)) as first_covered_on,
        max(week_end_on) as last_covered_on

    from check_ins
    where employee_id is not null

),

fridays as (

    select
        days.date_day as friday_on,
        days.month_start_on

    from days
    inner join check_in_coverage
        on days.date_day >= check_in_coverage.first_covered_on
        and days.date_day <= check_in_coverage.last_covered_on
    where extract(dow from days.date_day) = 5

),

report_weeks as (

    select
        fridays.month_start_on,
        fridays.friday_on,
        employee_history.manager_employee_id,
        employee_history.employee_id

    from fridays
    inner join employee_history
        on employee_history.valid_from <= fridays.friday_on
        and (employee_history.valid_to is null or employee_history.valid_to >= fridays.friday_on)
        and employee_history.hire_date <= fridays.friday_on
        and (employee_history.termination_date is null or employee_history.termination_date >= fridays.friday_on)
    where employee_history.manager_employee_id is not null

),

report_week_check_ins as (

    select
        report_weeks.month_start_on,
        report_weeks.friday_on,
        report_weeks.manager_employee_id,
        report_weeks.employee_id,
        max(case when check_ins.check_in_id is not null then 1 else 0 end) as has_check_in,
        max(case when check_ins.is_reviewed then 1 else 0 end) as is_reviewed,
        min(
            case
                when check_ins.reviewed_at >= check_ins.submitted_at
                    then {{ hours_between('check_ins.submitted_at', 'check_ins.reviewed_at') }}
            end
        ) as response_hours

    from report_weeks
    left join check_ins
        on report_weeks.employee_id = check_ins.employee_id
        and coalesce(check_ins.week_start_on, check_ins.week_end_on) <= report_weeks.friday_on
        and check_ins.week_end_on >= report_weeks.friday_on
    group by
        report_weeks.month_start_on,
        report_weeks.friday_on,
        report_weeks.manager_employee_id,
        report_weeks.employee_id

),

team_weeks as (

    select
        month_start_on,
        manager_employee_id,
        count(distinct employee_id) as report_count,
        count(*) as report_week_count,
        sum(has_check_in) as checked_in_report_week_count,
        sum(is_reviewed) as reviewed_report_week_count,
        count(response_hours) as responded_report_week_count

    from report_week_check_ins
    group by month_start_on, manager_employee_id

),

team_response as (

    select
        month_start_on,
        manager_employee_id,
        percentile_cont(0.5) within group (order by response_hours) as median_response_hours

    from report_week_check_ins
    where response_hours is not null
    group by month_start_on, manager_employee_id

),

team_members as (

    select distinct
        month_start_on,
        manager_employee_id,
        employee_id

    from report_weeks

),

team_gaps as (

    select
        team_members.month_start_on,
        team_members.manager_employee_id,
        sum(case when capability_gaps.is_open_gap then 1 else 0 end) as open_gap_count

    from team_members
    inner join capability_gaps
        on team_members.employee_id = capability_gaps.employee_id
        and team_members.month_start_on = capability_gaps.month_start_on
    group by team_members.month_start_on, team_members.manager_employee_id

),

joined as (

    select
        team_weeks.*,
        employee_months.org_unit_id,
        team_response.median_response_hours,
        coalesce(team_gaps.open_gap_count, 0) as open_gap_count

    from team_weeks
    left join team_response
        on team_weeks.month_start_on = team_response.month_start_on
        and team_weeks.manager_employee_id = team_response.manager_employee_id
    left join team_gaps
        on team_weeks.month_start_on = team_gaps.month_start_on
        and team_weeks.manager_employee_id = team_gaps.manager_employee_id
    left join employee_months
        on team_weeks.manager_employee_id = employee_months.employee_id
        and team_weeks.month_start_on = employee_months.month_start_on

),

final as (

    select
        cast(month_start_on as date) as month_start_on,
        cast(manager_employee_id as {{ dbt.type_string() }}) as manager_employee_id,
        cast(org_unit_id as {{ dbt.type_string() }}) as org_unit_id,
        cast(report_count < 5 as boolean) as is_suppressed,
        cast(case when report_count >= 5 then report_count end as integer) as report_count,
        cast(case when report_count >= 5 then report_week_count end as integer) as report_week_count,
        cast(case when report_count >= 5 then checked_in_report_week_count end as integer)
            as checked_in_report_week_count,
        case
            when report_count >= 5 then cast(checked_in_report_week_count as double precision) / report_week_count
        end as check_in_share,
        case
            when report_count >= 5 and checked_in_report_week_count > 0
                then cast(reviewed_report_week_count as double precision) / checked_in_report_week_count
        end as reviewed_check_in_share,
        cast(case when report_count >= 5 then responded_report_week_count end as integer)
            as responded_report_week_count,
        cast(case when report_count >= 5 then median_response_hours end as double precision)
            as median_response_hours,
        cast(case when report_count >= 5 then open_gap_count end as integer) as open_gap_count,
        case
            when report_count >= 5 then cast(open_gap_count as double precision) / report_count
        end as open_gaps_per_report

    from joined

)

select * from final
