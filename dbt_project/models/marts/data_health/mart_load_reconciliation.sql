-- Load reconciliation for the Data Health dashboard: every unit a connector read (a file,
-- a page, a cursor window), per raw schema and load, with the records it received, loaded
-- and quarantined, or that the whole unit was rejected and why. The connectors append one
-- row per load and unit to their raw schema's `load_reconciliation` table
-- (ingestion/reconciliation.py); a schema whose connectors never wrote one (optional
-- sources, connectors that do not reconcile yet) contributes no rows. A new raw schema
-- needs a line below and its table in _data_health__load_reconciliation.yml.

{%- set raw_schemas = ['raw_hris', 'raw_lms', 'raw_performance', 'raw_finance', 'raw_framework', 'raw_kpi'] %}

with

{% for raw_schema in raw_schemas %}
{{ raw_schema }}_units as (

    -- typed per schema: a missing table's stand-in has text columns only
    select
        cast('{{ raw_schema }}' as {{ dbt.type_string() }}) as raw_schema,
        -- the connector writes dlt's load id itself; the row's own _dlt_load_id is the same
        coalesce({{ to_text('load_id') }}, {{ to_text('_dlt_load_id') }}) as load_id,
        {{ to_text('source') }} as source,
        {{ to_text('resource') }} as resource,
        {{ to_text('unit') }} as unit,
        cast({{ to_text('received') }} as {{ dbt.type_bigint() }}) as received,
        cast({{ to_text('loaded') }} as {{ dbt.type_bigint() }}) as loaded,
        cast({{ to_text('quarantined') }} as {{ dbt.type_bigint() }}) as quarantined,
        coalesce({{ to_boolean('rejected') }}, false) as is_rejected,
        {{ to_text('reason') }} as reason

    from {{ load_reconciliation_table(raw_schema) }}

),

{% endfor %}
units as (

    {% for raw_schema in raw_schemas %}
    select * from {{ raw_schema }}_units
    {%- if not loop.last %}
    union all
    {%- endif %}
    {% endfor %}

),

flagged as (

    select
        raw_schema,
        load_id,
        -- a dlt load id is the Unix time the load started, with a fraction
        cast(to_timestamp(cast(load_id as double precision)) at time zone 'UTC' as {{ dbt.type_timestamp() }}) as loaded_at,
        cast(load_id as double precision) as load_epoch_seconds,
        source,
        resource,
        unit,
        received,
        loaded,
        quarantined,
        is_rejected,
        reason,
        -- read before and passed over on purpose (same content already loaded): no records
        -- this time, and a reason instead of silence
        coalesce(not is_rejected and received = 0 and reason is not null, false) as is_skipped,
        -- a refused unit loads nothing; any other unit accounts for every record it received
        coalesce(is_rejected or received = loaded + quarantined, false) as is_balanced

    from units

),

final as (

    select
        raw_schema,
        load_id,
        loaded_at,
        source,
        resource,
        unit,
        received,
        loaded,
        quarantined,
        is_rejected,
        reason,
        is_skipped,
        is_balanced,
        load_epoch_seconds = max(load_epoch_seconds) over (
            partition by raw_schema, source, resource, unit
        ) as is_latest_for_unit

    from flagged

)

select * from final
