with

job_profiles as (

    select * from {{ ref('stg_framework__job_profiles') }}

),

final as (

    select
        job_profile_id,
        job_title,
        job_family,
        job_level

    from job_profiles

)

select * from final
