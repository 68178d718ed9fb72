-- KPI actuals against target: one row per KPI x entity x period (int_goals__kpi_values
-- holds the rules). The entity is split by grain into the key that joins it: an employee
-- (person), a team's manager (team), an org unit (org_unit); company-grain rows have none.

with

kpi_values as (

    select * from {{ ref('int_goals__kpi_values') }}

),

final as (

    select
        {{ dbt.concat(["kpi_id", "'|'", "entity_id", "'|'", "cast(period_start_on as " ~ dbt.type_string() ~ ")", "'|'", "cast(period_end_on as " ~ dbt.type_string() ~ ")"]) }}
            as kpi_value_id,
        kpi_id,
        goal_id,
        grain,
        entity_id,
        case when grain = 'person' then entity_id end as employee_id,
        case when grain = 'team' then entity_id end as team_manager_employee_id,
        case when grain = 'org_unit' then entity_id end as org_unit_id,
        period_start_on,
        period_end_on,
        kpi_value,
        unit,
        direction,
        target_value,
        attainment_ratio,
        margin_to_target,
        is_target_met,
        cast(reported_count as integer) as reported_count,
        source_file_name

    from kpi_values

)

select * from final
