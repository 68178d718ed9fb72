-- Every source rating maps onto the 1-5 scale through rating_scale_map: a rating value
-- missing from its scale (e.g. a new Culture Amp bucket) fails here instead of turning
-- into a silent null.

select
    'assessment' as record_type,
    assessment_id as record_id,
    scale_id,
    source_rating

from {{ ref('int_capability__assessments_unified') }}
where assessed_level is null
    or assessed_level not between 1 and 5

union all

select
    'review' as record_type,
    review_id as record_id,
    scale_id,
    source_overall_rating as source_rating

from {{ ref('int_performance__reviews_harmonised') }}
where (source_overall_rating is not null and overall_level is null)
    or (source_submitted_rating is not null and submitted_level is null)
