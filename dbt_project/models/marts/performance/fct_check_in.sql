{{ config(enabled=source_enabled('fifteen_five')) }}

-- One row per weekly check-in (15Five): the employee, the week, the 1-5 pulse, whether
-- the manager reviewed it. The continuous-feedback signal beside the half-yearly reviews.

with

check_ins as (

    select * from {{ ref('int_performance__check_ins_resolved') }}

),

final as (

    select
        cast(check_in_id as {{ dbt.type_string() }}) as check_in_id,
        cast(employee_id as {{ dbt.type_string() }}) as employee_id,
        cast(reviewer_employee_id as {{ dbt.type_string() }}) as reviewer_employee_id,
        cast(week_start_on as date) as week_start_on,
        cast(week_end_on as date) as week_end_on,
        cast(submitted_at as {{ dbt.type_timestamp() }}) as submitted_at,
        cast(pulse_rating as integer) as pulse_rating,
        cast(is_reviewed as boolean) as is_reviewed,
        cast('fifteen_five' as {{ dbt.type_string() }}) as source_system

    from check_ins

)

select * from final
