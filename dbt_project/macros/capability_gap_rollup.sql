{#-
    Roll mart_capability_gap up to month x <group_column> x capability, suppressing
    groups of fewer than `min_group_size` employees (every measure null,
    is_suppressed true). Shared by the org unit and job profile rollups.
    open_gap_count leaves out gaps of people new in their role (is_new_in_role); those
    are counted in new_in_role_gap_count, and low_band_count keeps every gap of 1+.
-#}
{% macro capability_gap_rollup(group_column, min_group_size=5) -%}

with

capability_gaps as (

    select * from {{ ref('mart_capability_gap') }}

),

grouped as (

    select
        month_start_on,
        {{ group_column }},
        capability_id,
        count(*) as employee_count,
        count(manager_assessed_level) as assessed_employee_count,
        sum(case when is_open_gap then 1 else 0 end) as open_gap_count,
        sum(case when is_new_in_role and gap_levels >= 1 then 1 else 0 end) as new_in_role_gap_count,
        sum(case when gap_band = 'low' then 1 else 0 end) as low_band_count,
        sum(case when gap_band = 'intermediate' then 1 else 0 end) as intermediate_band_count,
        sum(case when gap_band = 'high' then 1 else 0 end) as high_band_count,
        sum(case when gap_levels > 0 then gap_levels else 0 end) as shortfall_levels,
        avg(cast(gap_levels as double precision)) as avg_gap_levels,
        avg(cast(required_level as double precision)) as avg_required_level,
        avg(cast(perception_gap as double precision)) as avg_perception_gap

    from capability_gaps
    where {{ group_column }} is not null
    group by month_start_on, {{ group_column }}, capability_id

),

final as (

    select
        month_start_on,
        {{ group_column }},
        capability_id,
        employee_count < {{ min_group_size }} as is_suppressed,
        {%- for column in ['employee_count', 'assessed_employee_count', 'open_gap_count', 'low_band_count',
                           'intermediate_band_count', 'high_band_count', 'shortfall_levels',
                           'new_in_role_gap_count'] %}
        cast(case when employee_count >= {{ min_group_size }} then {{ column }} end as integer) as {{ column }},
        {%- endfor %}
        case
            when employee_count >= {{ min_group_size }}
                then cast(assessed_employee_count as double precision) / employee_count
        end as assessment_coverage_share,
        case
            when employee_count >= {{ min_group_size }} and assessed_employee_count > 0
                then cast(open_gap_count as double precision) / assessed_employee_count
        end as open_gap_share,
        {%- for column in ['avg_gap_levels', 'avg_required_level', 'avg_perception_gap'] %}
        case when employee_count >= {{ min_group_size }} then {{ column }} end as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}

    from grouped

)

select * from final

{%- endmacro %}
