-- KPIs of the business goals (framework/business_kpis.csv), one row per KPI.

with

kpis as (

    select * from {{ ref('int_goals__kpis') }}

),

final as (

    select
        kpi_id,
        goal_id,
        kpi_name,
        kpi_definition,
        unit,
        direction,
        grain,
        current_target_value

    from kpis

)

select * from final
