{#- Hours from `start_expression` to `end_expression` (timestamps), fractional, as double precision. -#}
{% macro hours_between(start_expression, end_expression) -%}
    cast(extract(epoch from ({{ end_expression }} - {{ start_expression }})) as double precision) / 3600.0
{%- endmacro %}
