{{ config(enabled=source_enabled('bamboohr')) }}

-- Must exist while BambooHR is the HR system of record; builds empty when it is optional
-- and was never loaded.

with

source as (

    {% if hr_system_of_record() == 'bamboohr' -%}
    select * from {{ source('raw_hris', 'job_info') }}
    {%- else -%}
    select * from {{ optional_source('raw_hris', 'job_info', [
        'id', 'employee_id', 'date', 'location', 'department', 'division', 'job_title', 'reports_to',
    ]) }}
    {%- endif %}

),

renamed as (

    select
        {{ to_text('id') }} as job_info_id,
        {{ to_text('employee_id') }} as employee_bamboo_id,
        {{ to_date('"date"') }} as effective_on,
        {{ to_text('location') }} as location_name,
        {{ to_text('department') }} as department_name,
        {{ to_text('division') }} as division_name,
        {{ to_text('job_title') }} as job_title,
        {{ to_text(column_or_null('raw_hris', 'job_info', 'reports_to')) }} as reports_to_display_name

    from source

)

select * from renamed
