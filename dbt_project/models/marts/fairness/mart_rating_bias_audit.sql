-- RESTRICTED. Adverse-impact audit of performance ratings: per review cycle x protected
-- attribute x attribute value, the distribution of the overall manager rating (one row
-- per rating level 1-5, row_type `rating`) and one `summary` row with the mean rating, the
-- shares in the top and bottom rating and the share with an open capability gap, each
-- tested against everyone else rated in the cycle.
--
-- People: everyone with a manager review in the cycle (fct_review, rater_type `manager`,
-- overall_rating = calibrated when calibrated, else submitted; the latest submitted
-- review when a person has several). Attributes: gender, age band and ethnicity of
-- dim_employee_protected, the version in force on the cycle's period end (else the
-- person's first version: the file drop may start after the cycle); the age band is
-- recomputed from birth_year as of the period end when the file gives a birth year. A
-- person with no value is in `(not recorded)`; an attribute nobody has a value for in a
-- cycle is left out. Open gap: at least one open gap (mart_capability_gap.is_open_gap)
-- in the month of the period end, among people assessed on a required capability then.
--
-- Tests (statistical_tests macros): Welch t on the mean rating (p from Student t via
-- Hill 1970), pooled two-proportion z on each share (p from the normal CDF; null when an
-- expected count is below var bias_audit_min_expected_count); p-values adjusted across
-- every test of the cycle (var bias_audit_p_value_adjustment), a two-value attribute's
-- test counted once (each value is the other's complement); is_significant when an
-- adjusted p-value is below var bias_audit_alpha.
-- Suppression: a group of fewer than 5 people, or whose complement (everyone else rated
-- in the cycle) has fewer than 5, shows no measure (is_suppressed). When exactly one value
-- of an attribute in a cycle is suppressed so, the smallest other value is suppressed
-- too, so the hidden group cannot be recovered by subtraction.

{%- set top_rating = var('bias_audit_top_rating') %}
{%- set bottom_rating = var('bias_audit_bottom_rating') %}
{%- set method = var('bias_audit_p_value_adjustment') %}

with

reviews as (

    select * from {{ ref('fct_review') }}

),

protected as (

    select * from {{ ref('dim_employee_protected') }}

),

capability_gaps as (

    select * from {{ ref('mart_capability_gap') }}

),

manager_reviews as (

    select
        review_cycle_id,
        review_cycle_name,
        period_end_on,
        employee_id,
        overall_rating,
        row_number() over (
            partition by review_cycle_id, employee_id
            order by submitted_at desc nulls last, review_id desc
        ) as review_order

    from reviews
    where rater_type = 'manager'
        and employee_id is not null
        and review_cycle_id is not null
        and period_end_on is not null
        and overall_rating is not null

),

rated as (

    select
        review_cycle_id,
        review_cycle_name,
        period_end_on,
        cast({{ dbt.date_trunc('month', 'period_end_on') }} as date) as gap_month_start_on,
        employee_id,
        overall_rating

    from manager_reviews
    where review_order = 1

),

person_attributes as (

    {{ bias_audit_person_attributes('rated', 'protected') }}

),

gap_status as (

    select
        month_start_on,
        employee_id,
        max(case when is_open_gap then 1 else 0 end) as has_open_gap

    from capability_gaps
    where manager_assessed_level is not null
    group by month_start_on, employee_id

),

person_ratings as (

    select
        person_attributes.review_cycle_id,
        person_attributes.employee_id,
        person_attributes.attribute_name,
        person_attributes.attribute_value,
        rated.overall_rating,
        gap_status.has_open_gap

    from person_attributes
    inner join rated
        on person_attributes.review_cycle_id = rated.review_cycle_id
        and person_attributes.employee_id = rated.employee_id
    left join gap_status
        on rated.employee_id = gap_status.employee_id
        and rated.gap_month_start_on = gap_status.month_start_on

),

group_sums as (

    select
        person_ratings.review_cycle_id,
        person_ratings.attribute_name,
        person_ratings.attribute_value,
        count(*) as people_count,
        sum(person_ratings.overall_rating) as rating_sum,
        sum(person_ratings.overall_rating * person_ratings.overall_rating) as rating_square_sum,
        sum(case when person_ratings.overall_rating >= {{ top_rating }} then 1 else 0 end) as top_count,
        sum(case when person_ratings.overall_rating <= {{ bottom_rating }} then 1 else 0 end) as bottom_count,
        count(person_ratings.has_open_gap) as gap_assessed_count,
        coalesce(sum(person_ratings.has_open_gap), 0) as open_gap_count

    from person_ratings
    group by person_ratings.review_cycle_id, person_ratings.attribute_name, person_ratings.attribute_value

),

with_complement as (

    select
        group_sums.*,
        sum(people_count) over attribute_rows - people_count as others_count,
        sum(rating_sum) over attribute_rows - rating_sum as others_rating_sum,
        sum(rating_square_sum) over attribute_rows - rating_square_sum as others_rating_square_sum,
        sum(top_count) over attribute_rows - top_count as others_top_count,
        sum(bottom_count) over attribute_rows - bottom_count as others_bottom_count,
        sum(gap_assessed_count) over attribute_rows - gap_assessed_count as others_gap_assessed_count,
        sum(open_gap_count) over attribute_rows - open_gap_count as others_open_gap_count

    from group_sums
    window attribute_rows as (partition by review_cycle_id, attribute_name)

),

suppressed as (

    {{ bias_audit_suppression('with_complement') }}

),

statistics as (

    select
        suppressed.*,
        cast(rating_sum as double precision) / people_count as mean_rating,
        case
            when others_count > 0 then cast(others_rating_sum as double precision) / others_count
        end as others_mean_rating,
        {{ sample_variance_from_sums('people_count', 'rating_sum', 'rating_square_sum') }} as rating_variance,
        {{ sample_variance_from_sums('others_count', 'others_rating_sum', 'others_rating_square_sum') }}
            as others_rating_variance,
        {{ two_proportion_z('top_count', 'people_count', 'others_top_count', 'others_count',
            var('bias_audit_min_expected_count')) }} as top_rating_z_statistic,
        {{ two_proportion_z('bottom_count', 'people_count', 'others_bottom_count', 'others_count',
            var('bias_audit_min_expected_count')) }} as bottom_rating_z_statistic,
        {{ two_proportion_z('open_gap_count', 'gap_assessed_count', 'others_open_gap_count',
            'others_gap_assessed_count', var('bias_audit_min_expected_count')) }} as open_gap_z_statistic

    from suppressed

),

welch as (

    select
        statistics.*,
        (mean_rating - others_mean_rating)
        / {{ welch_standard_error('rating_variance', 'people_count', 'others_rating_variance', 'others_count') }}
            as mean_rating_t_statistic,
        {{ welch_degrees_of_freedom('rating_variance', 'people_count', 'others_rating_variance', 'others_count') }}
            as mean_rating_degrees_of_freedom

    from statistics

),

deviates as (

    select
        welch.*,
        {{ student_t_as_normal_deviate('mean_rating_t_statistic', 'mean_rating_degrees_of_freedom') }}
            as mean_rating_normal_deviate

    from welch

),

p_values as (

    select
        deviates.*,
        {{ normal_two_sided_p_value('mean_rating_normal_deviate') }} as mean_rating_p_value,
        {{ normal_two_sided_p_value('top_rating_z_statistic') }} as top_rating_p_value,
        {{ normal_two_sided_p_value('bottom_rating_z_statistic') }} as bottom_rating_p_value,
        {{ normal_two_sided_p_value('open_gap_z_statistic') }} as open_gap_p_value

    from deviates
    where not is_suppressed

),

tests as (

    {%- for measure in ['mean_rating', 'top_rating', 'bottom_rating', 'open_gap'] %}
    select
        review_cycle_id,
        attribute_name,
        attribute_value,
        cast('{{ measure }}' as {{ dbt.type_string() }}) as measure,
        {{ measure }}_p_value as p_value

    from p_values
    where {{ measure }}_p_value is not null
        and attribute_value = test_owner_value
    {% if not loop.last %}union all{% endif %}
    {%- endfor %}

),

ranked_tests as (

    select
        tests.*,
        row_number() over (partition by review_cycle_id order by p_value, attribute_name, attribute_value, measure)
            as p_rank,
        count(*) over (partition by review_cycle_id) as family_size

    from tests

),

adjusted_tests as (

    select
        review_cycle_id,
        attribute_name,
        attribute_value,
        measure,
        {{ adjusted_p_value(method, 'p_value', 'p_rank', 'family_size', 'review_cycle_id') }} as p_value_adjusted

    from ranked_tests

),

adjusted as (

    select
        review_cycle_id,
        attribute_name,
        attribute_value,
        max(case when measure = 'mean_rating' then p_value_adjusted end) as mean_rating_p_value_adjusted,
        max(case when measure = 'top_rating' then p_value_adjusted end) as top_rating_p_value_adjusted,
        max(case when measure = 'bottom_rating' then p_value_adjusted end) as bottom_rating_p_value_adjusted,
        max(case when measure = 'open_gap' then p_value_adjusted end) as open_gap_p_value_adjusted,
        min(p_value_adjusted) as min_p_value_adjusted

    from adjusted_tests
    group by review_cycle_id, attribute_name, attribute_value

),

cycles as (

    select
        review_cycle_id,
        min(review_cycle_name) as review_cycle_name,
        min(period_end_on) as period_end_on

    from rated
    group by review_cycle_id

),

rating_levels as (

    {%- for level in range(1, 6) %}
    select cast({{ level }} as integer) as rating_level{% if not loop.last %} union all{% endif %}
    {%- endfor %}

),

level_counts as (

    select
        review_cycle_id,
        attribute_name,
        attribute_value,
        cast(overall_rating as integer) as rating_level,
        count(*) as people_count

    from person_ratings
    group by review_cycle_id, attribute_name, attribute_value, cast(overall_rating as integer)

),

rating_rows as (

    select
        suppressed.review_cycle_id,
        suppressed.attribute_name,
        suppressed.attribute_value,
        cast('rating' as {{ dbt.type_string() }}) as row_type,
        rating_levels.rating_level,
        suppressed.is_suppressed,
        case when not suppressed.is_suppressed then suppressed.people_count end as group_people_count,
        case when not suppressed.is_suppressed then coalesce(level_counts.people_count, 0) end as people_count,
        case
            when not suppressed.is_suppressed
                then cast(coalesce(level_counts.people_count, 0) as double precision) / suppressed.people_count
        end as people_share

    from suppressed
    cross join rating_levels
    left join level_counts
        on suppressed.review_cycle_id = level_counts.review_cycle_id
        and suppressed.attribute_name = level_counts.attribute_name
        and suppressed.attribute_value = level_counts.attribute_value
        and rating_levels.rating_level = level_counts.rating_level

),

summary_rows as (

    select
        suppressed.review_cycle_id,
        suppressed.attribute_name,
        suppressed.attribute_value,
        suppressed.is_suppressed,
        p_values.people_count,
        p_values.others_count,
        p_values.mean_rating,
        p_values.others_mean_rating,
        p_values.mean_rating_t_statistic,
        p_values.mean_rating_degrees_of_freedom,
        p_values.mean_rating_p_value,
        cast(p_values.top_count as double precision) / p_values.people_count as top_rating_share,
        cast(p_values.others_top_count as double precision) / p_values.others_count as others_top_rating_share,
        p_values.top_rating_z_statistic,
        p_values.top_rating_p_value,
        cast(p_values.bottom_count as double precision) / p_values.people_count as bottom_rating_share,
        cast(p_values.others_bottom_count as double precision) / p_values.others_count
            as others_bottom_rating_share,
        p_values.bottom_rating_z_statistic,
        p_values.bottom_rating_p_value,
        p_values.gap_assessed_count,
        p_values.others_gap_assessed_count,
        case
            when p_values.gap_assessed_count > 0
                then cast(p_values.open_gap_count as double precision) / p_values.gap_assessed_count
        end as open_gap_share,
        case
            when p_values.others_gap_assessed_count > 0
                then cast(p_values.others_open_gap_count as double precision) / p_values.others_gap_assessed_count
        end as others_open_gap_share,
        p_values.open_gap_z_statistic,
        p_values.open_gap_p_value,
        adjusted.mean_rating_p_value_adjusted,
        adjusted.top_rating_p_value_adjusted,
        adjusted.bottom_rating_p_value_adjusted,
        adjusted.open_gap_p_value_adjusted,
        adjusted.min_p_value_adjusted

    from suppressed
    left join p_values
        on suppressed.review_cycle_id = p_values.review_cycle_id
        and suppressed.attribute_name = p_values.attribute_name
        and suppressed.attribute_value = p_values.attribute_value
    left join adjusted
        on suppressed.review_cycle_id = adjusted.review_cycle_id
        and suppressed.attribute_name = adjusted.attribute_name
        and suppressed.test_owner_value = adjusted.attribute_value
        and not suppressed.is_suppressed

),

unioned as (

    select
        rating_rows.review_cycle_id,
        rating_rows.attribute_name,
        rating_rows.attribute_value,
        rating_rows.row_type,
        rating_rows.rating_level,
        rating_rows.is_suppressed,
        rating_rows.group_people_count,
        rating_rows.people_count,
        rating_rows.people_share,
        cast(null as integer) as others_people_count,
        {%- for column in ['mean_rating', 'others_mean_rating', 'mean_rating_t_statistic',
                           'mean_rating_degrees_of_freedom', 'mean_rating_p_value',
                           'mean_rating_p_value_adjusted', 'top_rating_share', 'others_top_rating_share',
                           'top_rating_z_statistic', 'top_rating_p_value', 'top_rating_p_value_adjusted',
                           'bottom_rating_share', 'others_bottom_rating_share', 'bottom_rating_z_statistic',
                           'bottom_rating_p_value', 'bottom_rating_p_value_adjusted'] %}
        cast(null as double precision) as {{ column }},
        {%- endfor %}
        cast(null as integer) as gap_assessed_count,
        cast(null as integer) as others_gap_assessed_count,
        {%- for column in ['open_gap_share', 'others_open_gap_share', 'open_gap_z_statistic',
                           'open_gap_p_value', 'open_gap_p_value_adjusted'] %}
        cast(null as double precision) as {{ column }},
        {%- endfor %}
        cast(null as boolean) as is_significant

    from rating_rows

    union all

    select
        review_cycle_id,
        attribute_name,
        attribute_value,
        cast('summary' as {{ dbt.type_string() }}) as row_type,
        cast(null as integer) as rating_level,
        is_suppressed,
        people_count as group_people_count,
        people_count,
        cast(people_count as double precision) / (people_count + others_count) as people_share,
        others_count as others_people_count,
        mean_rating,
        others_mean_rating,
        mean_rating_t_statistic,
        mean_rating_degrees_of_freedom,
        mean_rating_p_value,
        mean_rating_p_value_adjusted,
        top_rating_share,
        others_top_rating_share,
        top_rating_z_statistic,
        top_rating_p_value,
        top_rating_p_value_adjusted,
        bottom_rating_share,
        others_bottom_rating_share,
        bottom_rating_z_statistic,
        bottom_rating_p_value,
        bottom_rating_p_value_adjusted,
        gap_assessed_count,
        others_gap_assessed_count,
        open_gap_share,
        others_open_gap_share,
        open_gap_z_statistic,
        open_gap_p_value,
        open_gap_p_value_adjusted,
        case
            when not is_suppressed then coalesce(min_p_value_adjusted < {{ var('bias_audit_alpha') }}, false)
        end as is_significant

    from summary_rows

),

final as (

    select
        unioned.review_cycle_id,
        cycles.review_cycle_name,
        cycles.period_end_on,
        unioned.attribute_name,
        unioned.attribute_value,
        unioned.row_type,
        unioned.rating_level,
        unioned.is_suppressed,
        cast(unioned.group_people_count as integer) as group_people_count,
        cast(unioned.people_count as integer) as people_count,
        unioned.people_share,
        cast(unioned.others_people_count as integer) as others_people_count,
        unioned.mean_rating,
        unioned.others_mean_rating,
        unioned.mean_rating - unioned.others_mean_rating as mean_rating_difference,
        unioned.mean_rating_t_statistic,
        unioned.mean_rating_degrees_of_freedom,
        unioned.mean_rating_p_value,
        unioned.mean_rating_p_value_adjusted,
        unioned.top_rating_share,
        unioned.others_top_rating_share,
        unioned.top_rating_z_statistic,
        unioned.top_rating_p_value,
        unioned.top_rating_p_value_adjusted,
        unioned.bottom_rating_share,
        unioned.others_bottom_rating_share,
        unioned.bottom_rating_z_statistic,
        unioned.bottom_rating_p_value,
        unioned.bottom_rating_p_value_adjusted,
        cast(unioned.gap_assessed_count as integer) as gap_assessed_count,
        cast(unioned.others_gap_assessed_count as integer) as others_gap_assessed_count,
        unioned.open_gap_share,
        unioned.others_open_gap_share,
        unioned.open_gap_z_statistic,
        unioned.open_gap_p_value,
        unioned.open_gap_p_value_adjusted,
        cast('{{ method }}' as {{ dbt.type_string() }}) as p_value_adjustment,
        unioned.is_significant

    from unioned
    inner join cycles
        on unioned.review_cycle_id = cycles.review_cycle_id

)

select * from final
