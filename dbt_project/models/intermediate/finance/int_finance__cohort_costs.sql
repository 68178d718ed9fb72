-- Training spend per programme x completion cohort: the same source lines as
-- int_finance__programme_costs, attributed to the people whose learning they paid for
-- and, through them, to a cohort, so that ROI pairs the cost and the benefit of the same
-- people (mart_training_roi).
--
-- A learner's cohort on a programme (per login, as the cost is spread over logins):
--   the year of their first completion of the programme (activity with is_completion);
--   when they never completed it, the year they started it (their first activity on it).
-- Every cost of that learner on that programme goes to that cohort, whatever year it
-- was spent in: a seat billed in 2023 for someone who completed in 2024 is 2024
-- cohort's cost. Non-completers' cost thus sits with the cohort of their start year:
-- it is part of what a cohort cost, with no benefit of its own.
--   vendor / instructor / venue  one equal share of the line per participant (the same
--       participants and windows as int_finance__programme_costs: macro finance_lines);
--   participant_time  the activity's amount (int_finance__programme_costs) goes to the
--       cohort of the activity's learner;
--   a line with no participant (or no programme) cannot follow anyone: it stays whole in
--       the cohort of its invoice / session year, with cohort_basis `line date`.
-- Amounts add up to int_finance__programme_costs per source line.
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

programme_costs as (

    select * from {{ ref('int_finance__programme_costs') }}

),

finance_lines_keyed as (

    {{ finance_lines('vendor_invoices', 'instructor_costs', 'venue_costs') }}

),

line_participants as (

    {{ finance_line_participants('finance_lines_keyed', 'activities') }}

),

learner_cohorts as (

    select
        course_id as programme_id,
        learner_login,
        min(employee_id) as employee_id,
        min(activity_on) as started_on,
        min(case when is_completion then activity_on end) as completed_on

    from activities
    where course_id is not null
    group by course_id, learner_login

),

learner_cohort_years as (

    select
        programme_id,
        learner_login,
        employee_id,
        started_on,
        completed_on,
        cast(extract(year from coalesce(completed_on, started_on)) as integer) as cohort_year_number,
        case
            when completed_on is not null then cast('completion year' as {{ dbt.type_string() }})
            else cast('start year (not completed)' as {{ dbt.type_string() }})
        end as cohort_basis

    from learner_cohorts

),

line_participant_counts as (

    select
        spend_line_id,
        count(*) as line_participant_count

    from line_participants
    group by spend_line_id

),

direct_shares as (

    select
        finance_lines_keyed.spend_line_id,
        finance_lines_keyed.cost_type,
        finance_lines_keyed.programme_id,
        learner_cohort_years.cohort_year_number,
        learner_cohort_years.cohort_basis,
        line_participants.learner_login,
        finance_lines_keyed.line_amount / line_participant_counts.line_participant_count as amount,
        finance_lines_keyed.currency_code

    from finance_lines_keyed
    inner join line_participants
        on finance_lines_keyed.spend_line_id = line_participants.spend_line_id
    inner join line_participant_counts
        on finance_lines_keyed.spend_line_id = line_participant_counts.spend_line_id
    inner join learner_cohort_years
        on finance_lines_keyed.programme_id = learner_cohort_years.programme_id
        and line_participants.learner_login = learner_cohort_years.learner_login

),

direct_unallocated as (

    select
        finance_lines_keyed.spend_line_id,
        finance_lines_keyed.cost_type,
        finance_lines_keyed.programme_id,
        cast(extract(year from finance_lines_keyed.unallocated_on) as integer) as cohort_year_number,
        cast('line date' as {{ dbt.type_string() }}) as cohort_basis,
        cast(null as {{ dbt.type_string() }}) as learner_login,
        finance_lines_keyed.line_amount as amount,
        finance_lines_keyed.currency_code

    from finance_lines_keyed
    where not exists (
        select 1
        from line_participant_counts
        where line_participant_counts.spend_line_id = finance_lines_keyed.spend_line_id
    )

),

participant_time as (

    select
        programme_costs.spend_line_id,
        programme_costs.cost_type,
        programme_costs.programme_id,
        learner_cohort_years.cohort_year_number,
        learner_cohort_years.cohort_basis,
        activities.learner_login,
        programme_costs.amount,
        programme_costs.currency_code

    from programme_costs
    inner join activities
        on programme_costs.source_record_id = activities.learning_activity_id
    inner join learner_cohort_years
        on programme_costs.programme_id = learner_cohort_years.programme_id
        and activities.learner_login = learner_cohort_years.learner_login
    where programme_costs.cost_type = 'participant_time'

),

shares as (

    select * from direct_shares
    union all
    select * from direct_unallocated
    union all
    select * from participant_time

),

grouped as (

    select
        spend_line_id,
        cost_type,
        programme_id,
        cohort_year_number,
        cohort_basis,
        count(learner_login) as participant_count,
        sum(amount) as amount,
        min(currency_code) as currency_code

    from shares
    group by spend_line_id, cost_type, programme_id, cohort_year_number, cohort_basis

),

final as (

    select
        {{ dbt.concat([
            'spend_line_id',
            "'|'",
            'cast(cohort_year_number as ' ~ dbt.type_string() ~ ')',
            "'|'",
            'cohort_basis',
        ]) }} as cohort_cost_id,
        spend_line_id,
        cost_type,
        programme_id,
        cast(cohort_year_number as integer) as cohort_year_number,
        cohort_basis,
        cast(participant_count as integer) as participant_count,
        cast(amount as double precision) as amount,
        currency_code

    from grouped

)

select * from final
