{#-
    Fails for every combination of `combination_of_columns` that occurs more than once
    (the dbt_utils test of the same name, written here because the project installs no
    packages).
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with

grouped as (

    select
        {{ combination_of_columns | join(',\n        ') }},
        count(*) as row_count
    from {{ model }}
    group by {{ combination_of_columns | join(', ') }}

)

select *
from grouped
where row_count > 1

{% endtest %}
