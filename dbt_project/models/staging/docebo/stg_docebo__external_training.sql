with

source as (

    select * from {{ source('raw_lms', 'docebo_external_training') }}

),

renamed as (

    select
        {{ to_text('id') }} as external_training_id,
        {{ to_text('user_id') }} as docebo_user_id,
        {{ to_text('course_name') }} as training_name,
        {{ to_text('training_type') }} as training_type,
        {{ to_text(column_or_null('raw_lms', 'docebo_external_training', 'provider')) }} as provider_name,
        {{ to_date('from_date') }} as started_on,
        {{ to_date('to_date') }} as ended_on,
        {{ to_double('hours') }} as duration_hours,
        {{ to_double('credits') }} as credits,
        cast({{ to_text(column_or_null('raw_lms', 'docebo_external_training', 'cost')) }} as {{ dbt.type_numeric() }}) as cost_amount,
        {{ to_text(column_or_null('raw_lms', 'docebo_external_training', 'currency')) }} as currency_code,
        {{ to_text('status') }} as approval_status

    from source

)

select * from renamed
