{#-
    The first capture group of `pattern` in `expression`, or null when it does not match.
    Patterns use the common subset of RE2 (DuckDB) and POSIX ARE (PostgreSQL):
    bracket classes like [0-9], non-capturing groups (?:...), no backslash classes.
-#}
{% macro regexp_capture(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_capture', 'lp_warehouse')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_capture(expression, pattern) -%}
    substring({{ expression }} from '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regexp_capture(expression, pattern) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', 1), '')
{%- endmacro %}
