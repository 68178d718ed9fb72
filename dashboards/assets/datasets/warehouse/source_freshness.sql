-- Freshness per source: the loads dlt recorded in each raw schema's _dlt_loads table
-- (one row per source system and raw schema), for the Data Health dashboard.
-- Every raw schema the pipeline loads is listed here; a new raw schema needs a line.
with loads as (
    select schema_name as source_name, 'raw_hris' as raw_schema, status, inserted_at from raw_hris._dlt_loads
    union all
    select schema_name, 'raw_lms', status, inserted_at from raw_lms._dlt_loads
    union all
    select schema_name, 'raw_performance', status, inserted_at from raw_performance._dlt_loads
    union all
    select schema_name, 'raw_finance', status, inserted_at from raw_finance._dlt_loads
    union all
    select schema_name, 'raw_framework', status, inserted_at from raw_framework._dlt_loads
)

select
    raw_schema as schema_name,
    source_name,
    timezone('UTC', max(inserted_at)) as last_loaded_at,
    timezone('UTC', min(inserted_at)) as first_loaded_at,
    count(*) as load_count,
    count(case when status <> 0 then 1 end) as unfinished_load_count,
    round(date_diff('minute', max(inserted_at), current_timestamp) / 60.0, 1) as hours_since_last_load
from loads
group by raw_schema, source_name
