-- Capabilities each business goal needs, per job profile it concerns and effective
-- period (framework/goal_capabilities.csv).

with

source as (

    select * from {{ optional_source('raw_framework', 'goal_capabilities', [
        'goal_id', 'capability_id', 'job_profile_id', 'effective_from', 'effective_to'
    ]) }}

),

renamed as (

    select
        {{ to_text('goal_id') }} as goal_id,
        {{ to_text('capability_id') }} as capability_id,
        {{ to_text('job_profile_id') }} as job_profile_id,
        {{ to_date('effective_from') }} as effective_from,
        {{ to_date('effective_to') }} as effective_to

    from source

)

select * from renamed
