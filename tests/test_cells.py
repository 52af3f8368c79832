import pytest

from inception_cost.cells import parse_patch, parse_percent, parse_quantity, parse_shape
from inception_cost.errors import InputError


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7x7/2", (7, 7, 2)), ("7×7/2", (7, 7, 2)), ("3x3", (3, 3, 1)), (" 5 x 5 / 3 ", (5, 5, 3))],
)
def test_patch_forms_people_paste(text, expected):
    p = parse_patch(text)
    assert (p.kh, p.kw, p.stride) == expected


@pytest.mark.parametrize("text", ["7x7/", "7/2", "x7/2", "7x7x2", "0x7/2", "7x7/0"])
def test_malformed_patch(text):
    with pytest.raises(InputError):
        parse_patch(text)


def test_shape_with_unicode_times_and_commas():
    assert parse_shape("112×112×64") == (112, 112, 64)
    assert parse_shape("1x1x1,000") == (1, 1, 1000)
    with pytest.raises(InputError):
        parse_shape("112x112")
    with pytest.raises(InputError):
        parse_shape("0x112x64")


@pytest.mark.parametrize(
    ("text", "mantissa", "decimals", "prefix", "binary"),
    [
        ("2.7K", 27, 1, "K", None),
        ("1,072K", 1072, 0, "K", None),
        ("34M", 34, 0, "M", None),
        ("1.5G", 15, 1, "G", None),
        ("60,000", 60000, 0, "", None),
        ("112 Ki", 112, 0, "K", True),
        ("3.8k", 38, 1, "K", None),
    ],
)
def test_quantity_kept_exact(text, mantissa, decimals, prefix, binary):
    q = parse_quantity(text)
    assert (q.mantissa, q.decimals, q.prefix, q.binary) == (mantissa, decimals, prefix, binary)


def test_quantity_scales_by_reading():
    q = parse_quantity("112K")
    assert q.mantissa * q.scale(binary=True) == 114_688  # conv2's weights, exactly
    assert q.mantissa * q.scale(binary=False) == 112_000


@pytest.mark.parametrize("text", ["2.7X", "1,07K", "K", "-3M", "0K", "1.2.3"])
def test_malformed_quantity(text):
    with pytest.raises(InputError):
        parse_quantity(text)


def test_percent():
    assert parse_percent("40%") == (40, 100)
    assert parse_percent("12.5%") == (125, 1000)
    with pytest.raises(InputError):
        parse_percent("140%")
