{{ config(enabled=source_enabled('hr_files')) }}

-- HR file drop rows, typed and renamed. Builds empty while no file was loaded
-- (optional_source). as_of_on is the file's as-of date: a snapshot date column inside the
-- file wins over the date the file is named by.

with

source as (

    select * from {{ optional_source('raw_hris', 'hr_file_records', [
        'file_sha256', 'source_line', 'source_file', 'mapping_name', 'mapping_version', 'shape',
        'snapshot_on', 'employee_number', 'first_name', 'last_name', 'full_name', 'work_email',
        'effective_date', 'hire_date', 'original_hire_date', 'termination_date', 'termination_reason',
        'termination_type', 'employment_status', 'job_title', 'job_code', 'department', 'division',
        'cost_centre', 'location', 'manager_employee_number', 'manager_name', 'fte', 'weekly_hours',
        'pay_amount', 'pay_currency', 'pay_frequency', 'gender', 'age_band', 'ethnicity', 'birth_year',
        'snapshot_date', '_dlt_load_id', '_dlt_id',
    ]) }}

),

renamed as (

    select
        {{ to_text('file_sha256') }} as file_sha256,
        cast({{ to_integer('source_line') }} as bigint) as source_line,
        {{ to_text('source_file') }} as source_file,
        {{ to_text('mapping_name') }} as mapping_name,
        {{ to_text('mapping_version') }} as mapping_version,
        lower({{ to_text('shape') }}) as shape,
        {{ to_date('snapshot_on') }} as snapshot_on,
        {{ to_date(column_or_null('raw_hris', 'hr_file_records', 'snapshot_date')) }} as snapshot_date,
        coalesce(
            {{ to_date(column_or_null('raw_hris', 'hr_file_records', 'snapshot_date')) }},
            {{ to_date('snapshot_on') }}
        ) as as_of_on,
        {{ to_text('employee_number') }} as employee_id,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'first_name')) }} as first_name,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'last_name')) }} as last_name,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'full_name')) }} as full_name,
        lower({{ to_text(column_or_null('raw_hris', 'hr_file_records', 'work_email')) }}) as work_email,
        {{ to_date(column_or_null('raw_hris', 'hr_file_records', 'effective_date')) }} as effective_on,
        {{ to_date(column_or_null('raw_hris', 'hr_file_records', 'hire_date')) }} as hire_date,
        {{ to_date(column_or_null('raw_hris', 'hr_file_records', 'original_hire_date')) }} as original_hire_date,
        {{ to_date(column_or_null('raw_hris', 'hr_file_records', 'termination_date')) }} as termination_date,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'termination_reason')) }} as termination_reason,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'termination_type')) }} as termination_type,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'employment_status')) }} as employment_status,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'job_title')) }} as job_title,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'job_code')) }} as job_code,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'department')) }} as department_name,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'division')) }} as division_name,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'cost_centre')) }} as cost_centre,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'location')) }} as location_name,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'manager_employee_number')) }}
            as manager_employee_id,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'manager_name')) }} as manager_name,
        {{ to_double(column_or_null('raw_hris', 'hr_file_records', 'fte')) }} as fte,
        {{ to_double(column_or_null('raw_hris', 'hr_file_records', 'weekly_hours')) }} as weekly_hours,
        {{ to_double(column_or_null('raw_hris', 'hr_file_records', 'pay_amount')) }} as pay_amount,
        upper({{ to_text(column_or_null('raw_hris', 'hr_file_records', 'pay_currency')) }}) as pay_currency_code,
        lower({{ to_text(column_or_null('raw_hris', 'hr_file_records', 'pay_frequency')) }}) as pay_frequency,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'gender')) }} as gender,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'age_band')) }} as age_band,
        {{ to_text(column_or_null('raw_hris', 'hr_file_records', 'ethnicity')) }} as ethnicity,
        {{ to_integer(column_or_null('raw_hris', 'hr_file_records', 'birth_year')) }} as birth_year,
        {{ to_text('_dlt_load_id') }} as dlt_load_id,
        {{ to_text('_dlt_id') }} as dlt_id

    from source

)

select * from renamed
