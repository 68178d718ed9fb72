{#-
    Casts for raw columns whose loaded type is not trusted: the loader may have stored a
    value as text, date, timestamp or timestamptz. Empty strings become null.
-#}

{#- A calendar date from `YYYY-MM-DD` text, a date or a timestamp. -#}
{% macro to_date(column) -%}
    cast(cast(nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '') as {{ dbt.type_timestamp() }}) as date)
{%- endmacro %}

{#- A timestamp without time zone, in UTC, from ISO 8601 text (any offset) or a timestamp. -#}
{% macro to_utc_timestamp(column) -%}
    cast(
        (cast(nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '') as timestamp with time zone) at time zone 'UTC')
        as {{ dbt.type_timestamp() }}
    )
{%- endmacro %}

{#- Text with surrounding whitespace removed; empty strings become null. -#}
{% macro to_text(column) -%}
    nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '')
{%- endmacro %}

{#- A whole number from an integer, a whole-valued float or numeric text (`3`, `3.0`). -#}
{% macro to_integer(column) -%}
    cast(cast(nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '') as double precision) as integer)
{%- endmacro %}

{#- A double precision number from a number or numeric text. -#}
{% macro to_double(column) -%}
    cast(nullif(trim(cast({{ column }} as {{ dbt.type_string() }})), '') as double precision)
{%- endmacro %}

{#- A boolean from a boolean or `true`/`false` text. -#}
{% macro to_boolean(column) -%}
    cast(nullif(lower(trim(cast({{ column }} as {{ dbt.type_string() }}))), '') as boolean)
{%- endmacro %}
