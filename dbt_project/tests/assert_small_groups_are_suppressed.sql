-- Aggregate HR views never show a group of fewer than 5 people: a suppressed row has
-- every measure null, an unsuppressed row has at least 5 people.

{%- set rollups = [
    ('mart_capability_gap_by_org_unit', 'employee_count', ['assessed_employee_count', 'open_gap_count', 'shortfall_levels', 'avg_gap_levels', 'open_gap_share']),
    ('mart_capability_gap_by_job_profile', 'employee_count', ['assessed_employee_count', 'open_gap_count', 'shortfall_levels', 'avg_gap_levels', 'open_gap_share']),
    ('mart_retention', 'headcount', ['leaver_count', 'turnover_rate']),
    ('mart_turnover', 'average_headcount', ['leaver_count', 'voluntary_leaver_count', 'involuntary_leaver_count', 'turnover_rate', 'turnover_cost_amount']),
] %}

{% for model, size_column, measures in rollups %}
select
    '{{ model }}' as model_name,
    is_suppressed,
    {{ size_column }} as group_size

from {{ ref(model) }}
where (is_suppressed and ({{ size_column }} is not null
    {%- for measure in measures %} or {{ measure }} is not null{% endfor %}))
    or (not is_suppressed and ({{ size_column }} is null or {{ size_column }} < 5))
{% if not loop.last %}union all{% endif %}
{% endfor %}
