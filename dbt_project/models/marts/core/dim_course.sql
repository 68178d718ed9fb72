with

courses as (

    select * from {{ ref('int_learning__courses') }}

),

modalities as (

    select * from {{ ref('course_modalities') }}

),

final as (

    select
        courses.course_id,
        courses.course_name,
        courses.provider,
        courses.duration_hours,
        courses.list_price_amount,
        courses.currency_code,
        courses.modality,
        modalities.modality_name,
        modalities.delivery_format,
        courses.modality_source,
        courses.language_code,
        courses.audience,
        courses.cost_model

    from courses
    left join modalities
        on courses.modality = modalities.modality

)

select * from final
