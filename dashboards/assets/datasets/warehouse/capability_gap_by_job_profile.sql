-- Capability gaps per month x job profile x capability, for the job-profile view of the
-- Capability Gaps dashboard (its Job profile filter targets this dataset).
-- Aggregate only: groups of fewer than 5 employees are left out (HR privacy rule).
-- No org unit column: a job profile spans org units, so managers are not granted it.
with gap as (
    select
        month_start_on,
        employee_id,
        capability_id,
        job_profile_id,
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
    gap.job_profile_id,
    job.job_title,
    job.job_family,
    gap.capability_id,
    capability.capability_name,
    count(distinct gap.employee_id) as employee_count,
    count(gap.gap_levels) as assessed_count,
    cast(coalesce(sum(gap.gap_levels), 0) as bigint) as gap_levels_sum,
    count(distinct case when gap.is_open_gap then gap.employee_id end) as open_gap_employee_count
from gap
cross join latest
left join marts.dim_job as job
    on gap.job_profile_id = job.job_profile_id
left join marts.dim_capability as capability
    on gap.capability_id = capability.capability_id
group by
    gap.month_start_on,
    latest.latest_month_start_on,
    gap.job_profile_id,
    job.job_title,
    job.job_family,
    gap.capability_id,
    capability.capability_name
having count(distinct gap.employee_id) >= 5
