-- The HR interface, job history: one row per employee of the HR system of record and
-- effective date, with the job, organisation and manager in force from that date (read by
-- int_people__employee_history, which turns it into SCD2 versions). Each branch settles
-- its own duplicates (BambooHR: the higher job-info id; files: the later file; Workday:
-- one record per run of identical snapshots). manager_match_status keeps why a manager
-- given by name stayed unknown (`ambiguous`: several people have the name; `unknown`:
-- nobody has it or the number names nobody); mart_hr_data_health counts them.
{{ config(materialized='table') }}

{%- set system = hr_system_of_record() %}

with

job_records as (

    {% if system == 'bamboohr' -%}
    select * from {{ ref('int_people__bamboohr_job_records') }}
    {%- elif system == 'workday' -%}
    select * from {{ ref('int_people__workday_job_records') }}
    {%- else -%}
    select * from {{ ref('int_people__hr_file_job_records') }}
    {%- endif %}

),

final as (

    select
        employee_id,
        effective_on,
        job_title,
        department_name,
        division_name,
        location_name,
        manager_employee_id,
        manager_name,
        manager_match_status,
        source_record_id

    from job_records

)

select * from final
