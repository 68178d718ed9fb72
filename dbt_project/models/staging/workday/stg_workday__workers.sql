{{ config(enabled=source_enabled('workday')) }}

with

source as (

    select * from {{ optional_source('raw_hris', 'workday_workers', [
        'employee_id', 'snapshot_on', 'legacy_employee_number', 'worker', 'email_primary_work',
        'hire_date', 'original_hire_date', 'business_title', 'supervisory_organization',
        'manager_employee_id', 'location', 'active_status',
    ]) }}

),

renamed as (

    select
        {{ to_text('employee_id') }} as workday_worker_id,
        {{ to_date('snapshot_on') }} as snapshot_on,
        {{ to_text(column_or_null('raw_hris', 'workday_workers', 'legacy_employee_number')) }} as hris_employee_number,
        {{ to_text('worker') }} as worker_name,
        lower({{ to_text('email_primary_work') }}) as work_email,
        {{ to_date('hire_date') }} as hire_date,
        {{ to_date(column_or_null('raw_hris', 'workday_workers', 'original_hire_date')) }} as original_hire_date,
        {{ to_text('business_title') }} as job_title,
        {{ to_text('supervisory_organization') }} as supervisory_organization_name,
        -- `Sales Americas (Smith)`: the department, without the manager's name Workday appends
        nullif(
            trim(regexp_replace({{ to_text('supervisory_organization') }}, '[ ]*[(][^()]*[)][ ]*$', '')),
            ''
        ) as department_name,
        {{ to_text(column_or_null('raw_hris', 'workday_workers', 'manager_employee_id')) }} as manager_workday_worker_id,
        {{ to_text(column_or_null('raw_hris', 'workday_workers', 'location')) }} as location_name,
        {{ to_text('active_status') }} = '1' as is_active

    from source

)

select * from renamed
