{{ config(enabled=source_enabled('bamboohr')) }}

-- The BambooHR tables must exist while BambooHR is the HR system of record; when it is an
-- optional system (HR_SYSTEM_OF_RECORD=workday or files) an unloaded table builds empty.
-- gender, ethnicity and birth_year are protected characteristics, loaded only when the
-- tenant sends them (absent columns give nulls); the connector keeps the year of the date
-- of birth, never the date. Only dim_employee_protected reads them onwards.

with

source as (

    {% if hr_system_of_record() == 'bamboohr' -%}
    select * from {{ source('raw_hris', 'employees') }}
    {%- else -%}
    select * from {{ optional_source('raw_hris', 'employees', [
        'id', 'employee_number', 'first_name', 'last_name', 'display_name', 'work_email', 'hire_date',
        'termination_date', 'status', 'job_title', 'department', 'division', 'location', 'supervisor_e_id',
        'last_changed', 'gender', 'ethnicity', 'birth_year',
    ]) }}
    {%- endif %}

),

renamed as (

    select
        {{ to_text('id') }} as employee_bamboo_id,
        {{ to_text('employee_number') }} as employee_id,
        {{ to_text('first_name') }} as first_name,
        {{ to_text('last_name') }} as last_name,
        {{ to_text('display_name') }} as display_name,
        lower({{ to_text('work_email') }}) as work_email,
        {{ to_date('hire_date') }} as hire_date,
        {{ to_date(column_or_null('raw_hris', 'employees', 'termination_date')) }} as termination_date,
        {{ to_text('status') }} as employment_status,
        {{ to_text('job_title') }} as job_title,
        {{ to_text('department') }} as department_name,
        {{ to_text('division') }} as division_name,
        {{ to_text('location') }} as location_name,
        {{ to_text(column_or_null('raw_hris', 'employees', 'supervisor_e_id')) }} as supervisor_bamboo_id,
        {{ to_utc_timestamp('last_changed') }} as last_changed_at,
        {{ to_text(column_or_null('raw_hris', 'employees', 'gender')) }} as gender,
        {{ to_text(column_or_null('raw_hris', 'employees', 'ethnicity')) }} as ethnicity,
        {{ to_integer(column_or_null('raw_hris', 'employees', 'birth_year')) }} as birth_year

    from source

)

select * from renamed
