{{ config(enabled=source_enabled('culture_amp')) }}

with

source as (

    select * from {{ optional_source('raw_performance', 'culture_amp_manager_reviews', [
        'id', 'performance_cycle_id', 'employee_id', 'manager_id', 'submitted_at',
        'rating__bucket', 'rating__value', 'rating__scale_size',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as manager_review_id,
        {{ to_text('performance_cycle_id') }} as performance_cycle_id,
        {{ to_text('employee_id') }} as culture_amp_employee_id,
        {{ to_text(column_or_null('raw_performance', 'culture_amp_manager_reviews', 'manager_id')) }} as manager_culture_amp_employee_id,
        {{ to_utc_timestamp('submitted_at') }} as submitted_at,
        {{ to_text(column_or_null('raw_performance', 'culture_amp_manager_reviews', 'rating__bucket')) }} as rating_bucket,
        {{ to_integer(column_or_null('raw_performance', 'culture_amp_manager_reviews', 'rating__value')) }} as rating_value,
        {{ to_integer(column_or_null('raw_performance', 'culture_amp_manager_reviews', 'rating__scale_size')) }} as rating_scale_size

    from source

)

select * from renamed
