-- The framework's course catalogue (framework/course_catalogue.csv), one row per course;
-- the loader has already quarantined rows with an unknown modality or cost model, a bad
-- language tag or a repeated course (ingestion/framework/catalogue.py). A warehouse
-- loaded without the file has no table: the model is then empty.

with

source as (

    select * from {{ optional_source('raw_framework', 'course_catalogue', [
        'course_id', 'modality', 'language', 'audience', 'cost_model'
    ]) }}

),

renamed as (

    select
        {{ to_text('course_id') }} as course_id,
        {{ to_text('modality') }} as modality,
        {{ to_text('language') }} as language_code,
        {{ to_text('audience') }} as audience,
        {{ to_text('cost_model') }} as cost_model

    from source

)

select * from renamed
