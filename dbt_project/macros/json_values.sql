{#-
    Typed, never-failing access to one value of a JSON document, by a list of keys.

        {{ json_at('statement', ['context', 'contextActivities', 'parent']) }}
        {{ json_text_at('statement', ['context', 'extensions', 'https://w3id.org/xapi/cmi5/context/extensions/sessionid']) }}
        {{ json_boolean_at('statement', ['result', 'success']) }}

    Keys are a list (not a dotted path as in `json_text`) because xAPI extension keys are
    IRIs full of dots. `[]` is the document itself. Every macro accepts a JSON, JSONB or
    text column and returns null when the path is absent. A value of the wrong JSON type
    reads as null instead of failing the query: `json_boolean_at` is true or false only for
    a JSON boolean (`"yes"`, `"true"`, `1` are null), `json_number_at` a double only for a
    JSON number of magnitude below 1e100 (a numeric string is null), so a bad value in one
    statement can never fail every query of a view. `json_type_at` tells which case it was:
    `object`, `array`, `string`, `number`, `boolean`, `null` (a JSON null), or SQL null
    when the path is absent.
-#}

{%- macro json_keys_checked(keys) -%}
    {%- if keys is string -%}
        {{ exceptions.raise_compiler_error("json_values: keys must be a list, got the string '" ~ keys ~ "'") }}
    {%- endif -%}
    {%- for key in keys -%}
        {%- if '"' in key or "'" in key or '\\' in key -%}
            {{ exceptions.raise_compiler_error("json_values: a key may not hold quotes or backslashes: " ~ key) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(keys) }}
{%- endmacro -%}

{#- A JSON path for DuckDB (`$."a"."b"`) or a text-array path for PostgreSQL (`{"a","b"}`). -#}
{%- macro json_path_duckdb(keys) -%}
    {%- set parts = [] -%}
    {%- for key in lp_warehouse.json_keys_checked(keys) -%}
        {%- do parts.append('."' ~ key ~ '"') -%}
    {%- endfor -%}
    {{ return("'$" ~ parts | join('') ~ "'") }}
{%- endmacro -%}

{%- macro json_path_postgres(keys) -%}
    {%- set parts = [] -%}
    {%- for key in lp_warehouse.json_keys_checked(keys) -%}
        {%- do parts.append('"' ~ key ~ '"') -%}
    {%- endfor -%}
    {{ return("'{" ~ parts | join(',') ~ "}'") }}
{%- endmacro -%}


{#- The JSON value at `keys` (JSON on DuckDB, JSONB on PostgreSQL); a JSON null stays a JSON null. -#}
{% macro json_at(column, keys) -%}
    {{ return(adapter.dispatch('json_at', 'lp_warehouse')(column, keys)) }}
{%- endmacro %}

{% macro default__json_at(column, keys) -%}
    {%- if keys | length == 0 -%}
        cast({{ column }} as jsonb)
    {%- else -%}
        (cast({{ column }} as jsonb) #> {{ lp_warehouse.json_path_postgres(keys) }})
    {%- endif -%}
{%- endmacro %}

{% macro duckdb__json_at(column, keys) -%}
    {%- if keys | length == 0 -%}
        cast({{ column }} as json)
    {%- else -%}
        json_extract(cast({{ column }} as json), {{ lp_warehouse.json_path_duckdb(keys) }})
    {%- endif -%}
{%- endmacro %}


{#- The value at `keys` as text: a string unquoted, a number or boolean as written, an
    object or array as JSON text; null when absent or a JSON null. -#}
{% macro json_text_at(column, keys) -%}
    {{ return(adapter.dispatch('json_text_at', 'lp_warehouse')(column, keys)) }}
{%- endmacro %}

{% macro default__json_text_at(column, keys) -%}
    (cast({{ column }} as jsonb) #>> {{ lp_warehouse.json_path_postgres(keys) }})
{%- endmacro %}

{% macro duckdb__json_text_at(column, keys) -%}
    json_extract_string(cast({{ column }} as json), {{ lp_warehouse.json_path_duckdb(keys) }})
{%- endmacro %}


{#- `object`, `array`, `string`, `number`, `boolean` or `null` (JSON null); SQL null when absent. -#}
{% macro json_type_at(column, keys) -%}
    {{ return(adapter.dispatch('json_type_at', 'lp_warehouse')(column, keys)) }}
{%- endmacro %}

{% macro default__json_type_at(column, keys) -%}
    jsonb_typeof({{ lp_warehouse.json_at(column, keys) }})
{%- endmacro %}

{% macro duckdb__json_type_at(column, keys) -%}
    {%- set duckdb_type = 'json_type(cast(' ~ column ~ ' as json), ' ~ lp_warehouse.json_path_duckdb(keys) ~ ')' -%}
    (case {{ duckdb_type }}
        when 'OBJECT' then 'object'
        when 'ARRAY' then 'array'
        when 'VARCHAR' then 'string'
        when 'BOOLEAN' then 'boolean'
        when 'NULL' then 'null'
        when 'BIGINT' then 'number'
        when 'UBIGINT' then 'number'
        when 'HUGEINT' then 'number'
        when 'DOUBLE' then 'number'
    end)
{%- endmacro %}


{#- true / false for a JSON boolean, null for anything else (a string "yes", a number, absent). -#}
{% macro json_boolean_at(column, keys) -%}
    (case
        when {{ lp_warehouse.json_type_at(column, keys) }} = 'boolean'
            then {{ lp_warehouse.json_text_at(column, keys) }} = 'true'
    end)
{%- endmacro %}


{#- A double for a JSON number (magnitude below 1e100), null for anything else. -#}
{% macro json_number_at(column, keys) -%}
    (case
        when {{ lp_warehouse.json_type_at(column, keys) }} = 'number'
            then {{ lp_warehouse.safe_double(lp_warehouse.json_text_at(column, keys)) }}
    end)
{%- endmacro %}


{#- Decimal text (`-12.5`, `1e-05`, `1E+25`) as double precision, null for anything else
    (including numbers too large to cast safely: more than 20 integer digits or a
    three-digit exponent). -#}
{% macro safe_double(expression) -%}
    {%- set number_text = 'trim(cast(' ~ expression ~ ' as ' ~ dbt.type_string() ~ '))' -%}
    (case
        when {{ lp_warehouse.regexp_capture(number_text, '^(-?[0-9]{1,20}(?:[.][0-9]+)?(?:[eE][-+]?[0-9]{1,2})?)$') }} is not null
            then cast({{ number_text }} as double precision)
    end)
{%- endmacro %}


{#- Number of elements of the array at `keys`; null when it is not an array. -#}
{% macro json_array_length_at(column, keys) -%}
    {{ return(adapter.dispatch('json_array_length_at', 'lp_warehouse')(column, keys)) }}
{%- endmacro %}

{% macro default__json_array_length_at(column, keys) -%}
    (case
        when jsonb_typeof({{ lp_warehouse.json_at(column, keys) }}) = 'array'
            then jsonb_array_length({{ lp_warehouse.json_at(column, keys) }})
    end)
{%- endmacro %}

{% macro duckdb__json_array_length_at(column, keys) -%}
    (case
        when {{ lp_warehouse.json_type_at(column, keys) }} = 'array'
            then cast(json_array_length({{ lp_warehouse.json_at(column, keys) }}) as integer)
    end)
{%- endmacro %}


{#- True when the value at `keys` is an array holding an object whose `id` is `object_id`
    (or, as xAPI 0.95 allowed, that one object itself); false otherwise, never null.
    For contextActivities: `json_has_activity_id('statement', [..., 'category'], 'https://...')`. -#}
{% macro json_has_activity_id(column, keys, object_id) -%}
    {{ return(adapter.dispatch('json_has_activity_id', 'lp_warehouse')(column, keys, object_id)) }}
{%- endmacro %}

{% macro default__json_has_activity_id(column, keys, object_id) -%}
    {%- set value = lp_warehouse.json_at(column, keys) -%}
    coalesce(case jsonb_typeof({{ value }})
        when 'array' then {{ value }} @> jsonb_build_array(jsonb_build_object('id', cast('{{ object_id }}' as text)))
        when 'object' then ({{ value }} ->> 'id') = '{{ object_id }}'
    end, false)
{%- endmacro %}

{% macro duckdb__json_has_activity_id(column, keys, object_id) -%}
    coalesce(case {{ lp_warehouse.json_type_at(column, keys) }}
        when 'array' then exists (
            select 1
            from json_each({{ lp_warehouse.json_at(column, keys) }}) as activities
            where json_extract_string(activities.value, '$.id') = '{{ object_id }}'
        )
        when 'object' then {{ lp_warehouse.json_text_at(column, keys + ['id']) }} = '{{ object_id }}'
    end, false)
{%- endmacro %}
