-- RESTRICTED. Calibration before / after by protected attribute: per review cycle x
-- protected attribute x value, how calibration moved the group's overall manager ratings
-- against everyone else calibrated in the cycle. Only tools that send both ratings count:
-- Lattice's `rating` (submitted) and `calibratedRating` (int_performance__reviews_resolved
-- rating / calibrated_rating, both on the harmonised 1-5 scale). Culture Amp's export as
-- loaded carries no calibrated rating, so its reviews are not here; a Lattice review with
-- no calibrated rating was not calibrated and is left out.
--
-- People: the latest submitted manager review per person and cycle among those with
-- both ratings. Attributes and suppression: macros bias_audit_person_attributes and
-- bias_audit_suppression, as in mart_rating_bias_audit. shift = calibrated - submitted.
-- Tests: Welch t on the mean shift against everyone else (does calibration move this
-- group differently?), pooled two-proportion z on the shares moved down and moved up;
-- p-values adjusted across every test of the cycle (var bias_audit_p_value_adjustment).

{%- set method = var('bias_audit_p_value_adjustment') %}

with

reviews as (

    select * from {{ ref('int_performance__reviews_resolved') }}

),

protected as (

    select * from {{ ref('dim_employee_protected') }}

),

calibrated_reviews as (

    select
        review_cycle_id,
        review_cycle_name,
        period_end_on,
        employee_id,
        cast(rating as double precision) as submitted_rating,
        cast(calibrated_rating as double precision) as calibrated_rating,
        row_number() over (
            partition by review_cycle_id, employee_id
            order by submitted_at desc nulls last, review_id desc
        ) as review_order

    from reviews
    where rater_type = 'manager'
        and employee_id is not null
        and review_cycle_id is not null
        and period_end_on is not null
        and rating is not null
        and calibrated_rating is not null

),

rated as (

    select
        review_cycle_id,
        review_cycle_name,
        period_end_on,
        employee_id,
        submitted_rating,
        calibrated_rating,
        calibrated_rating - submitted_rating as rating_shift

    from calibrated_reviews
    where review_order = 1

),

person_attributes as (

    {{ bias_audit_person_attributes('rated', 'protected') }}

),

group_sums as (

    select
        person_attributes.review_cycle_id,
        person_attributes.attribute_name,
        person_attributes.attribute_value,
        count(*) as people_count,
        sum(rated.submitted_rating) as submitted_sum,
        sum(rated.calibrated_rating) as calibrated_sum,
        sum(rated.rating_shift) as shift_sum,
        sum(rated.rating_shift * rated.rating_shift) as shift_square_sum,
        sum(case when rated.rating_shift < 0 then 1 else 0 end) as lowered_count,
        sum(case when rated.rating_shift > 0 then 1 else 0 end) as raised_count

    from person_attributes
    inner join rated
        on person_attributes.review_cycle_id = rated.review_cycle_id
        and person_attributes.employee_id = rated.employee_id
    group by person_attributes.review_cycle_id, person_attributes.attribute_name, person_attributes.attribute_value

),

with_complement as (

    select
        group_sums.*,
        sum(people_count) over attribute_rows - people_count as others_count,
        sum(submitted_sum) over attribute_rows - submitted_sum as others_submitted_sum,
        sum(calibrated_sum) over attribute_rows - calibrated_sum as others_calibrated_sum,
        sum(shift_sum) over attribute_rows - shift_sum as others_shift_sum,
        sum(shift_square_sum) over attribute_rows - shift_square_sum as others_shift_square_sum,
        sum(lowered_count) over attribute_rows - lowered_count as others_lowered_count,
        sum(raised_count) over attribute_rows - raised_count as others_raised_count

    from group_sums
    window attribute_rows as (partition by review_cycle_id, attribute_name)

),

suppressed as (

    {{ bias_audit_suppression('with_complement') }}

),

statistics as (

    select
        suppressed.*,
        cast(shift_sum as double precision) / people_count as mean_shift,
        case when others_count > 0 then cast(others_shift_sum as double precision) / others_count end
            as others_mean_shift,
        {{ sample_variance_from_sums('people_count', 'shift_sum', 'shift_square_sum') }} as shift_variance,
        {{ sample_variance_from_sums('others_count', 'others_shift_sum', 'others_shift_square_sum') }}
            as others_shift_variance,
        {{ two_proportion_z('lowered_count', 'people_count', 'others_lowered_count', 'others_count',
            var('bias_audit_min_expected_count')) }} as lowered_z_statistic,
        {{ two_proportion_z('raised_count', 'people_count', 'others_raised_count', 'others_count',
            var('bias_audit_min_expected_count')) }} as raised_z_statistic

    from suppressed
    where not is_suppressed

),

welch as (

    select
        statistics.*,
        (mean_shift - others_mean_shift)
        / {{ welch_standard_error('shift_variance', 'people_count', 'others_shift_variance', 'others_count') }}
            as mean_shift_t_statistic,
        {{ welch_degrees_of_freedom('shift_variance', 'people_count', 'others_shift_variance', 'others_count') }}
            as mean_shift_degrees_of_freedom

    from statistics

),

deviates as (

    select
        welch.*,
        {{ student_t_as_normal_deviate('mean_shift_t_statistic', 'mean_shift_degrees_of_freedom') }}
            as mean_shift_normal_deviate

    from welch

),

p_values as (

    select
        deviates.*,
        {{ normal_two_sided_p_value('mean_shift_normal_deviate') }} as mean_shift_p_value,
        {{ normal_two_sided_p_value('lowered_z_statistic') }} as lowered_p_value,
        {{ normal_two_sided_p_value('raised_z_statistic') }} as raised_p_value

    from deviates

),

tests as (

    {%- for measure in ['mean_shift', 'lowered', 'raised'] %}
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
        max(case when measure = 'mean_shift' then p_value_adjusted end) as mean_shift_p_value_adjusted,
        max(case when measure = 'lowered' then p_value_adjusted end) as lowered_p_value_adjusted,
        max(case when measure = 'raised' then p_value_adjusted end) as raised_p_value_adjusted,
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

final as (

    select
        suppressed.review_cycle_id,
        cycles.review_cycle_name,
        cycles.period_end_on,
        suppressed.attribute_name,
        suppressed.attribute_value,
        suppressed.is_suppressed,
        cast(p_values.people_count as integer) as people_count,
        cast(p_values.others_count as integer) as others_people_count,
        cast(p_values.submitted_sum as double precision) / p_values.people_count as mean_submitted_rating,
        cast(p_values.calibrated_sum as double precision) / p_values.people_count as mean_calibrated_rating,
        cast(p_values.others_submitted_sum as double precision) / p_values.others_count
            as others_mean_submitted_rating,
        cast(p_values.others_calibrated_sum as double precision) / p_values.others_count
            as others_mean_calibrated_rating,
        p_values.mean_shift,
        p_values.others_mean_shift,
        p_values.mean_shift - p_values.others_mean_shift as mean_shift_difference,
        p_values.mean_shift_t_statistic,
        p_values.mean_shift_degrees_of_freedom,
        p_values.mean_shift_p_value,
        adjusted.mean_shift_p_value_adjusted,
        cast(p_values.lowered_count as double precision) / p_values.people_count as lowered_share,
        cast(p_values.others_lowered_count as double precision) / p_values.others_count as others_lowered_share,
        p_values.lowered_z_statistic,
        p_values.lowered_p_value,
        adjusted.lowered_p_value_adjusted,
        cast(p_values.raised_count as double precision) / p_values.people_count as raised_share,
        cast(p_values.others_raised_count as double precision) / p_values.others_count as others_raised_share,
        p_values.raised_z_statistic,
        p_values.raised_p_value,
        adjusted.raised_p_value_adjusted,
        cast('{{ method }}' as {{ dbt.type_string() }}) as p_value_adjustment,
        case
            when not suppressed.is_suppressed
                then coalesce(adjusted.min_p_value_adjusted < {{ var('bias_audit_alpha') }}, false)
        end as is_significant

    from suppressed
    inner join cycles
        on suppressed.review_cycle_id = cycles.review_cycle_id
    left join p_values
        on suppressed.review_cycle_id = p_values.review_cycle_id
        and suppressed.attribute_name = p_values.attribute_name
        and suppressed.attribute_value = p_values.attribute_value
    left join adjusted
        on suppressed.review_cycle_id = adjusted.review_cycle_id
        and suppressed.attribute_name = adjusted.attribute_name
        and suppressed.test_owner_value = adjusted.attribute_value
        and not suppressed.is_suppressed

)

select * from final
