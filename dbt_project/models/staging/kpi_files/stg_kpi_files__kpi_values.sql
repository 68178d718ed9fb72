-- KPI actuals from the KPI file drop (ingestion/kpi_files), one row per data row of a
-- file; rows the loader quarantined are not here. A later file may restate a period
-- (int_goals__kpi_values keeps the latest). Empty when no KPI file was ever loaded.

with

source as (

    select * from {{ optional_source('raw_kpi', 'kpi_values', [
        'file_sha256', 'source_line', 'source_file', 'mapping_name', 'mapping_version',
        'kpi_id', 'grain', 'entity_id', 'period_start', 'period_end', 'value', '_dlt_load_id'
    ]) }}

),

renamed as (

    select
        {{ to_text('file_sha256') }} as file_sha256,
        {{ to_integer('source_line') }} as source_line,
        {{ to_text('source_file') }} as source_file_name,
        {{ to_text('mapping_name') }} as mapping_name,
        {{ to_text('kpi_id') }} as kpi_id,
        {{ to_text('grain') }} as grain,
        {{ to_text('entity_id') }} as entity_id,
        {{ to_date('period_start') }} as period_start_on,
        {{ to_date('period_end') }} as period_end_on,
        {{ to_double('value') }} as kpi_value,
        {{ to_text('_dlt_load_id') }} as load_id

    from source

)

select * from renamed
