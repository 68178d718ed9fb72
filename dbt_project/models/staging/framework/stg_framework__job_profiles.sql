with

source as (

    select * from {{ source('raw_framework', 'job_profiles') }}

),

renamed as (

    select
        {{ to_text('job_profile_id') }} as job_profile_id,
        {{ to_text('job_title') }} as job_title,
        {{ to_text('job_family') }} as job_family,
        {{ to_integer('job_level') }} as job_level

    from source

)

select * from renamed
