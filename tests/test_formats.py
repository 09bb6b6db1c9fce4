"""The book's one way of writing numbers (herd.base.formats), and reading them back."""

import math

import numpy as np
import pytest

from conftest import shows
from herd.base import formats


@pytest.mark.parametrize(
    "fn, value, text",
    [
        (formats.count, 19194, "19,194"),
        (formats.count, 87048.0, "87,048"),
        (formats.count, np.int64(250), "250"),
        (formats.count, float("nan"), "—"),
        (formats.number, 1234.56, "1,234.6"),
        (formats.number, -0.04, "0.0"),
        (formats.gap, 1.84, "+1.8"),
        (formats.gap, -2.6, "-2.6"),
        (formats.gap, -0.04, "0.0"),
        (formats.gap, None, "—"),
        (formats.pvalue, 1.98e-111, "< 0.001"),
        (formats.pvalue, 0.00099, "< 0.001"),
        (formats.pvalue, 0.0459, "0.046"),
        (formats.pvalue, 1.0, "> 0.999"),
        (formats.p_text, 1.0, "p > 0.999"),
        (formats.p_text, 0.0012, "p = 0.001"),
        (formats.percent, 95.23, "95.2 %"),
        (formats.share, 0.3164, "32 %"),
        (formats.confidence, 0.0005, "99.95 %"),
        (formats.params, 405e9, "405 B"),
        (formats.params, 1.165e12, "1.2 T"),
        (formats.params_as_printed, 1.23e9, "1.23 B"),
        (formats.params_as_printed, 3.21e9, "3.21 B"),
        (formats.params_as_printed, 8e9, "8 B"),
        (formats.params_as_printed, 70.6e9, "70.6 B"),
        (formats.params_as_printed, 405e9, "405 B"),
        (formats.tokens, 15.6e12, "15.6 T"),
        (formats.tokens, 8e11, "800 B"),
        (formats.size, 3.5e8, "350 M"),
        (formats.scientific, 3.8e25, "3.8 × 10²⁵"),
        (formats.scientific, 1e22, "10²²"),
        (formats.scientific, 9.96e22, "10²³"),
        (formats.times, 1.638, "1.64×"),
        (formats.significant, 0.012345, "0.0123"),
        (formats.significant, 123456, "123,000"),
    ],
)
def test_each_kind_of_number_has_one_form(fn, value, text):
    assert fn(value) == text


def test_no_form_uses_an_exponent_or_a_bare_one():
    for v in (1e-300, 1e-12, 0.5, 1.0):
        assert "e" not in formats.pvalue(v) and formats.pvalue(v) != "1"
    assert "e" not in formats.scientific(6.02e23)


def test_number_list():
    assert formats.number_list("16000;700;80") == "16,000, 700, 80"
    assert formats.number_list("128k;100000;200") == "128k, 100,000, 200"
    assert formats.number_list("2023;2024.5;12345") == "2023, 2,024.5, 12,345"  # a year stays a year
    assert formats.number_list(float("nan")) == ""


def test_interval_and_span():
    assert formats.interval(-0.04, 4.06) == "-0.04 to +4.1"
    assert formats.interval(77.31, 99.06, signed=False) == "77.3 to 99.1"
    assert formats.span(390e9, 1165e9, lambda v: formats.count(v / 1e9), "B") == "390–1,165 B"
    assert formats.interval(float("nan"), 1) == "—"


def test_a_bound_that_rounds_onto_a_margin_shows_its_side():
    # MMLU (0-shot, CoT), 405B vs Claude 3.5 Sonnet: the TOST upper bound lies just above the margin of 2
    assert formats.interval(-1.404, 2.0048, edges=(-2, 2)) == "-1.4 to +2.005"
    assert formats.interval(-1.996, 1.3, edges=(-2, 2)) == "-1.996 to +1.3"  # just inside, on the other side
    assert formats.interval(-2.04, 2.06, edges=(-2, 2)) == "-2.04 to +2.1"  # two decimals suffice; +2.1 is clear
    assert formats.interval(-1.4, 2.0, edges=(-2, 2)) == "-1.4 to +2.0"  # exactly on the margin: as printed
    assert formats.interval(-1.4, 2.0048) == "-1.4 to +2.0"  # no margin given: one decimal
    assert formats.interval(1.96, 2.04, signed=False, edges=(2,)) == "1.96 to 2.04"


@pytest.mark.parametrize(
    "text, value, ok",
    [
        ("19,194", 19194, True),
        ("19,194", 19196, False),
        ("+1.8", 1.84, True),
        ("+1.8", 1.86, False),
        ("< 0.001", 1e-111, True),
        ("< 0.001", 0.002, False),
        ("> 0.999", 1.0, True),
        ("95.2 %", 95.23, True),
        ("32 %", 0.3164, True),
        ("405 B", 405.2e9, True),
        ("405 B", 406e9, False),
        ("1.2 T", 1.165e12, True),
        ("3.8 × 10²⁵", 3.8e25, True),
        ("1.64×", 1.638, True),
        ("≥ 5×", 5, True),
        ("≥ 5×", 4.9, False),
        ("—", float("nan"), True),
        ("—", 1.0, False),
        ("ahead", 1.0, False),
    ],
)
def test_read_inverts_every_form(text, value, ok):
    assert shows(text, value) is ok


def test_read_returns_none_for_text():
    assert formats.read("not resolved") is None
    assert formats.read("MMLU (5-shot)") is None
    assert formats.read("—") == []
    assert formats.read("10²²")[0][0] < 1e22 < formats.read("10²²")[0][1]
    assert math.isinf(formats.read("< 0.001")[0][0])


def test_vega_expressions_name_the_book_units():
    size = formats.vega_size_label()
    assert "'G', ' B'" in size and "'T', ' T'" in size
    power = formats.vega_power_label()
    assert "'10'" in power and "²" in power


def test_yes_no():
    assert formats.yes_no(True) == "yes" and formats.yes_no(False) == "no"


@pytest.mark.parametrize("value", [0.0, -0.0, 0.04, -0.04, 0.049])
def test_a_gap_that_rounds_to_zero_has_no_sign(value):
    assert formats.gap(value) == "0.0" and formats.gap(value, 2) in ("0.00", "+0.04", "-0.04", "+0.05")
    assert "+0.0 " not in formats.interval(value, 1.0) + " " and "-0.0 " not in formats.interval(-1.0, value) + " "


def test_a_count_agrees_with_the_words_that_follow_it():
    from herd.record.coverage import agree, counted

    assert counted(1, "{is} imprecise") == "1 is imprecise" and counted(2, "{is} imprecise") == "2 are imprecise"
    assert counted(1, "{attributes|attribute} it") == "1 attributes it" and counted(0, "{attributes|attribute} it") == (
        "0 attribute it"
    )
    assert agree("{its test set is|their test sets are} too small, so {it passes|they pass}", 1) == (
        "its test set is too small, so it passes"
    )
    assert counted(12_000, "{rests|rest} on {a gap|gaps}") == "12,000 rest on gaps"
