-- The 9-box per org unit and month: how many employees of the org unit sit in each box
-- (mart_nine_box). Every box appears for every org unit and month, with zero counts. An
-- org unit with fewer than 5 employees placed on the grid that month is suppressed
-- (counts and shares null, is_suppressed true), as the capability gap rollups do.

with

nine_box as (

    select * from {{ ref('mart_nine_box') }}

),

box_labels as (

    select * from {{ ref('nine_box_labels') }}

),

org_unit_months as (

    select
        month_start_on,
        org_unit_id,
        count(*) as employee_count,
        count(nine_box_number) as placed_employee_count

    from nine_box
    where org_unit_id is not null
    group by month_start_on, org_unit_id

),

box_counts as (

    select
        month_start_on,
        org_unit_id,
        nine_box_number,
        count(*) as box_employee_count

    from nine_box
    where org_unit_id is not null
        and nine_box_number is not null
    group by month_start_on, org_unit_id, nine_box_number

),

grid as (

    select
        org_unit_months.month_start_on,
        org_unit_months.org_unit_id,
        org_unit_months.employee_count,
        org_unit_months.placed_employee_count,
        box_labels.box_number,
        box_labels.box_label,
        box_labels.performance_band,
        box_labels.potential_band,
        coalesce(box_counts.box_employee_count, 0) as box_employee_count

    from org_unit_months
    cross join box_labels
    left join box_counts
        on org_unit_months.month_start_on = box_counts.month_start_on
        and org_unit_months.org_unit_id = box_counts.org_unit_id
        and box_labels.box_number = box_counts.nine_box_number

),

final as (

    select
        month_start_on,
        org_unit_id,
        cast(box_number as integer) as nine_box_number,
        cast(box_label as {{ dbt.type_string() }}) as nine_box_label,
        cast(performance_band as {{ dbt.type_string() }}) as performance_band,
        cast(potential_band as {{ dbt.type_string() }}) as potential_band,
        placed_employee_count < 5 as is_suppressed,
        cast(case when placed_employee_count >= 5 then employee_count end as integer) as employee_count,
        cast(case when placed_employee_count >= 5 then placed_employee_count end as integer) as placed_employee_count,
        cast(case when placed_employee_count >= 5 then box_employee_count end as integer) as box_employee_count,
        case
            when placed_employee_count >= 5
                then cast(box_employee_count as double precision) / placed_employee_count
        end as box_share

    from grid

)

select * from final
