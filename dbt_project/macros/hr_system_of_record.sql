{#-
    The HR system the conformed people model is built on: `bamboohr` (default), `workday`
    or `files` (the HR file drop, source `hr_files`). Read from the `HR_SYSTEM_OF_RECORD`
    environment variable, the one orchestration/settings.py reads; the dbt var
    `hr_system_of_record` overrides it. An unknown value, or a system of record switched off
    with DISABLED_SOURCES, stops the parse with a clear error instead of building the
    warehouse on the wrong people.

        {% if hr_system_of_record() == 'workday' %} ... {% endif %}
-#}
{% macro hr_system_of_record() -%}
    {%- set systems = {'bamboohr': 'bamboohr', 'workday': 'workday', 'files': 'hr_files'} -%}
    {%- set given = var('hr_system_of_record', env_var('HR_SYSTEM_OF_RECORD', '')) | string | trim | lower -%}
    {%- set system = given or 'bamboohr' -%}
    {%- if system == 'hr_files' -%}
        {%- set system = 'files' -%}
    {%- endif -%}
    {%- if system not in systems -%}
        {{ exceptions.raise_compiler_error(
            "HR_SYSTEM_OF_RECORD: unknown HR system '" ~ given ~ "'; one of bamboohr, workday, files (default bamboohr)"
        ) }}
    {%- endif -%}
    {%- if not source_enabled(systems[system]) -%}
        {{ exceptions.raise_compiler_error(
            "DISABLED_SOURCES: " ~ systems[system] ~ " cannot be switched off: it is the HR system of record"
            ~ " (HR_SYSTEM_OF_RECORD=" ~ system ~ ")"
        ) }}
    {%- endif -%}
    {{ return(system) }}
{%- endmacro %}
