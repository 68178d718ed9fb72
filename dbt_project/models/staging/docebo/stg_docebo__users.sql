with

source as (

    select * from {{ source('raw_lms', 'docebo_users') }}

),

renamed as (

    select
        {{ to_text('user_id') }} as docebo_user_id,
        {{ to_text('username') }} as username,
        lower({{ to_text('email') }}) as email,
        {{ to_text('first_name') }} as first_name,
        {{ to_text('last_name') }} as last_name,
        {{ to_text(column_or_null('raw_lms', 'docebo_users', 'field_1')) }} as hris_employee_number,
        {{ to_text('valid') }} = '1' as is_active,
        cast({{ to_text('creation_date') }} as {{ dbt.type_timestamp() }}) as created_at

    from source

)

select * from renamed
