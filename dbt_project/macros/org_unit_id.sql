{#-
    The org unit key: a slug of division + department (`engineering-data-analytics`).
    Null when both are empty. Shared by every model that derives an org unit.
-#}
{% macro org_unit_id(division_name, department_name) -%}
    {{ lp_warehouse.slugify("concat_ws(' ', " ~ division_name ~ ", " ~ department_name ~ ")") }}
{%- endmacro %}
