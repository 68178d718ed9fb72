{#-
    Whether a source system is switched on for this customer. `DISABLED_SOURCES` (the
    environment variable orchestration/settings.py reads too, comma-separated, e.g.
    `culture_amp,workday`) or the dbt var `disabled_sources` switch sources off; models of a
    disabled source are disabled, and union models leave its branch out:

        {{ config(enabled=source_enabled('culture_amp')) }}
        {% if source_enabled('culture_amp') %} union all select ... {% endif %}

    Source yml files cannot call macros, so they inline the same test on `env_var`.
-#}
{% macro source_enabled(source_name) -%}
    {%- set names = [] -%}
    {%- for part in (var('disabled_sources', env_var('DISABLED_SOURCES', '')) | string).split(',') -%}
        {%- if part | trim -%}
            {%- do names.append(part | trim | lower) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(source_name | lower not in names) }}
{%- endmacro %}
