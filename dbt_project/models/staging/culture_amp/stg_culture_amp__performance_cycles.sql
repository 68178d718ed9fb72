{{ config(enabled=source_enabled('culture_amp')) }}

with

source as (

    select * from {{ optional_source('raw_performance', 'culture_amp_performance_cycles', [
        'id', 'name', 'period_start', 'period_end', 'status',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as performance_cycle_id,
        {{ to_text('name') }} as performance_cycle_name,
        {{ to_date('period_start') }} as period_start_on,
        {{ to_date('period_end') }} as period_end_on,
        lower({{ to_text('status') }}) as performance_cycle_status

    from source

)

select * from renamed
