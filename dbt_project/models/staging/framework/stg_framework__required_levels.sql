with

source as (

    select * from {{ source('raw_framework', 'required_levels') }}

),

renamed as (

    select
        {{ to_text('job_profile_id') }} as job_profile_id,
        {{ to_text('capability_id') }} as capability_id,
        {{ to_integer('required_level') }} as required_level,
        {{ to_date('effective_from') }} as effective_from,
        {{ to_date(column_or_null('raw_framework', 'required_levels', 'effective_to')) }} as effective_to

    from source

)

select * from renamed
