{#-
    Convert an ISO 8601 duration (`PT2H30M`, `PT45M`, `PT1H`, `PT30S`, `P1DT2H`,
    `PT1.5H`) to hours as double precision. Years and months are not converted (their
    length varies): a duration using them, or any text that is not a duration, gives null.
-#}
{% macro iso8601_duration_to_hours(column) -%}
    {%- set duration = 'upper(trim(cast(' ~ column ~ ' as ' ~ dbt.type_string() ~ ')))' -%}
    {%- set number = '([0-9]+(?:[.][0-9]+)?)' -%}
    {%- set whole = '^(P(?:[0-9.]+W)?(?:[0-9.]+D)?(?:T(?:[0-9.]+H)?(?:[0-9.]+M)?(?:[0-9.]+S)?)?)$' -%}
    {%- set parts = [
        ('^P' ~ number ~ 'W', '* 168'),
        ('^P(?:[0-9.]+W)?' ~ number ~ 'D', '* 24'),
        ('T' ~ number ~ 'H', '* 1'),
        ('T(?:[0-9.]+H)?' ~ number ~ 'M', '/ 60'),
        ('T(?:[0-9.]+H)?(?:[0-9.]+M)?' ~ number ~ 'S', '/ 3600'),
    ] -%}
    case
        when {{ lp_warehouse.regexp_capture(duration, whole) }} is null then null
        when {{ duration }} in ('P', 'PT') then null
        else
            {%- for pattern, operation in parts %}
            coalesce(cast({{ lp_warehouse.regexp_capture(duration, pattern) }} as double precision), 0) {{ operation }}
            {%- if not loop.last %} +{% endif %}
            {%- endfor %}
    end
{%- endmacro %}
