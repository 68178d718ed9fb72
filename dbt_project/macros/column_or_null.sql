{#-
    A source column that may be missing: dlt creates a column only once it has seen a
    non-null value, so a small or young load can lack e.g. `termination_date`. Renders
    the quoted column when the loaded table has it, else a typed null.

        {{ column_or_null('raw_hris', 'employees', 'termination_date') }}

    Looks the table up from the source definition (not from `source()`, which unit tests
    replace with fixtures).
-#}
{% macro column_or_null(source_name, table_name, column_name) -%}
    {%- if not execute -%}
        {{ return(adapter.quote(column_name)) }}
    {%- endif -%}
    {#- The source definition when the graph has it; unit tests compile without sources
        in the graph, then the source's default location (schema = source name) is used. -#}
    {%- set matches = (graph.get('sources') or {}).values()
        | selectattr('source_name', 'equalto', source_name)
        | selectattr('name', 'equalto', table_name)
        | list -%}
    {%- if matches | length == 1 -%}
        {%- set node = matches[0] -%}
        {%- set relation = adapter.get_relation(
            database=node.database,
            schema=node.schema,
            identifier=node.identifier or node.name
        ) -%}
    {%- else -%}
        {%- set relation = adapter.get_relation(
            database=target.database,
            schema=source_name,
            identifier=table_name
        ) -%}
    {%- endif -%}
    {%- set loaded_columns = [] -%}
    {%- if relation is not none -%}
        {%- for column in adapter.get_columns_in_relation(relation) -%}
            {%- do loaded_columns.append(column.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if column_name | lower in loaded_columns -%}
        {{ return(adapter.quote(column_name)) }}
    {%- else -%}
        {{ return('cast(null as ' ~ dbt.type_string() ~ ')') }}
    {%- endif -%}
{%- endmacro %}
