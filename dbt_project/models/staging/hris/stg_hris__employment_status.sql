{{ config(enabled=source_enabled('bamboohr')) }}

with

source as (

    select * from {{ optional_source('raw_hris', 'employment_status', [
        'id', 'employee_id', 'date', 'employment_status', 'termination_type_id', 'last_changed',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as employment_status_id,
        {{ to_text('employee_id') }} as employee_bamboo_id,
        {{ to_date('"date"') }} as effective_on,
        {{ to_text('employment_status') }} as employment_status,
        {{ to_text(column_or_null('raw_hris', 'employment_status', 'termination_type_id')) }} as termination_type,
        coalesce(lower({{ to_text('employment_status') }}) = 'terminated', false) as is_termination,
        {{ to_utc_timestamp(column_or_null('raw_hris', 'employment_status', 'last_changed')) }} as last_changed_at

    from source

)

select * from renamed
