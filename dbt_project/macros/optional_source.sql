{#-
    A source table that may not be loaded in this warehouse: the relation when it exists,
    else an empty relation with the given (text) columns, so the staging model builds and
    yields no rows instead of failing the whole project.

        select * from {{ optional_source('raw_performance', 'checkins', ['id', 'user_id']) }}

    Use it only as `select * from {{ ... }}` (the stand-in carries its own alias).

    For tables of optional systems (a customer without 15Five has no check-ins) and of
    tables a connector adds later than the core ones (BambooHR employment status). The
    dependency on the source is recorded either way, so lineage and `source:` selection
    still work. A raw table that should exist but does not is caught by its Great
    Expectations suite (a blocking check on the raw asset), not here.
-#}
{% macro optional_source(source_name, table_name, columns) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set loaded = adapter.get_relation(
        database=relation.database,
        schema=relation.schema,
        identifier=relation.identifier
    ) -%}
    {%- if loaded is not none -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set typed = [] -%}
    {%- for column in columns -%}
        {%- do typed.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ adapter.quote(column)) -%}
    {%- endfor -%}
    {{ return('(select ' ~ typed | join(', ') ~ ' where 1 = 0) as not_loaded') }}
{%- endmacro %}
