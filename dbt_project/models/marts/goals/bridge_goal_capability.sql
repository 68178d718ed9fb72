-- Capabilities each business goal needs, per job profile it concerns and effective
-- period (framework/goal_capabilities.csv).

with

needs as (

    select * from {{ ref('stg_framework__goal_capabilities') }}

),

final as (

    select
        goal_id,
        capability_id,
        job_profile_id,
        effective_from,
        effective_to,
        (effective_from <= current_date and coalesce(effective_to, current_date) >= current_date) as is_current

    from needs

)

select * from final
