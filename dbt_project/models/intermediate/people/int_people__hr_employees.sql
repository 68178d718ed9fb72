-- The HR interface, people: one row per person of the HR system of record
-- (macro hr_system_of_record: BambooHR, Workday or the HR file drop), current state. The
-- conformed people model (int_people__employee_history), identity resolution, the org
-- units and the calendar read this model, never a system's staging models.
--   employee_id   the system of record's employee number: the warehouse's canonical person
--                 key (BambooHR employee number; Workday legacy employee number, else the
--                 Workday worker id; the file drop's employee number)
--   hire_date / termination_date   the current employment period; termination_date is null
--                 while it lasts
--   employment_status   `Active` or `Inactive` (BambooHR's own status; derived from the
--                 current period for Workday and files)
--   manager_employee_id   the current manager, resolved to an employee_id by the branch's
--                 rule (BambooHR supervisor id, Workday manager worker id, the file's
--                 manager number or a name only one person has)
{{ config(materialized='table') }}

{%- set system = hr_system_of_record() %}

with

employees as (

    {% if system == 'bamboohr' -%}
    select * from {{ ref('int_people__bamboohr_employees') }}
    {%- elif system == 'workday' -%}
    select * from {{ ref('int_people__workday_employees') }}
    {%- else -%}
    select * from {{ ref('int_people__hr_file_employees') }}
    {%- endif %}

),

final as (

    select
        employee_id,
        source_employee_id,
        first_name,
        last_name,
        display_name,
        full_name,
        work_email,
        hire_date,
        termination_date,
        employment_status,
        job_title,
        department_name,
        division_name,
        location_name,
        manager_employee_id

    from employees

)

select * from final
