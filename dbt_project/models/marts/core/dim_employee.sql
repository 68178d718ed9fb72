with

employee_history as (

    select * from {{ ref('int_people__employee_history') }}

),

final as (

    select
        employee_key,
        employee_id,
        full_name,
        work_email,
        org_unit_id,
        job_profile_id,
        job_level,
        manager_employee_id,
        employment_status,
        hire_date,
        termination_date,
        valid_from,
        valid_to,
        is_current

    from employee_history

)

select * from final
