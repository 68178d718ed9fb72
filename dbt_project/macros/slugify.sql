{#-
    A stable, readable identifier from free text: lower case, every run of characters
    other than a-z and 0-9 becomes one hyphen, no leading or trailing hyphen.
    `Engineering` + ` ` + `Data & Analytics` -> `engineering-data-analytics`.
-#}
{% macro slugify(expression) -%}
    nullif(
        regexp_replace(
            regexp_replace(lower({{ expression }}), '[^a-z0-9]+', '-', 'g'),
            '^-+|-+$', '', 'g'
        ),
        ''
    )
{%- endmacro %}
