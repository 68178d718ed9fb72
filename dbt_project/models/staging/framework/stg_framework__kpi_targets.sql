-- KPI targets per effective period (framework/kpi_targets.csv).

with

source as (

    select * from {{ optional_source('raw_framework', 'kpi_targets', [
        'kpi_id', 'target_value', 'effective_from', 'effective_to'
    ]) }}

),

renamed as (

    select
        {{ to_text('kpi_id') }} as kpi_id,
        {{ to_double('target_value') }} as target_value,
        {{ to_date('effective_from') }} as effective_from,
        {{ to_date('effective_to') }} as effective_to

    from source

)

select * from renamed
