-- Direct training spend (vendor + instructor + venue, int_finance__programme_costs) per
-- programme x calendar year against the latest approved budget version for the year
-- (seed training_budget). A cash view by the year the spend is allocated to, apart
-- from ROI (mart_training_roi), which pairs costs and benefits by completion cohort.
-- Participant time is not a cash budget item and is left out.

with

programme_costs as (

    select * from {{ ref('int_finance__programme_costs') }}

),

training_budget as (

    select * from {{ ref('training_budget') }}

),

spend as (

    select
        programme_id,
        year_number,
        sum(amount) as direct_cost_amount

    from programme_costs
    where programme_id is not null
        and cost_type in ('vendor', 'instructor', 'venue')
    group by programme_id, year_number

),

plan_versions as (

    select distinct
        budget_year,
        plan_version,
        approved_on

    from training_budget

),

budget_versions as (

    select
        budget_year,
        plan_version,
        row_number() over (
            partition by budget_year
            order by approved_on desc, plan_version desc
        ) as version_rank

    from plan_versions

),

budgets as (

    select
        training_budget.budget_year as year_number,
        training_budget.programme_id,
        training_budget.plan_version,
        cast(training_budget.budget_amount as double precision) as budget_amount

    from training_budget
    inner join budget_versions
        on training_budget.budget_year = budget_versions.budget_year
        and training_budget.plan_version = budget_versions.plan_version
        and budget_versions.version_rank = 1

),

programme_years as (

    select programme_id, year_number from spend
    union
    select programme_id, year_number from budgets

),

final as (

    select
        programme_years.programme_id,
        cast(programme_years.year_number as integer) as year_number,
        cast(coalesce(spend.direct_cost_amount, 0) as double precision) as direct_cost_amount,
        budgets.plan_version as budget_plan_version,
        budgets.budget_amount,
        case
            when budgets.budget_amount is not null
                then coalesce(spend.direct_cost_amount, 0) - budgets.budget_amount
        end as budget_variance_amount,
        case
            when budgets.budget_amount > 0 then coalesce(spend.direct_cost_amount, 0) / budgets.budget_amount
        end as budget_used_share,
        cast({{ dbt.string_literal(var('reporting_currency')) }} as {{ dbt.type_string() }}) as currency_code

    from programme_years
    left join spend
        on programme_years.programme_id = spend.programme_id
        and programme_years.year_number = spend.year_number
    left join budgets
        on programme_years.programme_id = budgets.programme_id
        and programme_years.year_number = budgets.year_number

)

select * from final
