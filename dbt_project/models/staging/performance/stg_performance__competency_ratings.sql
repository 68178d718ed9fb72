with

source as (

    select * from {{ source('raw_performance', 'reviews__competency_ratings') }}

),

renamed as (

    select
        {{ to_text('_dlt_id') }} as competency_rating_id,
        {{ to_text('_dlt_parent_id') }} as review_dlt_id,
        {{ to_integer('_dlt_list_idx') }} as list_index,
        {{ to_text('competency_id') }} as competency_id,
        {{ to_integer('rating') }} as rating

    from source

)

select * from renamed
