-- One row per business goal: the version in force today (else the latest), the span of
-- all its versions, and how many KPIs and capability needs (in force today) it has.

with

goals as (

    select * from {{ ref('stg_framework__business_goals') }}

),

kpis as (

    select * from {{ ref('stg_framework__business_kpis') }}

),

needs as (

    select * from {{ ref('stg_framework__goal_capabilities') }}

),

versions as (

    select
        goal_id,
        goal_name,
        goal_owner,
        priority,
        goal_description,
        effective_from,
        effective_to,
        row_number() over (
            partition by goal_id
            order by
                case when effective_from <= current_date and coalesce(effective_to, current_date) >= current_date then 0 else 1 end,
                effective_from desc
        ) as version_rank,
        min(effective_from) over (partition by goal_id) as goal_start_on,
        -- open (null) while any version is open
        case
            when count(*) over (partition by goal_id) = count(effective_to) over (partition by goal_id)
                then max(effective_to) over (partition by goal_id)
        end as goal_end_on,
        count(*) over (partition by goal_id) as version_count

    from goals

),

kpi_counts as (

    select
        goal_id,
        count(*) as kpi_count

    from kpis
    group by goal_id

),

need_counts as (

    select
        goal_id,
        count(distinct capability_id) as capability_count,
        count(distinct job_profile_id) as job_profile_count

    from needs
    where effective_from <= current_date and coalesce(effective_to, current_date) >= current_date
    group by goal_id

),

final as (

    select
        versions.goal_id,
        versions.goal_name,
        versions.goal_owner,
        versions.priority,
        versions.goal_description,
        versions.goal_start_on,
        versions.goal_end_on,
        versions.version_count,
        (versions.effective_from <= current_date and coalesce(versions.effective_to, current_date) >= current_date)
            as is_active,
        coalesce(kpi_counts.kpi_count, 0) as kpi_count,
        coalesce(need_counts.capability_count, 0) as capability_count,
        coalesce(need_counts.job_profile_count, 0) as job_profile_count

    from versions
    left join kpi_counts
        on versions.goal_id = kpi_counts.goal_id
    left join need_counts
        on versions.goal_id = need_counts.goal_id
    where versions.version_rank = 1

)

select * from final
