with

statements as (

    select * from {{ ref('int_learning__statements_resolved') }}

),

final as (

    select
        statement_id as learning_activity_id,
        employee_id,
        course_id,
        verb,
        occurred_at as activity_at,
        cast(occurred_at as date) as activity_on,
        duration_hours,
        score_scaled,
        is_completion,
        cast('lms' as {{ dbt.type_string() }}) as source_system

    from statements

)

select * from final
