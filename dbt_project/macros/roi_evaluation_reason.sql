{#
    Why a programme cohort has no ROI, from the impact engine's gated estimate; null when
    it has one. The closed list (mart_training_roi.evaluation_reason):
      no_plan                no review-rating estimate by staggered DiD (no plan, or the
                             engine has not run);
      insufficient_evidence  too few treated or comparison people, or no before/after;
      pre_trend_failed       the pre-trend test rejected parallel trends;
      placebo_failed         the placebo (fake earlier completion) found an effect;
      imbalanced             matching left a covariate imbalanced;
      underpowered           the minimum detectable effect exceeds the smallest effect
                             of interest;
      no_evidence_of_effect  estimated, but not significant after the multiplicity
                             adjustment (the interval may cross zero);
      no_completers          the cohort has nobody who completed: no benefit to value;
      unknown_status         a status this macro does not know (fails accepted_values).
#}
{% macro roi_evaluation_reason(status, significant, completer_count) -%}
    case
        when {{ status }} is null then 'no_plan'
        when {{ status }} = 'insufficient evidence' then 'insufficient_evidence'
        when {{ status }} = 'pre-trend violated' then 'pre_trend_failed'
        when {{ status }} = 'placebo failed' then 'placebo_failed'
        when {{ status }} = 'imbalanced' then 'imbalanced'
        when {{ status }} = 'underpowered' then 'underpowered'
        when {{ status }} <> 'estimated' then 'unknown_status'
        when {{ significant }} is null or not {{ significant }} then 'no_evidence_of_effect'
        when {{ completer_count }} = 0 then 'no_completers'
    end
{%- endmacro %}
