{#-
    SHA-1 of a text expression (its UTF-8 bytes) as 40 lower-case hex digits, e.g. to match
    an xAPI `mbox_sha1sum` (the SHA-1 of `mailto:` + the email address):

        {{ sha1_hex(dbt.concat(["'mailto:'", 'work_email'])) }}

    DuckDB has `sha1()`. PostgreSQL has no SHA-1 in core: it is pgcrypto's `digest()`,
    looked up in whatever schema the extension was created in. Without pgcrypto the
    macro returns null (and dbt logs a warning once per model), so `mbox_sha1sum` actors
    stay unresolved and are counted as unmatched rather than failing the build; a
    database owner enables it with `create extension pgcrypto` (a trusted extension since
    PostgreSQL 13).
-#}
{% macro sha1_hex(expression) -%}
    {{ return(adapter.dispatch('sha1_hex', 'lp_warehouse')(expression)) }}
{%- endmacro %}

{% macro duckdb__sha1_hex(expression) -%}
    sha1(cast({{ expression }} as {{ dbt.type_string() }}))
{%- endmacro %}

{% macro postgres__sha1_hex(expression) -%}
    {%- set digest_schema = none -%}
    {%- if execute -%}
        {%- set found = run_query(
            "select n.nspname from pg_proc as p join pg_namespace as n on n.oid = p.pronamespace"
            ~ " where p.proname = 'digest' and pg_get_function_identity_arguments(p.oid) = 'bytea, text'"
            ~ " order by n.nspname limit 1"
        ) -%}
        {%- if found.rows | length > 0 -%}
            {%- set digest_schema = found.rows[0][0] -%}
        {%- else -%}
            {%- do exceptions.warn(
                "sha1_hex: pgcrypto is not installed in this database; xAPI mbox_sha1sum actors"
                ~ " stay unresolved (create extension pgcrypto to resolve them)"
            ) -%}
        {%- endif -%}
    {%- endif -%}
    {%- if digest_schema is not none -%}
        encode({{ adapter.quote(digest_schema) }}.digest(convert_to(cast({{ expression }} as text), 'UTF8'), 'sha1'), 'hex')
    {%- else -%}
        cast(null as text)
    {%- endif -%}
{%- endmacro %}

{% macro default__sha1_hex(expression) -%}
    {%- do exceptions.warn("sha1_hex: no SHA-1 for adapter " ~ adapter.type() ~ "; mbox_sha1sum actors stay unresolved") -%}
    cast(null as {{ dbt.type_string() }})
{%- endmacro %}
