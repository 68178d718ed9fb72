-- One row per KPI of a business goal, with the target in force today.

with

kpis as (

    select * from {{ ref('stg_framework__business_kpis') }}

),

targets as (

    select * from {{ ref('stg_framework__kpi_targets') }}

),

current_targets as (

    select
        kpi_id,
        target_value

    from targets
    where effective_from <= current_date and coalesce(effective_to, current_date) >= current_date

),

final as (

    select
        kpis.kpi_id,
        kpis.goal_id,
        kpis.kpi_name,
        kpis.kpi_definition,
        kpis.unit,
        kpis.direction,
        kpis.grain,
        current_targets.target_value as current_target_value

    from kpis
    left join current_targets
        on kpis.kpi_id = current_targets.kpi_id

)

select * from final
