{{ config(enabled=source_enabled('learnupon')) }}

with

source as (

    select * from {{ optional_source('raw_lms', 'learnupon_users', [
        'id', 'email', 'username', 'first_name', 'last_name', 'user_type', 'enabled', 'created_at',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as learnupon_user_id,
        {{ to_text('username') }} as username,
        lower({{ to_text('email') }}) as email,
        {{ to_text('first_name') }} as first_name,
        {{ to_text('last_name') }} as last_name,
        {{ to_text('user_type') }} as user_type,
        {{ to_text(column_or_null('raw_lms', 'learnupon_users', 'custom_data__employee_number')) }} as hris_employee_number,
        {{ to_boolean('enabled') }} as is_enabled,
        {{ to_utc_timestamp('created_at') }} as created_at,
        {{ to_utc_timestamp(column_or_null('raw_lms', 'learnupon_users', 'last_sign_in_at')) }} as last_sign_in_at

    from source

)

select * from renamed
