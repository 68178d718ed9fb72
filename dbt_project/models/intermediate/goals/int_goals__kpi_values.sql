-- KPI actuals against their targets: one row per KPI x entity x period. When files
-- report the same KPI, entity and period more than once (a re-export with corrected
-- numbers), the row of the latest load wins (then the later file name and line). The
-- target is the one in force on the period's first day. Values of a KPI no longer in the
-- framework are left out (the loader would quarantine them now; raw_kpi keeps them).
-- Attainment is direction-aware:
--   higher_is_better: attainment_ratio = value / target, met when value >= target
--   lower_is_better:  attainment_ratio = target / value, met when value <= target
-- so a ratio above 1 is always better than target; null when the divisor is 0 or no
-- target applies. margin_to_target is in the KPI's unit, positive when better than target.

with

kpi_values as (

    select * from {{ ref('stg_kpi_files__kpi_values') }}

),

kpis as (

    select * from {{ ref('stg_framework__business_kpis') }}

),

targets as (

    select * from {{ ref('stg_framework__kpi_targets') }}

),

ranked as (

    select
        kpi_id,
        grain,
        entity_id,
        period_start_on,
        period_end_on,
        kpi_value,
        source_file_name,
        row_number() over (
            partition by kpi_id, entity_id, period_start_on, period_end_on
            order by cast(load_id as double precision) desc, source_file_name desc, source_line desc
        ) as restatement_rank,
        count(*) over (partition by kpi_id, entity_id, period_start_on, period_end_on) as reported_count

    from kpi_values

),

latest as (

    select * from ranked
    where restatement_rank = 1

),

with_target as (

    select
        latest.kpi_id,
        kpis.goal_id,
        latest.grain,
        latest.entity_id,
        latest.period_start_on,
        latest.period_end_on,
        latest.kpi_value,
        kpis.unit,
        kpis.direction,
        targets.target_value,
        latest.reported_count,
        latest.source_file_name

    from latest
    inner join kpis
        on latest.kpi_id = kpis.kpi_id
    left join targets
        on
            latest.kpi_id = targets.kpi_id
            and latest.period_start_on >= targets.effective_from
            and (targets.effective_to is null or latest.period_start_on <= targets.effective_to)

),

final as (

    select
        kpi_id,
        goal_id,
        grain,
        entity_id,
        period_start_on,
        period_end_on,
        kpi_value,
        unit,
        direction,
        target_value,
        case
            when direction = 'higher_is_better' and target_value <> 0 then kpi_value / target_value
            when direction = 'lower_is_better' and kpi_value <> 0 then target_value / kpi_value
        end as attainment_ratio,
        case
            when direction = 'higher_is_better' then kpi_value - target_value
            when direction = 'lower_is_better' then target_value - kpi_value
        end as margin_to_target,
        case
            when target_value is null then cast(null as boolean)
            when direction = 'higher_is_better' then kpi_value >= target_value
            else kpi_value <= target_value
        end as is_target_met,
        reported_count,
        source_file_name

    from with_target

)

select * from final
