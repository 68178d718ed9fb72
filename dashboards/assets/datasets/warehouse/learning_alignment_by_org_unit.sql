-- Learning hours and the share of assessed hours aimed at the learner's own open gaps, per month x org
-- unit (the org unit held when learning), from marts.mart_learning_alignment.
-- Aggregate only: groups of fewer than 5 learners are left out (HR privacy rule).
with alignment as (
    select
        month_start_on,
        employee_id,
        org_unit_id,
        activity_count,
        learning_hours,
        aligned_learning_hours,
        unassessed_learning_hours,
        outside_role_learning_hours
    from marts.mart_learning_alignment
)

select
    alignment.month_start_on,
    alignment.org_unit_id,
    org_unit.org_unit_name,
    org_unit.division_name,
    count(distinct alignment.employee_id) as learner_count,
    cast(sum(alignment.activity_count) as bigint) as activity_count,
    sum(alignment.learning_hours) as learning_hours,
    sum(alignment.aligned_learning_hours) as aligned_learning_hours,
    sum(alignment.unassessed_learning_hours) as unassessed_learning_hours,
    sum(alignment.outside_role_learning_hours) as outside_role_learning_hours
from alignment
left join marts.dim_org_unit as org_unit
    on alignment.org_unit_id = org_unit.org_unit_id
group by
    alignment.month_start_on,
    alignment.org_unit_id,
    org_unit.org_unit_name,
    org_unit.division_name
having count(distinct alignment.employee_id) >= 5
