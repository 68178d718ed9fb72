{#-
    A raw schema's `load_reconciliation` table (ingestion/reconciliation.py), for
    models/marts/data_health/mart_load_reconciliation.sql:

        select load_id, source, ... from {{ load_reconciliation_table('raw_hris') }}

    Through optional_source, so a schema whose connectors never wrote the table yields no
    rows instead of failing the build; in a unit test the source is its fixture, which
    optional_source would not find in the warehouse and replace with the empty stand-in.
-#}
{% macro load_reconciliation_table(raw_schema) -%}
    {%- set relation = source(raw_schema, 'load_reconciliation') -%}
    {%- if relation.type == 'cte' -%}
        {{ return(relation) }}
    {%- endif -%}
    {{ return(optional_source(raw_schema, 'load_reconciliation', load_reconciliation_columns())) }}
{%- endmacro %}

{#- The columns every connector writes (dlt creates all of them: they carry type hints). -#}
{% macro load_reconciliation_columns() -%}
    {{ return([
        'load_id', 'source', 'resource', 'unit', 'received', 'loaded', 'quarantined', 'rejected',
        'reason', '_dlt_load_id',
    ]) }}
{%- endmacro %}
