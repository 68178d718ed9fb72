-- KPIs of the business goals (framework/business_kpis.csv), one row per KPI.

with

source as (

    select * from {{ optional_source('raw_framework', 'business_kpis', [
        'kpi_id', 'goal_id', 'kpi_name', 'unit', 'direction', 'grain', 'definition'
    ]) }}

),

renamed as (

    select
        {{ to_text('kpi_id') }} as kpi_id,
        {{ to_text('goal_id') }} as goal_id,
        {{ to_text('kpi_name') }} as kpi_name,
        {{ to_text('unit') }} as unit,
        {{ to_text('direction') }} as direction,
        {{ to_text('grain') }} as grain,
        {{ to_text('definition') }} as kpi_definition

    from source

)

select * from renamed
