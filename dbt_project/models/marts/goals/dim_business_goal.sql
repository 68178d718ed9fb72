-- Business goals (framework/business_goals.csv), one row per goal. Their KPIs are in
-- dim_kpi, the capabilities they need per job profile in bridge_goal_capability, the
-- KPI actuals in fct_kpi_value.

with

goals as (

    select * from {{ ref('int_goals__business_goals') }}

),

final as (

    select
        goal_id,
        goal_name,
        goal_owner,
        priority,
        goal_description,
        goal_start_on,
        goal_end_on,
        is_active,
        version_count,
        kpi_count,
        capability_count,
        job_profile_count

    from goals

)

select * from final
