-- ROI of each programme x completion cohort recomputed under every assumption pair of
-- var('roi_sensitivity_values_per_rating_point') x var('roi_sensitivity_benefit_years')
-- (default 5,000 / 10,000 / 20,000 per rating point x 1 / 2 / 3 years), from
-- mart_training_roi's fully loaded cost, gated estimate and completers:
--   benefit = impact_estimate x value_per_rating_point_amount x benefit_years x completers
-- (low / high with the interval bounds), roi = (benefit - cost) / cost x 100. Cohorts
-- without an ROI keep their evaluation_reason and null ROI under every assumption: no
-- assumption turns an ungated estimate into a number.
{{ config(tags=['impact_downstream']) }}

{%- set values_per_point = var('roi_sensitivity_values_per_rating_point') -%}
{%- set benefit_years = var('roi_sensitivity_benefit_years') %}

with

roi as (

    select * from {{ ref('mart_training_roi') }}

),

assumptions as (

    {%- for value in values_per_point %}
    {%- set value_loop = loop %}
    {%- for years in benefit_years %}
    select
        cast({{ value }} as double precision) as value_per_rating_point_amount,
        cast({{ years }} as double precision) as benefit_years
    {%- if not (value_loop.last and loop.last) %}
    union all
    {%- endif %}
    {%- endfor %}
    {%- endfor %}

),

benefits as (

    select
        roi.programme_id,
        roi.cohort_year_number,
        roi.completer_count,
        roi.fully_loaded_cost_amount,
        roi.is_evaluated,
        roi.evaluation_reason,
        assumptions.value_per_rating_point_amount,
        assumptions.benefit_years,
        case
            when roi.is_evaluated
                then roi.impact_estimate * assumptions.value_per_rating_point_amount * assumptions.benefit_years
                    * roi.completer_count
        end as benefit_amount,
        case
            when roi.is_evaluated
                then roi.impact_ci_low * assumptions.value_per_rating_point_amount * assumptions.benefit_years
                    * roi.completer_count
        end as benefit_low_amount,
        case
            when roi.is_evaluated
                then roi.impact_ci_high * assumptions.value_per_rating_point_amount * assumptions.benefit_years
                    * roi.completer_count
        end as benefit_high_amount

    from roi
    cross join assumptions

),

final as (

    select
        programme_id,
        cast(cohort_year_number as integer) as cohort_year_number,
        cast(value_per_rating_point_amount as double precision) as value_per_rating_point_amount,
        cast(benefit_years as double precision) as benefit_years,
        (
            value_per_rating_point_amount = {{ var('roi_value_per_rating_point') }}
            and benefit_years = {{ var('roi_benefit_years') }}
        ) as is_base_case,
        cast(completer_count as integer) as completer_count,
        cast(fully_loaded_cost_amount as double precision) as fully_loaded_cost_amount,
        is_evaluated,
        evaluation_reason,
        cast(benefit_amount as double precision) as benefit_amount,
        case
            when fully_loaded_cost_amount > 0
                then 100 * (benefit_amount - fully_loaded_cost_amount) / fully_loaded_cost_amount
        end as roi_pct,
        case
            when fully_loaded_cost_amount > 0
                then 100 * (benefit_low_amount - fully_loaded_cost_amount) / fully_loaded_cost_amount
        end as roi_low_pct,
        case
            when fully_loaded_cost_amount > 0
                then 100 * (benefit_high_amount - fully_loaded_cost_amount) / fully_loaded_cost_amount
        end as roi_high_pct,
        cast({{ dbt.string_literal(var('reporting_currency')) }} as {{ dbt.type_string() }}) as currency_code

    from benefits

)

select * from final
