{#-
    The two rules the bias-audit marts (models/marts/fairness) share; see _bias_audit.yml.
-#}

{#- One row per rated person x protected attribute: the attribute's value in force on the
    cycle's period end. `rated` is a CTE with review_cycle_id, employee_id, period_end_on
    (one row per cycle and person); `protected` holds dim_employee_protected. -#}
{% macro bias_audit_person_attributes(rated, protected, attributes=['gender', 'age_band', 'ethnicity']) -%}
with

protected_ordered as (

    select
        {{ protected }}.*,
        row_number() over (partition by employee_id order by valid_from) as version_order

    from {{ protected }}

),

resolved as (

    select
        {{ rated }}.review_cycle_id,
        {{ rated }}.employee_id,
        coalesce(in_force.gender, first_version.gender) as gender,
        case
            when coalesce(in_force.birth_year, first_version.birth_year) is not null
                then {{ age_band_from_birth_year(
                    'coalesce(in_force.birth_year, first_version.birth_year)', rated ~ '.period_end_on') }}
            else coalesce(in_force.age_band, first_version.age_band)
        end as age_band,
        coalesce(in_force.ethnicity, first_version.ethnicity) as ethnicity

    from {{ rated }}
    left join protected_ordered as in_force
        on {{ rated }}.employee_id = in_force.employee_id
        and in_force.valid_from <= {{ rated }}.period_end_on
        and (in_force.valid_to is null or in_force.valid_to >= {{ rated }}.period_end_on)
    left join protected_ordered as first_version
        on {{ rated }}.employee_id = first_version.employee_id
        and first_version.version_order = 1
        and in_force.employee_id is null

),

unpivoted as (

    {%- for attribute in attributes %}
    select
        review_cycle_id,
        employee_id,
        cast('{{ attribute }}' as {{ dbt.type_string() }}) as attribute_name,
        cast(coalesce({{ attribute }}, '(not recorded)') as {{ dbt.type_string() }}) as attribute_value,
        {{ attribute }} is not null as is_recorded

    from resolved
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

recorded_attributes as (

    select
        review_cycle_id,
        attribute_name

    from unpivoted
    group by review_cycle_id, attribute_name
    having sum(case when is_recorded then 1 else 0 end) > 0

)

select
    unpivoted.review_cycle_id,
    unpivoted.employee_id,
    unpivoted.attribute_name,
    unpivoted.attribute_value

from unpivoted
inner join recorded_attributes
    on unpivoted.review_cycle_id = recorded_attributes.review_cycle_id
    and unpivoted.attribute_name = recorded_attributes.attribute_name
{%- endmacro %}

{#- Suppression of review cycle x attribute x value groups. `grouped` has review_cycle_id,
    attribute_name, attribute_value, people_count and others_count (everyone else in the
    cycle). Adds is_suppressed (fewer than `min_group_size` people or others, or the
    smallest other value when exactly one value of the attribute is suppressed so) and
    test_owner_value (the value whose row owns the test: with two values, each is the
    other's complement and the first in order owns it). -#}
{% macro bias_audit_suppression(grouped, min_group_size=5) -%}
with

primary_suppression as (

    select
        {{ grouped }}.*,
        case
            when people_count < {{ min_group_size }} or others_count < {{ min_group_size }} then 1 else 0
        end as is_primary_suppressed

    from {{ grouped }}

),

secondary_ranked as (

    select
        primary_suppression.*,
        sum(is_primary_suppressed) over attribute_rows as suppressed_in_attribute,
        count(*) over attribute_rows as value_count,
        min(attribute_value) over attribute_rows as first_attribute_value,
        row_number() over (
            partition by review_cycle_id, attribute_name, is_primary_suppressed
            order by people_count, attribute_value
        ) as size_order

    from primary_suppression
    window attribute_rows as (partition by review_cycle_id, attribute_name)

)

select
    secondary_ranked.*,
    is_primary_suppressed = 1
    or (suppressed_in_attribute = 1 and is_primary_suppressed = 0 and size_order = 1) as is_suppressed,
    case when value_count = 2 then first_attribute_value else attribute_value end as test_owner_value

from secondary_ranked
{%- endmacro %}
