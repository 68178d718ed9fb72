{#- The one definition of the gap bands; see _macros.yml. -#}
{% macro capability_gap_band(gap_levels) -%}
    case
        when {{ gap_levels }} is null then 'not_assessed'
        when {{ gap_levels }} >= 1 then 'low'
        when {{ gap_levels }} = 0 then 'intermediate'
        else 'high'
    end
{%- endmacro %}
