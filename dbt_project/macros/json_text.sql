{#-
    Extract one value from a JSON document as text.

        {{ json_text('statement', 'result.score.scaled') }}

    `path` is dot-separated; keys may contain any character except a dot
    (`object.definition.name.en-US`). Returns null when the path is absent.
    Works on JSON, JSONB and text columns.
-#}
{% macro json_text(column, path) -%}
    {{ return(adapter.dispatch('json_text', 'lp_warehouse')(column, path)) }}
{%- endmacro %}

{% macro default__json_text(column, path) -%}
    (cast({{ column }} as jsonb) #>> '{ {{- path.split('.') | join(',') -}} }')
{%- endmacro %}

{% macro duckdb__json_text(column, path) -%}
    {%- set quoted_keys = [] -%}
    {%- for key in path.split('.') -%}
        {%- do quoted_keys.append('"' ~ key ~ '"') -%}
    {%- endfor -%}
    json_extract_string({{ column }}, '$.{{ quoted_keys | join('.') }}')
{%- endmacro %}
