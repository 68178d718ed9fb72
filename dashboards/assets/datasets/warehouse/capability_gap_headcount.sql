-- Employees with at least one open capability gap, per month x org unit.
-- Counts distinct employees (an employee with several open gaps counts once).
-- Aggregate only: org units with fewer than 5 employees in the month are left out.
with gap as (
    select
        month_start_on,
        employee_id,
        org_unit_id,
        gap_levels,
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
    count(distinct gap.employee_id) as employee_count,
    count(distinct case when gap.gap_levels is not null then gap.employee_id end)
        as assessed_employee_count,
    count(distinct case when gap.is_open_gap then gap.employee_id end) as open_gap_employee_count
from gap
cross join latest
left join marts.dim_org_unit as org_unit
    on gap.org_unit_id = org_unit.org_unit_id
group by
    gap.month_start_on,
    latest.latest_month_start_on,
    gap.org_unit_id,
    org_unit.org_unit_name,
    org_unit.division_name
having count(distinct gap.employee_id) >= 5
