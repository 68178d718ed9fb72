{#- Age band of a birth year as of a date, with the bands of dim_employee_protected
    (`under 25`, `25-34`, `35-44`, `45-54`, `55-64`, `65 and over`); the age is the
    difference of calendar years, as that model computes it. -#}
{% macro age_band_from_birth_year(birth_year, as_of_date) -%}
    case
        when {{ birth_year }} is null or {{ as_of_date }} is null then null
        when extract(year from {{ as_of_date }}) - {{ birth_year }} < 25 then 'under 25'
        when extract(year from {{ as_of_date }}) - {{ birth_year }} < 35 then '25-34'
        when extract(year from {{ as_of_date }}) - {{ birth_year }} < 45 then '35-44'
        when extract(year from {{ as_of_date }}) - {{ birth_year }} < 55 then '45-54'
        when extract(year from {{ as_of_date }}) - {{ birth_year }} < 65 then '55-64'
        else '65 and over'
    end
{%- endmacro %}
