with

source as (

    select * from {{ optional_source('raw_performance', 'feedbacks', [
        'id', 'from_id', 'to_id', 'body', 'visibility', 'created_at',
    ]) }}

),

renamed as (

    select
        {{ to_text('id') }} as feedback_id,
        {{ to_text('from_id') }} as giver_user_id,
        {{ to_text('to_id') }} as recipient_user_id,
        {{ to_text('body') }} as feedback_body,
        lower({{ to_text('visibility') }}) as visibility,
        {{ to_utc_timestamp('created_at') }} as created_at

    from source

)

select * from renamed
