-- One row per goal (Lattice), owner resolved to the conformed employee id. Read by the
-- impact engine (impact/inputs.py: mean attainment per employee and goal year).

with

goals as (

    select * from {{ ref('int_performance__goals_resolved') }}

),

final as (

    select
        cast(goal_id as {{ dbt.type_string() }}) as goal_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(goal_year as integer) as goal_year,
        cast(start_on as date) as start_on,
        cast(due_on as date) as due_on,
        cast(target_value as double precision) as target_value,
        cast(current_value as double precision) as current_value,
        cast(attainment as double precision) as attainment,
        cast(goal_status as {{ dbt.type_string() }}) as status

    from goals

)

select * from final
