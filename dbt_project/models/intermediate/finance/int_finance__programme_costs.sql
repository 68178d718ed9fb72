-- Training spend allocated to programmes (programme = LMS course id), months and org
-- units: one row per source spend line x month x org unit it is allocated to.
--
-- Direct costs (staging/finance), each line spread over its participants, one equal
-- share per participant (a seat), placed in the month the participant started within
-- the line's window and in the org unit they belonged to that day:
--   vendor      vendor invoices; window = the billed period (else the invoice date);
--   instructor  instructor fees; window = the calendar month of the session;
--   venue       venue bookings;  window = the calendar month of the session.
-- (The lines and their participants are the macros finance_lines and
-- finance_line_participants, shared with int_finance__cohort_costs.)
-- Participants = distinct learners with any activity on the line's course in the window
-- (people the HRIS does not know keep their share, with a null org unit). A line with no
-- participant (or no course, e.g. a general licence) is kept whole, unallocated (null org
-- unit) on its invoice/session date: nothing is dropped.
-- Course list prices are not spend: an invoice is what was paid. Pricing seats without an
-- invoice would count them twice as soon as the invoice arrives (see DECISIONLOG.md).
--
-- participant_time: each learning activity with hours, by a resolved employee, costs
-- learning_hours x the hourly loaded pay of the employee that day: their own pay when an
-- HR export gives it (int_people__hr_pay, the row in force on the activity date: hourly
-- pay x var('loaded_pay_multiplier')), else the pay band of the job level they held that
-- day: annual base salary (seed pay_bands) x var('loaded_pay_multiplier') /
-- var('working_hours_per_year'). The job is the SCD2 version in force on the activity
-- date. Learning on a day the person was not employed (before the hire, between two
-- employment periods, after leaving) is on nobody's payroll: the row is kept with its
-- hours and an amount of 0. People the HRIS does not know are not on the payroll
-- either: their activities have no participant-time row.
{{ config(materialized='table') }}

with

vendor_invoices as (

    select * from {{ ref('stg_finance__vendor_invoices') }}

),

instructor_costs as (

    select * from {{ ref('stg_finance__instructor_costs') }}

),

venue_costs as (

    select * from {{ ref('stg_finance__venue_costs') }}

),

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

pay_bands as (

    select * from {{ ref('pay_bands') }}

),

employee_pay as (

    select * from {{ ref('int_people__hr_pay') }}

),

finance_lines_keyed as (

    {{ finance_lines('vendor_invoices', 'instructor_costs', 'venue_costs') }}

),

line_participants as (

    {{ finance_line_participants('finance_lines_keyed', 'activities') }}

),

participant_org_units as (

    select
        line_participants.spend_line_id,
        line_participants.learner_login,
        line_participants.started_on,
        employee_history.org_unit_id

    from line_participants
    left join employee_history
        on line_participants.employee_id = employee_history.employee_id
        and employee_history.valid_from <= line_participants.started_on
        and (employee_history.valid_to is null or employee_history.valid_to >= line_participants.started_on)

),

participant_totals as (

    select
        spend_line_id,
        count(*) as line_participant_count

    from participant_org_units
    group by spend_line_id

),

participant_groups as (

    select
        spend_line_id,
        cast({{ dbt.date_trunc('month', 'started_on') }} as date) as month_start_on,
        org_unit_id,
        min(started_on) as spend_on,
        count(*) as participant_count

    from participant_org_units
    group by spend_line_id, cast({{ dbt.date_trunc('month', 'started_on') }} as date), org_unit_id

),

finance_allocated as (

    select
        finance_lines_keyed.spend_line_id,
        finance_lines_keyed.cost_type,
        finance_lines_keyed.source_record_id,
        finance_lines_keyed.programme_id,
        participant_groups.org_unit_id,
        participant_groups.spend_on,
        participant_groups.month_start_on,
        cast(participant_groups.participant_count as integer) as participant_count,
        cast(participant_groups.participant_count as double precision) / participant_totals.line_participant_count
            as allocation_share,
        cast(null as double precision) as learning_hours,
        cast(null as double precision) as hourly_loaded_pay_amount,
        finance_lines_keyed.line_amount,
        finance_lines_keyed.line_amount * participant_groups.participant_count / participant_totals.line_participant_count
            as amount,
        finance_lines_keyed.currency_code,
        finance_lines_keyed.allocation_basis

    from finance_lines_keyed
    inner join participant_groups
        on finance_lines_keyed.spend_line_id = participant_groups.spend_line_id
    inner join participant_totals
        on finance_lines_keyed.spend_line_id = participant_totals.spend_line_id

),

finance_unallocated as (

    select
        finance_lines_keyed.spend_line_id,
        finance_lines_keyed.cost_type,
        finance_lines_keyed.source_record_id,
        finance_lines_keyed.programme_id,
        cast(null as {{ dbt.type_string() }}) as org_unit_id,
        finance_lines_keyed.unallocated_on as spend_on,
        cast({{ dbt.date_trunc('month', 'finance_lines_keyed.unallocated_on') }} as date) as month_start_on,
        0 as participant_count,
        cast(1 as double precision) as allocation_share,
        cast(null as double precision) as learning_hours,
        cast(null as double precision) as hourly_loaded_pay_amount,
        finance_lines_keyed.line_amount,
        finance_lines_keyed.line_amount as amount,
        finance_lines_keyed.currency_code,
        cast('no participants: unallocated' as {{ dbt.type_string() }}) as allocation_basis

    from finance_lines_keyed
    where not exists (
        select 1
        from participant_totals
        where participant_totals.spend_line_id = finance_lines_keyed.spend_line_id
    )

),

timed_activities as (

    select
        learning_activity_id,
        employee_id,
        course_id,
        activity_on,
        learning_hours

    from activities
    where employee_id is not null
        and course_id is not null
        and learning_hours > 0

),

activity_jobs as (

    select
        timed_activities.*,
        employee_history.employee_id is not null as is_employed,
        employee_history.org_unit_id,
        employee_history.job_level

    from timed_activities
    left join employee_history
        on timed_activities.employee_id = employee_history.employee_id
        and employee_history.valid_from <= timed_activities.activity_on
        and (employee_history.valid_to is null or employee_history.valid_to >= timed_activities.activity_on)
        and employee_history.hire_date <= timed_activities.activity_on
        and (employee_history.termination_date is null or employee_history.termination_date >= timed_activities.activity_on)

),

activity_pay as (

    select
        activity_jobs.*,
        case
            when not activity_jobs.is_employed then cast(0 as double precision)
            when employee_pay.employee_id is not null
                then employee_pay.hourly_pay_amount * {{ var('loaded_pay_multiplier') }}
            else cast(pay_bands.annual_base_salary_amount as double precision)
                * {{ var('loaded_pay_multiplier') }} / {{ var('working_hours_per_year') }}
        end as hourly_loaded_pay_amount,
        case
            when not activity_jobs.is_employed then {{ dbt.string_literal(var('reporting_currency')) }}
            when employee_pay.employee_id is not null then employee_pay.currency_code
            else pay_bands.currency_code
        end as currency_code,
        case
            when not activity_jobs.is_employed then 'not employed that day: no payroll cost'
            when employee_pay.employee_id is not null then 'learning hours x hourly loaded pay (HR export)'
            else 'learning hours x hourly loaded pay'
        end as allocation_basis

    from activity_jobs
    left join pay_bands
        on activity_jobs.job_level = pay_bands.job_level
    left join employee_pay
        on activity_jobs.employee_id = employee_pay.employee_id
        and employee_pay.valid_from <= activity_jobs.activity_on
        and (employee_pay.valid_to is null or employee_pay.valid_to >= activity_jobs.activity_on)

),

participant_time as (

    select
        {{ dbt.concat(["'participant_time:'", 'learning_activity_id']) }} as spend_line_id,
        cast('participant_time' as {{ dbt.type_string() }}) as cost_type,
        learning_activity_id as source_record_id,
        course_id as programme_id,
        org_unit_id,
        activity_on as spend_on,
        cast({{ dbt.date_trunc('month', 'activity_on') }} as date) as month_start_on,
        1 as participant_count,
        cast(1 as double precision) as allocation_share,
        learning_hours,
        hourly_loaded_pay_amount,
        hourly_loaded_pay_amount * learning_hours as line_amount,
        hourly_loaded_pay_amount * learning_hours as amount,
        cast(currency_code as {{ dbt.type_string() }}) as currency_code,
        cast(allocation_basis as {{ dbt.type_string() }}) as allocation_basis

    from activity_pay

),

unioned as (

    select * from finance_allocated
    union all
    select * from finance_unallocated
    union all
    select * from participant_time

),

final as (

    select
        {{ dbt.concat([
            'spend_line_id',
            "'|'",
            'cast(month_start_on as ' ~ dbt.type_string() ~ ')',
            "'|'",
            "coalesce(org_unit_id, 'no-org-unit')",
        ]) }} as spend_allocation_id,
        spend_line_id,
        cost_type,
        source_record_id,
        programme_id,
        org_unit_id,
        spend_on,
        month_start_on,
        cast(extract(year from month_start_on) as integer) as year_number,
        cast(participant_count as integer) as participant_count,
        allocation_share,
        learning_hours,
        hourly_loaded_pay_amount,
        line_amount,
        amount,
        currency_code,
        allocation_basis

    from unioned

)

select * from final
