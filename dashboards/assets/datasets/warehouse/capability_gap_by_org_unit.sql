-- Capability gaps per month x org unit x capability, for the Capability Gaps dashboard.
-- Aggregate only: groups of fewer than 5 employees are left out (HR privacy rule),
-- so no chart built on this dataset can show a group that small.
with gap as (
    select
        month_start_on,
        employee_id,
        capability_id,
        org_unit_id,
        gap_levels,
        gap_band,
        perception_gap,
        is_open_gap
    from marts.mart_capability_gap
),

latest as (
    select max(month_start_on) as latest_month_start_on
    from gap
)

select
    gap.month_start_on,
    gap.month_start_on = latest.latest_month_start_on as is_latest_month,
    gap.org_unit_id,
    org_unit.org_unit_name,
    org_unit.division_name,
    gap.capability_id,
    capability.capability_name,
    capability.category as capability_category,
    count(distinct gap.employee_id) as employee_count,
    count(*) as required_count,
    count(gap.gap_levels) as assessed_count,
    cast(coalesce(sum(gap.gap_levels), 0) as bigint) as gap_levels_sum,
    count(distinct case when gap.is_open_gap then gap.employee_id end) as open_gap_employee_count,
    count(case when gap.gap_band = 'low' then 1 end) as low_band_count,
    count(case when gap.gap_band = 'intermediate' then 1 end) as intermediate_band_count,
    count(case when gap.gap_band = 'high' then 1 end) as high_band_count,
    count(case when gap.gap_band = 'not_assessed' then 1 end) as not_assessed_count,
    count(gap.perception_gap) as perception_assessed_count,
    cast(coalesce(sum(gap.perception_gap), 0) as bigint) as perception_gap_sum
from gap
cross join latest
left join marts.dim_org_unit as org_unit
    on gap.org_unit_id = org_unit.org_unit_id
left join marts.dim_capability as capability
    on gap.capability_id = capability.capability_id
group by
    gap.month_start_on,
    latest.latest_month_start_on,
    gap.org_unit_id,
    org_unit.org_unit_name,
    org_unit.division_name,
    gap.capability_id,
    capability.capability_name,
    capability.category
having count(distinct gap.employee_id) >= 5
