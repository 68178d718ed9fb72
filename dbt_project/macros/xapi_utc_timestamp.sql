{#-
    An xAPI timestamp as a UTC `timestamp` (without time zone), from a timestamptz, a
    timestamp or ISO 8601 text, never failing the query:

        {{ xapi_utc_timestamp('"timestamp"') }}

    * with an offset (`2024-03-04T10:00:00+01:00`, `...Z`, `+0100`, lower-case `t`/`z`,
      a space for `T`): converted to UTC, like `to_utc_timestamp`;
    * without an offset (`2024-03-04T10:00:00`, as older loads kept some statements, which
      xAPI forbids): read as UTC. `to_utc_timestamp` would read it in the session's time
      zone, so the same row would move with the server's clock settings;
    * anything else (a week date, garbage): null. The connector now quarantines statements
      without a usable timestamp; this guards what older loads hold. On DuckDB an
      impossible calendar date (`2024-02-30`) is null too; on PostgreSQL the pattern
      excludes all but day-of-month overflows.
-#}
{% macro xapi_utc_timestamp(column) -%}
    {%- set timestamp_text = "replace(upper(trim(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "))), ' ', 'T')" -%}
    {%- set date_time = '[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:[.][0-9]{1,9})?)?)?' -%}
    {%- set offset = '(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)' -%}
    (case
        when {{ lp_warehouse.regexp_capture(timestamp_text, '^(' ~ date_time ~ offset ~ ')$') }} is not null
            then {{ adapter.dispatch('xapi_cast_timestamp', 'lp_warehouse')(timestamp_text, true) }}
        when {{ lp_warehouse.regexp_capture(timestamp_text, '^(' ~ date_time ~ ')$') }} is not null
            then {{ adapter.dispatch('xapi_cast_timestamp', 'lp_warehouse')(timestamp_text, false) }}
    end)
{%- endmacro %}

{% macro default__xapi_cast_timestamp(timestamp_text, has_offset) -%}
    {%- if has_offset -%}
        cast((cast({{ timestamp_text }} as timestamp with time zone) at time zone 'UTC') as {{ dbt.type_timestamp() }})
    {%- else -%}
        cast({{ timestamp_text }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__xapi_cast_timestamp(timestamp_text, has_offset) -%}
    {%- if has_offset -%}
        cast((try_cast({{ timestamp_text }} as timestamp with time zone) at time zone 'UTC') as {{ dbt.type_timestamp() }})
    {%- else -%}
        try_cast({{ timestamp_text }} as {{ dbt.type_timestamp() }})
    {%- endif -%}
{%- endmacro %}

