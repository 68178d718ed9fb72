-- Lattice goals, one row per goal, with the owner resolved to an employee
-- (int_identity__performance_users, the rule reviews follow), the goal year and the
-- attainment. The goal year is the year the goal is due (the year its result counts
-- for), else the year it starts. Attainment is current / target: null when there is no
-- target or the target is 0 (a ratio would be meaningless), never capped (over-delivery
-- shows as > 1).

with

goals as (

    select * from {{ ref('stg_performance__goals') }}

),

performance_users as (

    select * from {{ ref('int_identity__performance_users') }}

),

resolved as (

    select
        goals.goal_id,
        performance_users.employee_id,
        goals.goal_title,
        cast(extract(year from coalesce(goals.due_on, goals.start_on)) as integer) as goal_year,
        goals.start_on,
        goals.due_on,
        goals.target_value,
        goals.current_value,
        case
            when goals.target_value is null or goals.target_value = 0 then null
            else goals.current_value / goals.target_value
        end as attainment,
        goals.goal_status,
        goals.updated_at

    from goals
    left join performance_users
        on goals.owner_user_id = performance_users.user_id

),

final as (

    select
        goal_id,
        employee_id,
        goal_title,
        goal_year,
        start_on,
        due_on,
        target_value,
        current_value,
        attainment,
        goal_status,
        updated_at

    from resolved

)

select * from final
