{{ config(enabled=source_enabled('bamboohr')) }}

-- BambooHR's employee records in the shape of the HR interface (int_people__hr_employees):
-- one row per person, current state, keyed by the employee number. The current manager is
-- the supervisor BambooHR links by its own id (`supervisorEId`), so it needs no name match.

with

employees as (

    select * from {{ ref('stg_hris__employees') }}

),

final as (

    select
        employees.employee_id,
        employees.employee_bamboo_id as source_employee_id,
        employees.first_name,
        employees.last_name,
        employees.display_name,
        concat_ws(' ', employees.first_name, employees.last_name) as full_name,
        employees.work_email,
        employees.hire_date,
        employees.termination_date,
        employees.employment_status,
        employees.job_title,
        employees.department_name,
        employees.division_name,
        employees.location_name,
        supervisors.employee_id as manager_employee_id

    from employees
    left join employees as supervisors
        on employees.supervisor_bamboo_id = supervisors.employee_bamboo_id

)

select * from final
