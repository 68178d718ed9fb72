with

activities as (

    select * from {{ ref('int_learning__activities_unified') }}

),

final as (

    select
        learning_activity_id,
        employee_id,
        course_id,
        verb,
        activity_at,
        activity_on,
        duration_hours,
        learning_hours,
        score_scaled,
        is_completion,
        due_on,
        is_on_time,
        source_system

    from activities

)

select * from final
