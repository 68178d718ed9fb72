-- The training portfolio in one line per completion cohort year and one for all years
-- (cohort_year_number null, period_label `all years`), from mart_training_roi:
--   total_spend_amount      fully loaded cost of every programme cohort;
--   evaluated_spend_amount  the part with an ROI (a gated, significant estimate), and its
--                           share of the total;
--   roi_pct / low / high    ROI of the evaluated spend taken together:
--                           (sum benefit - sum cost) / sum cost x 100, low / high from
--                           the estimates' interval bounds (benefit_low / high_amount);
--   spend_<reason>_amount   unevaluated spend by evaluation_reason; with the evaluated
--                           spend they add up to total_spend_amount.
-- Spend on lines tied to no programme (general licences) cannot be evaluated and is
-- shown apart (unattributed_spend_amount, not in total_spend_amount).
{{ config(tags=['impact_downstream']) }}

{%- set reasons = [
    'no_plan', 'insufficient_evidence', 'pre_trend_failed', 'placebo_failed', 'imbalanced',
    'underpowered', 'no_evidence_of_effect', 'no_completers',
] %}

with

roi as (

    select * from {{ ref('mart_training_roi') }}

),

cohort_costs as (

    select * from {{ ref('int_finance__cohort_costs') }}

),

unattributed as (

    select
        cohort_year_number,
        sum(amount) as unattributed_spend_amount

    from cohort_costs
    where programme_id is null
    group by cohort_year_number

),

roi_periods as (

    select
        cast(cohort_year_number as integer) as cohort_year_number,
        cast(cohort_year_number as {{ dbt.type_string() }}) as period_label,
        programme_id,
        is_evaluated,
        evaluation_reason,
        fully_loaded_cost_amount,
        benefit_amount,
        benefit_low_amount,
        benefit_high_amount,
        value_per_rating_point_amount,
        benefit_years

    from roi

    union all

    select
        cast(null as integer) as cohort_year_number,
        cast('all years' as {{ dbt.type_string() }}) as period_label,
        programme_id,
        is_evaluated,
        evaluation_reason,
        fully_loaded_cost_amount,
        benefit_amount,
        benefit_low_amount,
        benefit_high_amount,
        value_per_rating_point_amount,
        benefit_years

    from roi

),

unattributed_periods as (

    select cohort_year_number, unattributed_spend_amount from unattributed
    union all
    select cast(null as integer) as cohort_year_number, sum(unattributed_spend_amount) from unattributed

),

periods as (

    select
        cohort_year_number,
        period_label,
        count(*) as programme_cohort_count,
        sum(case when is_evaluated then 1 else 0 end) as evaluated_programme_cohort_count,
        count(distinct programme_id) as programme_count,
        count(distinct case when is_evaluated then programme_id end) as evaluated_programme_count,
        sum(fully_loaded_cost_amount) as total_spend_amount,
        sum(case when is_evaluated then fully_loaded_cost_amount else 0 end) as evaluated_spend_amount,
        sum(case when is_evaluated then benefit_amount end) as evaluated_benefit_amount,
        sum(case when is_evaluated then benefit_low_amount end) as evaluated_benefit_low_amount,
        sum(case when is_evaluated then benefit_high_amount end) as evaluated_benefit_high_amount,
        {%- for reason in reasons %}
        sum(case when evaluation_reason = '{{ reason }}' then fully_loaded_cost_amount else 0 end)
            as spend_{{ reason }}_amount,
        {%- endfor %}
        max(value_per_rating_point_amount) as value_per_rating_point_amount,
        max(benefit_years) as benefit_years

    from roi_periods
    group by cohort_year_number, period_label

),

final as (

    select
        periods.cohort_year_number,
        periods.period_label,
        cast(periods.programme_count as integer) as programme_count,
        cast(periods.evaluated_programme_count as integer) as evaluated_programme_count,
        cast(periods.programme_cohort_count as integer) as programme_cohort_count,
        cast(periods.evaluated_programme_cohort_count as integer) as evaluated_programme_cohort_count,
        cast(periods.total_spend_amount as double precision) as total_spend_amount,
        cast(periods.evaluated_spend_amount as double precision) as evaluated_spend_amount,
        case
            when periods.total_spend_amount > 0
                then cast(periods.evaluated_spend_amount as double precision) / periods.total_spend_amount
        end as evaluated_spend_share,
        cast(periods.total_spend_amount - periods.evaluated_spend_amount as double precision)
            as unevaluated_spend_amount,
        case
            when periods.evaluated_spend_amount > 0
                then 100 * (periods.evaluated_benefit_amount - periods.evaluated_spend_amount)
                    / periods.evaluated_spend_amount
        end as roi_pct,
        case
            when periods.evaluated_spend_amount > 0
                then 100 * (periods.evaluated_benefit_low_amount - periods.evaluated_spend_amount)
                    / periods.evaluated_spend_amount
        end as roi_low_pct,
        case
            when periods.evaluated_spend_amount > 0
                then 100 * (periods.evaluated_benefit_high_amount - periods.evaluated_spend_amount)
                    / periods.evaluated_spend_amount
        end as roi_high_pct,
        {%- for reason in reasons %}
        cast(periods.spend_{{ reason }}_amount as double precision) as spend_{{ reason }}_amount,
        {%- endfor %}
        cast(coalesce(unattributed_periods.unattributed_spend_amount, 0) as double precision)
            as unattributed_spend_amount,
        cast(periods.value_per_rating_point_amount as double precision) as value_per_rating_point_amount,
        cast(periods.benefit_years as double precision) as benefit_years,
        cast({{ dbt.string_literal(var('reporting_currency')) }} as {{ dbt.type_string() }}) as currency_code

    from periods
    left join unattributed_periods
        on periods.cohort_year_number = unattributed_periods.cohort_year_number
        or (periods.cohort_year_number is null and unattributed_periods.cohort_year_number is null)

)

select * from final
