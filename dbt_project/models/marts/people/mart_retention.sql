-- Descriptive only: turnover of trained vs untrained employees per calendar year and
-- hire-year cohort. Who trains is not random, so the gap between the groups is not an
-- effect of training: that comes from the impact engine (mart_learning_impact, outcome
-- retention_12m). Company turnover is mart_turnover. No dashboard charts this table.
-- Every employment period counts: the period that covers the year's first day places a
-- person in the population (hire-year cohort = that period's hire year).
-- The population of a year is everyone employed on its first day; trained = completed
-- at least one development programme (a course the capability framework maps to a
-- capability; mandatory compliance courses, which nearly everyone completes, are not) in
-- the 12 months before that day; a leaver's termination date
-- falls in the year. Years start only once learning data covers part of the year
-- before (earlier years would count everybody as untrained). Groups under 5 people are
-- suppressed: every measure null and is_suppressed true.

with

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

programmes as (

    select distinct course_id

    from {{ ref('bridge_course_capability') }}

),

data_range as (

    select * from {{ ref('int_calendar__data_range') }}

),

days as (

    select * from {{ ref('int_calendar__days') }}

),

first_learning as (

    select min(activity_on) as first_activity_on

    from activities

),

years as (

    select
        days.year_number,
        min(days.date_day) as year_start_on,
        max(days.date_day) as year_end_on

    from days
    group by days.year_number

),

reported_years as (

    select
        years.year_number,
        years.year_start_on,
        years.year_end_on,
        cast({{ dbt.dateadd('year', -1, 'years.year_start_on') }} as date) as lookback_start_on

    from years
    cross join data_range
    cross join first_learning
    where years.year_start_on > first_learning.first_activity_on
        and years.year_start_on <= data_range.last_event_on

),

employees as (

    -- one row per employment period, so a re-hired person's earlier exit counts
    select distinct
        employee_id,
        hire_date,
        termination_date,
        cast(extract(year from hire_date) as integer) as hire_year

    from employee_history
    where hire_date is not null

),

population as (

    select
        reported_years.year_number,
        reported_years.year_start_on,
        reported_years.year_end_on,
        reported_years.lookback_start_on,
        employees.employee_id,
        employees.hire_year,
        coalesce(employees.termination_date <= reported_years.year_end_on, false) as has_left

    from reported_years
    inner join employees
        on employees.hire_date <= reported_years.year_start_on
        and (
            employees.termination_date is null
            or employees.termination_date >= reported_years.year_start_on
        )

),

trained as (

    select distinct
        population.year_number,
        population.employee_id

    from population
    inner join activities
        on population.employee_id = activities.employee_id
        and activities.is_completion
    inner join programmes
        on activities.course_id = programmes.course_id
        and activities.activity_on >= population.lookback_start_on
        and activities.activity_on < population.year_start_on

),

flagged as (

    select
        population.year_number,
        population.hire_year,
        population.employee_id,
        population.has_left,
        trained.employee_id is not null as is_trained

    from population
    left join trained
        on population.year_number = trained.year_number
        and population.employee_id = trained.employee_id

),

groups as (

    select
        year_number,
        hire_year,
        is_trained,
        count(*) as headcount,
        sum(case when has_left then 1 else 0 end) as leaver_count

    from flagged
    group by year_number, hire_year, is_trained

),

final as (

    select
        year_number,
        hire_year as hire_year_cohort,
        is_trained,
        headcount < 5 as is_suppressed,
        cast(case when headcount >= 5 then headcount end as integer) as headcount,
        cast(case when headcount >= 5 then leaver_count end as integer) as leaver_count,
        case
            when headcount >= 5 then cast(leaver_count as double precision) / headcount
        end as turnover_rate

    from groups

)

select * from final
