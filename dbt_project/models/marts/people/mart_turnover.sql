-- Employee turnover per period (calendar month, calendar year, trailing 12 months) for
-- the whole company (org_unit_id null) and per org unit.
--   * Leavers: every employment period that ended in the period, over ALL of a person's
--     periods (int_people__employee_history carries one hire_date / termination_date
--     pair per period), so a re-hired employee's earlier exit counts. A leaver belongs to
--     the org unit they were in on their last day (the SCD2 version in force on the
--     termination date).
--   * Voluntary / involuntary: the termination type the HR system of record gives for
--     that termination (int_people__hr_employment_events, the event on the termination
--     date). Terminations without a type (Workday's RaaS report carries none) count in
--     leaver_count and unclassified_leaver_count only.
--   * Average headcount: the mean of the daily headcount over the period's days up to the
--     data's as-of date (int_people__headcount_daily summed over those days / the number
--     of days). turnover_rate = leaver_count / average_headcount.
--   * Partial periods: a period whose last day is after the data's as-of date
--     (int_calendar__data_range.last_event_on, never the clock) is flagged; it is
--     measured up to the as-of date (period_end_on) and not annualised.
--   * Cost of turnover: each leaver costs a declared share of their annual base pay
--     (var('turnover_replacement_cost_shares'), by termination type): their pay from the
--     HR export in force on their last day (int_people__hr_pay, annual full-time pay x
--     fte) when in var('reporting_currency'), else the pay band of the job level they
--     held (seed pay_bands). Leavers with neither are not costed (costed_leaver_count).
--   * Org units whose average headcount is under 5 are suppressed: every measure null and
--     is_suppressed true. The company rows follow the same rule.
-- No source in the pipeline carries a regrettable-leaver flag, so there is no regrettable
-- split (see the model's documentation).

with

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

employment_events as (

    select * from {{ ref('int_people__hr_employment_events') }}

),

headcount_daily as (

    select * from {{ ref('int_people__headcount_daily') }}

),

months as (

    select * from {{ ref('int_calendar__months') }}

),

data_range as (

    select * from {{ ref('int_calendar__data_range') }}

),

employee_pay as (

    select * from {{ ref('int_people__hr_pay') }}

),

pay_bands as (

    select * from {{ ref('pay_bands') }}

),

ended_periods as (

    select distinct
        employee_history.employee_id,
        employee_history.hire_date,
        employee_history.termination_date

    from employee_history
    cross join data_range
    where employee_history.termination_date is not null
        and employee_history.termination_date <= data_range.last_event_on

),

termination_types as (

    select
        employee_id,
        effective_on,
        max(termination_type) as termination_type

    from employment_events
    where is_termination
    group by employee_id, effective_on

),

leavers as (

    select
        ended_periods.employee_id,
        ended_periods.termination_date,
        cast({{ dbt.date_trunc('month', 'ended_periods.termination_date') }} as date) as month_start_on,
        last_day.org_unit_id,
        last_day.job_level,
        termination_types.termination_type

    from ended_periods
    left join employee_history as last_day
        on ended_periods.employee_id = last_day.employee_id
        and ended_periods.hire_date = last_day.hire_date
        and last_day.valid_from <= ended_periods.termination_date
        and (last_day.valid_to is null or last_day.valid_to >= ended_periods.termination_date)
    left join termination_types
        on ended_periods.employee_id = termination_types.employee_id
        and ended_periods.termination_date = termination_types.effective_on

),

leaver_costs as (

    select
        leavers.*,
        coalesce(
            case
                when employee_pay.currency_code = {{ dbt.string_literal(var('reporting_currency')) }}
                    then employee_pay.annual_full_time_pay_amount * employee_pay.fte
            end,
            case
                when pay_bands.currency_code = {{ dbt.string_literal(var('reporting_currency')) }}
                    then cast(pay_bands.annual_base_salary_amount as double precision)
            end
        ) as annual_pay_amount,
        case leavers.termination_type
            when 'voluntary' then {{ var('turnover_replacement_cost_shares')['voluntary'] }}
            when 'involuntary' then {{ var('turnover_replacement_cost_shares')['involuntary'] }}
            else {{ var('turnover_replacement_cost_shares')['unclassified'] }}
        end as replacement_cost_share

    from leavers
    left join employee_pay
        on leavers.employee_id = employee_pay.employee_id
        and employee_pay.valid_from <= leavers.termination_date
        and (employee_pay.valid_to is null or employee_pay.valid_to >= leavers.termination_date)
    left join pay_bands
        on leavers.job_level = pay_bands.job_level

),

-- month x org unit building blocks; the company total is added under a null org unit
-- key of its own ('*'), so people whose org unit is unknown count in the company only
headcount_days_by_unit as (

    select
        headcount_daily.month_start_on,
        headcount_daily.org_unit_id,
        sum(headcount_daily.headcount) as headcount_days

    from headcount_daily
    cross join data_range
    where headcount_daily.date_day <= data_range.last_event_on
    group by headcount_daily.month_start_on, headcount_daily.org_unit_id

),

leavers_by_unit as (

    select
        month_start_on,
        org_unit_id,
        count(*) as leaver_count,
        sum(case when termination_type = 'voluntary' then 1 else 0 end) as voluntary_leaver_count,
        sum(case when termination_type = 'involuntary' then 1 else 0 end) as involuntary_leaver_count,
        sum(case when annual_pay_amount is not null then 1 else 0 end) as costed_leaver_count,
        sum(annual_pay_amount * replacement_cost_share) as turnover_cost_amount

    from leaver_costs
    group by month_start_on, org_unit_id

),

unit_months as (

    select
        coalesce(headcount_days_by_unit.month_start_on, leavers_by_unit.month_start_on) as month_start_on,
        coalesce(headcount_days_by_unit.org_unit_id, leavers_by_unit.org_unit_id) as org_unit_id,
        coalesce(headcount_days_by_unit.headcount_days, 0) as headcount_days,
        coalesce(leavers_by_unit.leaver_count, 0) as leaver_count,
        coalesce(leavers_by_unit.voluntary_leaver_count, 0) as voluntary_leaver_count,
        coalesce(leavers_by_unit.involuntary_leaver_count, 0) as involuntary_leaver_count,
        coalesce(leavers_by_unit.costed_leaver_count, 0) as costed_leaver_count,
        leavers_by_unit.turnover_cost_amount

    from headcount_days_by_unit
    full outer join leavers_by_unit
        on headcount_days_by_unit.month_start_on = leavers_by_unit.month_start_on
        and headcount_days_by_unit.org_unit_id = leavers_by_unit.org_unit_id

),

building_blocks as (

    select
        month_start_on,
        org_unit_id,
        false as is_company,
        headcount_days,
        leaver_count,
        voluntary_leaver_count,
        involuntary_leaver_count,
        costed_leaver_count,
        turnover_cost_amount

    from unit_months
    where org_unit_id is not null

    union all

    select
        month_start_on,
        cast(null as {{ dbt.type_string() }}) as org_unit_id,
        true as is_company,
        sum(headcount_days) as headcount_days,
        sum(leaver_count) as leaver_count,
        sum(voluntary_leaver_count) as voluntary_leaver_count,
        sum(involuntary_leaver_count) as involuntary_leaver_count,
        sum(costed_leaver_count) as costed_leaver_count,
        sum(turnover_cost_amount) as turnover_cost_amount

    from unit_months
    group by month_start_on

),

periods as (

    -- calendar months
    select
        'month' as period_grain,
        months.month_start_on as period_start_on,
        months.month_end_on as nominal_end_on

    from months

    union all

    -- calendar years with at least one month of data
    select distinct
        'year' as period_grain,
        cast({{ dbt.date_trunc('year', 'months.month_start_on') }} as date) as period_start_on,
        cast({{ dbt.last_day('months.month_start_on', 'year') }} as date) as nominal_end_on

    from months

    union all

    -- the 12 months ending with each month, once 12 months of data lie behind it
    select
        'trailing_12_months' as period_grain,
        cast({{ dbt.dateadd('month', -11, 'months.month_start_on') }} as date) as period_start_on,
        months.month_end_on as nominal_end_on

    from months
    cross join data_range
    where cast({{ dbt.dateadd('month', -11, 'months.month_start_on') }} as date) >= data_range.first_month_start_on

),

periods_observed as (

    select
        periods.period_grain,
        periods.period_start_on,
        case
            when periods.nominal_end_on > data_range.last_event_on then data_range.last_event_on
            else periods.nominal_end_on
        end as period_end_on,
        periods.nominal_end_on > data_range.last_event_on as is_partial_period

    from periods
    cross join data_range
    where periods.period_start_on <= data_range.last_event_on

),

period_totals as (

    select
        periods_observed.period_grain,
        periods_observed.period_start_on,
        periods_observed.period_end_on,
        periods_observed.is_partial_period,
        building_blocks.org_unit_id,
        building_blocks.is_company,
        sum(building_blocks.headcount_days) as headcount_days,
        sum(building_blocks.leaver_count) as leaver_count,
        sum(building_blocks.voluntary_leaver_count) as voluntary_leaver_count,
        sum(building_blocks.involuntary_leaver_count) as involuntary_leaver_count,
        sum(building_blocks.costed_leaver_count) as costed_leaver_count,
        sum(building_blocks.turnover_cost_amount) as turnover_cost_amount

    from periods_observed
    inner join building_blocks
        on building_blocks.month_start_on >= periods_observed.period_start_on
        and building_blocks.month_start_on <= periods_observed.period_end_on
    group by
        periods_observed.period_grain,
        periods_observed.period_start_on,
        periods_observed.period_end_on,
        periods_observed.is_partial_period,
        building_blocks.org_unit_id,
        building_blocks.is_company

),

measured as (

    select
        period_totals.*,
        cast(headcount_days as double precision)
            / ({{ dbt.datediff('period_start_on', 'period_end_on', 'day') }} + 1) as average_headcount

    from period_totals

),

final as (

    select
        cast(period_start_on as date) as period_start_on,
        cast(period_grain as {{ dbt.type_string() }}) as period_grain,
        cast(org_unit_id as {{ dbt.type_string() }}) as org_unit_id,
        cast(case when average_headcount >= 5 then leaver_count end as integer) as leaver_count,
        cast(case when average_headcount >= 5 then voluntary_leaver_count end as integer) as voluntary_leaver_count,
        cast(case when average_headcount >= 5 then involuntary_leaver_count end as integer)
            as involuntary_leaver_count,
        case when average_headcount >= 5 then average_headcount end as average_headcount,
        case
            when average_headcount >= 5 then cast(leaver_count as double precision) / average_headcount
        end as turnover_rate,
        cast(is_partial_period as boolean) as is_partial_period,
        cast(period_end_on as date) as period_end_on,
        cast(
            case when average_headcount >= 5 then leaver_count - voluntary_leaver_count - involuntary_leaver_count end
            as integer
        ) as unclassified_leaver_count,
        cast(average_headcount < 5 as boolean) as is_suppressed,
        cast(case when average_headcount >= 5 then costed_leaver_count end as integer) as costed_leaver_count,
        cast(
            case when average_headcount >= 5 then coalesce(turnover_cost_amount, 0) end as double precision
        ) as turnover_cost_amount

    from measured

)

select * from final
