with

source as (

    select * from {{ source('raw_performance', 'users') }}

),

renamed as (

    select
        {{ to_text('id') }} as user_id,
        {{ to_text('name') }} as user_name,
        lower({{ to_text('email') }}) as email,
        {{ to_text('title') }} as job_title,
        {{ to_text(column_or_null('raw_performance', 'users', 'manager_id')) }} as manager_user_id,
        {{ to_text(column_or_null('raw_performance', 'users', 'external_user_id')) }} as external_user_id

    from source

)

select * from renamed
