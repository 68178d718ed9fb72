{#-
    Cross-database pieces of two-sample tests, written with SQL arithmetic only (abs, sqrt,
    exp, ln), so they run unchanged on DuckDB and PostgreSQL. See _statistical_tests.yml
    for sources and accuracy. Each macro takes column names (or short expressions): an
    argument is inlined several times, so compute it in an earlier CTE.
-#}

{#- Two-sided p-value of a standard normal deviate: 2 * (1 - Phi(|z|)). -#}
{% macro normal_two_sided_p_value(z) -%}
    case
        when {{ z }} is null then null
        {#- exp() of a very negative double raises an underflow error on PostgreSQL;
            beyond |z| = 37 the p-value is below 1e-298 anyway. #}
        when abs({{ z }}) > 37 then cast(0 as double precision)
        else least(
            cast(1 as double precision),
            2 * 0.3989422804014327 * exp(-0.5 * {{ z }} * {{ z }})
            * (
                (1 / (1 + 0.2316419 * abs({{ z }})))
                * (0.319381530
                    + (1 / (1 + 0.2316419 * abs({{ z }})))
                    * (-0.356563782
                        + (1 / (1 + 0.2316419 * abs({{ z }})))
                        * (1.781477937
                            + (1 / (1 + 0.2316419 * abs({{ z }})))
                            * (-1.821255978
                                + (1 / (1 + 0.2316419 * abs({{ z }}))) * 1.330274429))))
            )
        )
    end
{%- endmacro %}

{#- A Student t statistic with `df` degrees of freedom turned into the standard normal
    deviate with the same tail probability (Hill 1970); |t| in, a deviate >= 0 out. -#}
{% macro student_t_as_normal_deviate(t, df) -%}
    case
        when {{ t }} is null or {{ df }} is null or {{ df }} <= 0.5 then null
        else (
            (
                (
                    (
                        ((-0.4 * ({{ df }} - 0.5) * ln(1 + {{ t }} * {{ t }} / {{ df }}) - 3.3)
                            * ({{ df }} - 0.5) * ln(1 + {{ t }} * {{ t }} / {{ df }}) - 24)
                        * ({{ df }} - 0.5) * ln(1 + {{ t }} * {{ t }} / {{ df }}) - 85.5
                    )
                    / (
                        0.8 * power(({{ df }} - 0.5) * ln(1 + {{ t }} * {{ t }} / {{ df }}), 2)
                        + 100 + 48 * power({{ df }} - 0.5, 2)
                    )
                    + ({{ df }} - 0.5) * ln(1 + {{ t }} * {{ t }} / {{ df }}) + 3
                )
                / (48 * power({{ df }} - 0.5, 2))
                + 1
            )
            * sqrt(({{ df }} - 0.5) * ln(1 + {{ t }} * {{ t }} / {{ df }}))
        )
    end
{%- endmacro %}

{#- Welch's standard error of a difference of two means, from each side's sample variance
    and size; null when a side has fewer than 2 values or both variances are 0. -#}
{% macro welch_standard_error(variance_1, count_1, variance_2, count_2) -%}
    case
        when {{ count_1 }} < 2 or {{ count_2 }} < 2 then null
        when {{ variance_1 }} / {{ count_1 }} + {{ variance_2 }} / {{ count_2 }} <= 0 then null
        else sqrt({{ variance_1 }} / {{ count_1 }} + {{ variance_2 }} / {{ count_2 }})
    end
{%- endmacro %}

{#- Welch-Satterthwaite degrees of freedom of that difference. -#}
{% macro welch_degrees_of_freedom(variance_1, count_1, variance_2, count_2) -%}
    case
        when {{ count_1 }} < 2 or {{ count_2 }} < 2 then null
        when {{ variance_1 }} / {{ count_1 }} + {{ variance_2 }} / {{ count_2 }} <= 0 then null
        else power({{ variance_1 }} / {{ count_1 }} + {{ variance_2 }} / {{ count_2 }}, 2)
            / (
                power({{ variance_1 }} / {{ count_1 }}, 2) / ({{ count_1 }} - 1)
                + power({{ variance_2 }} / {{ count_2 }}, 2) / ({{ count_2 }} - 1)
            )
    end
{%- endmacro %}

{#- Sample variance (n - 1 denominator) from a count, a sum and a sum of squares. -#}
{% macro sample_variance_from_sums(count, total, total_of_squares) -%}
    case
        when {{ count }} < 2 then null
        else greatest(
            cast(0 as double precision),
            (cast({{ count }} as double precision) * {{ total_of_squares }} - cast({{ total }} as double precision) * {{ total }})
            / (cast({{ count }} as double precision) * ({{ count }} - 1))
        )
    end
{%- endmacro %}

{#- Pooled two-proportion z statistic: (p1 - p2) / sqrt(p (1 - p) (1/n1 + 1/n2)), p the
    pooled share. Null when a side is empty, when the pooled share is 0 or 1, or when an
    expected count (n x p or n x (1 - p), either side) is below `min_expected_count`, the
    rule of thumb under which the normal approximation is not trusted. -#}
{% macro two_proportion_z(successes_1, count_1, successes_2, count_2, min_expected_count) -%}
    case
        when {{ count_1 }} = 0 or {{ count_2 }} = 0 then null
        when {{ successes_1 }} + {{ successes_2 }} = 0
            or {{ successes_1 }} + {{ successes_2 }} = {{ count_1 }} + {{ count_2 }} then null
        when least({{ count_1 }}, {{ count_2 }})
            * least({{ successes_1 }} + {{ successes_2 }},
                {{ count_1 }} + {{ count_2 }} - {{ successes_1 }} - {{ successes_2 }})
            < {{ min_expected_count }} * ({{ count_1 }} + {{ count_2 }}) then null
        else (
            cast({{ successes_1 }} as double precision) / {{ count_1 }}
            - cast({{ successes_2 }} as double precision) / {{ count_2 }}
        )
        / sqrt(
            (cast({{ successes_1 }} + {{ successes_2 }} as double precision) / ({{ count_1 }} + {{ count_2 }}))
            * (1 - cast({{ successes_1 }} + {{ successes_2 }} as double precision) / ({{ count_1 }} + {{ count_2 }}))
            * (cast(1 as double precision) / {{ count_1 }} + cast(1 as double precision) / {{ count_2 }})
        )
    end
{%- endmacro %}

{#- Multiplicity-adjusted p-value as a window expression over a family of tests, given
    each test's p-value, its rank by ascending p-value (1 = smallest, ties in any order)
    and the family's size: Benjamini-Hochberg (`benjamini_hochberg`, false discovery
    rate) or Holm (`holm`, family-wise error rate). -#}
{% macro adjusted_p_value(method, p_value, p_rank, family_size, partition_by) -%}
    {%- if method == 'benjamini_hochberg' -%}
    min(least(cast(1 as double precision), {{ p_value }} * {{ family_size }} / {{ p_rank }})) over (
        partition by {{ partition_by }}
        order by {{ p_rank }} desc
        rows between unbounded preceding and current row
    )
    {%- elif method == 'holm' -%}
    max(least(cast(1 as double precision), {{ p_value }} * ({{ family_size }} - {{ p_rank }} + 1))) over (
        partition by {{ partition_by }}
        order by {{ p_rank }}
        rows between unbounded preceding and current row
    )
    {%- else -%}
    {{ exceptions.raise_compiler_error("adjusted_p_value: method must be benjamini_hochberg or holm, not " ~ method) }}
    {%- endif -%}
{%- endmacro %}
