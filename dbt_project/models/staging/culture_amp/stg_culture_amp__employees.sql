{{ config(enabled=source_enabled('culture_amp')) }}

with

source as (

    select * from {{ optional_source('raw_performance', 'culture_amp_employees', [
        'id', 'employee_id', 'email', 'name', 'status',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as culture_amp_employee_id,
        {{ to_text(column_or_null('raw_performance', 'culture_amp_employees', 'employee_id')) }} as hris_employee_number,
        lower({{ to_text('email') }}) as email,
        {{ to_text('name') }} as employee_name,
        lower({{ to_text('status') }}) as employee_status

    from source

)

select * from renamed
