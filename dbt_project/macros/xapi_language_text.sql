{#-
    The text of an xAPI language map (`{"en-GB": "Colour", "de": "Farbe"}`) in the language
    the warehouse prefers:

        {{ xapi_language_text('statement', ['object', 'definition', 'name']) }}

    The dbt var `xapi_language_preference` (default `['en-US', 'en', 'en-GB']`) lists the
    tags to try, in order, compared case-insensitively (RFC 5646 tags are); when none is
    present, the entry whose tag sorts first (byte order, the same on both adapters) is
    taken, so a map in another language still gives a name. Entries that are not strings
    or are blank are skipped. A plain string where a map belongs (a lenient LMS) is taken
    as it is. Null when the map is absent or has no usable entry.

    Moodle and Open edX send `en` (Open edX also `en-US` for some verbs): with the default
    list they resolve like `en-US` senders.
-#}
{% macro xapi_language_text(column, keys) -%}
    {%- set preference = var('xapi_language_preference', ['en-US', 'en', 'en-GB']) -%}
    {%- if preference is string -%}
        {%- set preference = [preference] -%}
    {%- endif -%}
    {%- for tag in preference -%}
        {%- if not modules.re.match('^[A-Za-z0-9-]+$', tag | string) -%}
            {{ exceptions.raise_compiler_error("xapi_language_preference: '" ~ tag ~ "' is not a language tag") }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(adapter.dispatch('xapi_language_text', 'lp_warehouse')(column, keys, preference)) }}
{%- endmacro %}

{% macro xapi_language_rank(key_expression, preference) -%}
    case lower({{ key_expression }})
        {%- for tag in preference %}
        when '{{ tag | lower }}' then {{ loop.index }}
        {%- endfor %}
        else {{ preference | length + 1 }}
    end
{%- endmacro %}

{% macro default__xapi_language_text(column, keys, preference) -%}
    {%- set language_map = lp_warehouse.json_at(column, keys) -%}
    (case jsonb_typeof({{ language_map }})
        when 'string' then nullif(trim({{ language_map }} #>> '{}'), '')
        when 'object' then (
            select trim(language_entries.value #>> '{}')
            from jsonb_each(case when jsonb_typeof({{ language_map }}) = 'object' then {{ language_map }} end) as language_entries
            where jsonb_typeof(language_entries.value) = 'string'
                and trim(language_entries.value #>> '{}') <> ''
            order by
                {{ lp_warehouse.xapi_language_rank('language_entries.key', preference) }},
                language_entries.key collate "C"
            limit 1
        )
    end)
{%- endmacro %}

{% macro duckdb__xapi_language_text(column, keys, preference) -%}
    {%- set language_map = lp_warehouse.json_at(column, keys) -%}
    (case {{ lp_warehouse.json_type_at(column, keys) }}
        when 'string' then nullif(trim(json_extract_string({{ language_map }}, '$')), '')
        when 'object' then (
            select trim(json_extract_string(language_entries.value, '$'))
            from json_each({{ language_map }}) as language_entries
            where json_type(language_entries.value) = 'VARCHAR'
                and trim(json_extract_string(language_entries.value, '$')) <> ''
            order by
                {{ lp_warehouse.xapi_language_rank('language_entries.key', preference) }},
                language_entries.key
            limit 1
        )
    end)
{%- endmacro %}
