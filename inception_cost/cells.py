"""Readers for the cells people paste from papers: `7x7/2`, `112×112×64`, `2.7K`, `1,072K`.

Each reader returns a value or raises `InputError` naming what it expected; the caller
attaches the cell's location. Numbers stay exact: a claim like `2.7K` is kept as the
integer mantissa 27 with 1 decimal, never as a float.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction

from inception_cost.errors import InputError

EMPTY = frozenset({"", "-", "–", "—", "n/a"})

#: Numbers are written in ASCII digits 0-9 (`²`, `٣` or `３` are not digits here), and
#: at most this many of them: far beyond any network, and far inside Python's limits.
MAX_DIGITS = 18

_INT = r"[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+"
_PATCH = re.compile(rf"^({_INT})\s*[x×*]\s*({_INT})\s*(?:/\s*({_INT}))?$", re.I)
_SHAPE = re.compile(rf"^({_INT})\s*[x×*]\s*({_INT})\s*[x×*]\s*({_INT})$", re.I)
_QUANTITY = re.compile(rf"^({_INT})(?:\.([0-9]+))?\s*([kmgt]i?)?$", re.I)
_PERCENT = re.compile(r"^([0-9]+(?:\.[0-9]+)?)\s*%$")

#: Prefix letter -> power of the base (1,000 or 1,024).
PREFIX_POWER = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4}


@dataclass(frozen=True, slots=True)
class Patch:
    """A `patch size/stride` cell: kernel height, width and stride."""

    kh: int
    kw: int
    stride: int

    def __str__(self) -> str:
        return f"{self.kh}x{self.kw}/{self.stride}"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A printed number with its prefix and precision, exactly as the paper wrote it.

    `2.7K` is mantissa 27, decimals 1, prefix "K". Whether K means 1,000 or 1,024 is a
    reading the audit decides (`binary`), unless the text says `Ki`.
    """

    text: str
    mantissa: int
    decimals: int
    prefix: str
    binary: bool | None = None

    def scale(self, binary: bool) -> int:
        """The multiplier of one printed unit under the decimal or binary reading."""
        return (1024 if binary else 1000) ** PREFIX_POWER[self.prefix]

    def __str__(self) -> str:
        return self.text


def is_empty(text: str) -> bool:
    return text.strip().lower() in EMPTY


_DIGIT_RUN = re.compile(r"[0-9][0-9,]*")


def check_digits(text: str, what: str) -> None:
    """Refuse a number written with other than ASCII digits, or with too many of them.

    Every number cell passes here, so the common cases skip the scans: ASCII text holds
    no other digits, and text of at most MAX_DIGITS characters no longer number."""
    if not text.isascii():
        odd = next((c for c in text if c.isdigit() and not c.isascii()), None)
        if odd is not None:
            raise InputError(
                f"{what} {text.strip()!r} has the non-ASCII digit {odd!r}", "the digits 0-9"
            )
    if len(text) <= MAX_DIGITS:
        return
    digits = max((len(run.replace(",", "")) for run in _DIGIT_RUN.findall(text)), default=0)
    if digits > MAX_DIGITS:
        raise InputError(
            f"{what} has a number of {digits} digits", f"numbers of at most {MAX_DIGITS} digits"
        )


def whole_number(text: str, what: str, minimum: int = 1) -> int:
    """A whole number in ASCII digits, at least `minimum`: every option value and cell."""
    t = text.strip()
    check_digits(t, what)
    if not re.fullmatch(_INT, t):
        raise InputError(f"{what} {t!r} is not a whole number", f"an integer >= {minimum}")
    value = _int(t)
    if value < minimum:
        raise InputError(f"{what} must be at least {minimum}, got {t}", f"an integer >= {minimum}")
    return value


def _int(text: str) -> int:
    return int(text.replace(",", ""))


def parse_count(text: str, what: str) -> int:
    """A positive whole number such as `192` or `1,024`."""
    t = text.strip()
    check_digits(t, what)
    if not re.fullmatch(_INT, t):
        raise InputError(f"{what} {t!r} is not a whole number", "a positive integer such as 64")
    value = _int(t)
    if value <= 0:
        raise InputError(f"{what} must be positive, got {t}", "a positive integer such as 64")
    return value


#: A symbol's values by name: `[symbols]` and a reading's own (`k = 1000`, `a = 0.75`).
Symbols = dict[str, Fraction]
_EXPR_TOKEN = re.compile(
    r"\s*(?:(?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+(?:\.[0-9]+)?)"
    r"|(?P<name>[^\W\d_][^\W_]*)|(?P<op>[-+*/×·x(),]))",
)
_FUNCTIONS = {"min": min, "max": max}


def parse_expression(text: str, symbols: Symbols, what: str) -> Fraction:
    """A width or count written with symbols, as papers print them: `16×k`, `64a` (64
    times a), `min(64, 64a)`, `96×3`, `k`; numbers, declared symbols, + - × / and
    parentheses, exact (a symbol may be a decimal: a = 0.75). A symbol not declared is an
    error naming it."""
    tokens = _tokens(text, what)
    value, at = _sum(tokens, 0, symbols, text, what)
    if at != len(tokens):
        raise InputError(f"{what} {text.strip()!r} is not an expression", _EXPECTED_EXPR)
    return value


def parse_count_expr(text: str, symbols: Symbols, what: str) -> int:
    """A positive whole count, plain (`64`) or an expression of symbols (`16×k`)."""
    t = text.strip()
    if re.fullmatch(_INT, t) or not re.search(r"[×x*·+/()]|[^\W\d_]", t):
        return parse_count(t, what)
    if re.fullmatch(r"[^\W\d_][^\W_]*", t) and t not in symbols:
        raise InputError(
            f"{what} {t!r} is not a whole number",
            f"a positive integer such as 64, or a symbol declared under [symbols] ({t} = ...)",
        )
    check_digits(t, what)
    if _SIZE_LIKE.fullmatch(t):  # 4 × 4 × 8: a map's size, never read as their product
        raise InputError(
            f"{what} {t!r} reads as a map size HxWxC, not a count",
            "a count (64, or an expression of symbols such as 16×k); a column of sizes"
            ' is an output size column ([columns] "HEADER" = "output size")',
        )
    value = parse_expression(t, symbols, what)
    if value.denominator != 1 or value <= 0:
        shown = f"{float(value):g}" if value.denominator != 1 else str(value)
        raise InputError(
            f"{what} {t!r} is {shown}, not a positive whole number",
            "symbols whose values make a whole count (a = 0.75 makes 64a = 48)",
        )
    return int(value)


#: Three whole numbers joined by × (or x): what a table prints for a map's size.
_SIZE_LIKE = re.compile(r"[0-9][0-9,]*(?:\s*[x×]\s*[0-9][0-9,]*){2}")

_EXPECTED_EXPR = (
    "numbers and declared symbols with + - × / and parentheses, as 16×k or min(64, 64a)"
)


_TIMES_X = re.compile(r"(?<=[0-9)])\s*[xX](?=\s*[^\W_]|\s*\()")  # 16xk: x after a number


def _tokens(text: str, what: str) -> list[tuple[str, str]]:
    text = _TIMES_X.sub(" × ", text)
    out, at = [], 0
    while at < len(text.rstrip()):
        m = _EXPR_TOKEN.match(text, at)
        if not m or m.end() == at:
            raise InputError(f"{what} {text.strip()!r} is not an expression", _EXPECTED_EXPR)
        kind = m.lastgroup
        out.append((kind, m[kind]))
        at = m.end()
    return out


def _sum(tokens, i, symbols, text, what):
    value, i = _product(tokens, i, symbols, text, what)
    while i < len(tokens) and tokens[i] in (("op", "+"), ("op", "-")):
        rhs, j = _product(tokens, i + 1, symbols, text, what)
        value, i = (value + rhs if tokens[i][1] == "+" else value - rhs), j
    return value, i


def _product(tokens, i, symbols, text, what):
    value, i = _factor(tokens, i, symbols, text, what)
    while i < len(tokens):
        kind, tok = tokens[i]
        if (kind, tok) == ("op", "/"):
            rhs, i = _factor(tokens, i + 1, symbols, text, what)
            if rhs == 0:
                raise InputError(f"{what} {text.strip()!r} divides by 0", _EXPECTED_EXPR)
            value /= rhs
        elif (kind == "op" and tok in "*×·x") or (kind == "name" and tok == "x"):
            rhs, i = _factor(tokens, i + 1, symbols, text, what)
            value *= rhs
        elif kind in ("num", "name") or tok == "(":  # 64a: a product written without ×
            rhs, i = _factor(tokens, i, symbols, text, what)
            value *= rhs
        else:
            break
    return value, i


def _factor(tokens, i, symbols, text, what):
    if i >= len(tokens):
        raise InputError(f"{what} {text.strip()!r} ends too soon", _EXPECTED_EXPR)
    kind, tok = tokens[i]
    if kind == "num":
        return Fraction(tok.replace(",", "")), i + 1
    if kind == "name" and tok.lower() in _FUNCTIONS and tokens[i + 1 : i + 2] == [("op", "(")]:
        args, i = [], i + 2
        while True:
            value, i = _sum(tokens, i, symbols, text, what)
            args.append(value)
            if i < len(tokens) and tokens[i] == ("op", ","):
                i += 1
                continue
            if i < len(tokens) and tokens[i] == ("op", ")"):
                return _FUNCTIONS[tok.lower()](args), i + 1
            raise InputError(f"{what} {text.strip()!r}: {tok}( is never closed", _EXPECTED_EXPR)
    if kind == "name":
        if tok not in symbols:
            raise InputError(
                f"{what} {text.strip()!r} names {tok!r}, which is not declared",
                f"[symbols] {tok} = its value (the paper's text gives it), or a reading's"
                f" own: symbols = {{ {tok} = ... }}",
            )
        return symbols[tok], i + 1
    if tok == "(":
        value, i = _sum(tokens, i + 1, symbols, text, what)
        if i < len(tokens) and tokens[i] == ("op", ")"):
            return value, i + 1
        raise InputError(f"{what} {text.strip()!r}: a ( is never closed", _EXPECTED_EXPR)
    if tok == "-":
        value, i = _factor(tokens, i + 1, symbols, text, what)
        return -value, i
    raise InputError(f"{what} {text.strip()!r} is not an expression", _EXPECTED_EXPR)


#: A repeat (a building block's x N, ResNet-1202's is 200; a module's n; a row's or a
#: group's N×): beyond it a network takes minutes and gigabytes to build, so it is
#: refused at once.
MAX_REPEAT = 1_000


def repeat_count(text: str, what: str, symbols: Symbols | None = None) -> int:
    """A repeat count (a building block's x N, a row's n, a `N×` before a type), bounded;
    an expression of symbols where declared (`× N`)."""
    repeat = parse_count_expr(text, symbols or {}, f"{what} repeat")
    if repeat > MAX_REPEAT:
        raise InputError(
            f"a {what} repeated {repeat:,} times", f"a repeat of at most {MAX_REPEAT:,}"
        )
    return repeat


def parse_patch(text: str) -> Patch:
    """`7x7/2`, `7×7/2`, `3x3` (stride 1)."""
    check_digits(text, "patch size")
    m = _PATCH.match(text.strip())
    if not m:
        raise InputError(f"malformed patch size {text.strip()!r}", "KxK/S such as 7x7/2")
    kh, kw = _int(m[1]), _int(m[2])
    stride = _int(m[3]) if m[3] else 1
    if min(kh, kw, stride) <= 0:
        raise InputError(
            f"patch size {text.strip()!r} has a zero size or stride", "KxK/S with K, S >= 1"
        )
    return Patch(kh, kw, stride)


#: A feature map's size: height, width, channels.
Shape = tuple[int, int, int]


def parse_shape(text: str) -> Shape:
    """`112x112x64` -> (112, 112, 64): height, width, channels."""
    check_digits(text, "size")
    m = _SHAPE.match(text.strip())
    if not m:
        raise InputError(f"malformed size {text.strip()!r}", "HxWxC such as 112x112x64")
    shape = (_int(m[1]), _int(m[2]), _int(m[3]))
    if min(shape) <= 0:
        raise InputError(f"size {text.strip()!r} has a zero dimension", "HxWxC, all >= 1")
    return shape


#: A claim in scientific notation: `4.5 × 10⁹`, `25.6×10^6`, `3.8e9` (its mantissa, exponent).
_SCIENTIFIC = re.compile(
    r"^([0-9]+(?:\.[0-9]+)?)\s*(?:[x×*·]\s*10\s*(?:\^\s*\+?([0-9]{1,2})|([⁰¹²³⁴⁵⁶⁷⁸⁹]{1,2}))"
    r"|[eE]\+?([0-9]{1,2}))$"
)
_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def parse_quantity(text: str, what: str = "number") -> Quantity:
    """`2.7K`, `1,072K`, `34M`, `1.5G`, `60,000`, `112 Ki`, `4.5 × 10⁹` -> an exact
    `Quantity`."""
    t = text.strip()
    if m := _SCIENTIFIC.match(t):
        return _scientific(t, m, what)
    check_digits(t, what)
    m = _QUANTITY.match(t)
    if not m:
        raise InputError(
            f"malformed {what} {t!r}", "a number with an optional K, M, G or Ki suffix, like 2.7K"
        )
    whole, frac, prefix = m[1], m[2] or "", (m[3] or "")
    mantissa = int(whole.replace(",", "") + frac)
    if mantissa <= 0:
        raise InputError(f"{what} must be positive, got {t}", "a positive number such as 2.7K")
    binary = True if prefix.lower().endswith("i") else None
    return Quantity(t, mantissa, len(frac), prefix[:1].upper(), binary)


def _scientific(text: str, m: re.Match, what: str) -> Quantity:
    """`4.5 × 10⁹` as the prefix the exponent gives (4.5G), its precision as printed (a
    tenth of 10⁹); decimal, as powers of ten are. 10^E for E up to 14 (T = 10^12)."""
    exponent = int((m[2] or m[3] or m[4]).translate(_SUPERSCRIPT))
    whole, _, frac = m[1].partition(".")
    mantissa, decimals = int(whole + frac), len(frac)
    if mantissa <= 0 or exponent > 14:
        raise InputError(
            f"{what} {text!r} is not a positive number up to 10^14",
            "a claim such as 4.5 × 10⁹ (4.5G)",
        )
    power, rest = divmod(exponent, 3)
    power = min(power, 4)
    rest = exponent - 3 * power
    if rest >= decimals:
        mantissa, decimals = mantissa * 10 ** (rest - decimals), 0
    else:
        decimals -= rest
    prefix = "KMGT"[power - 1] if power else ""
    return Quantity(text, mantissa, decimals, prefix, False)


def parse_percent(text: str) -> tuple[int, int]:
    """`40%` -> (40, 100) as an exact ratio."""
    check_digits(text, "rate")
    m = _PERCENT.match(text.strip())
    if not m:
        raise InputError(f"malformed rate {text.strip()!r}", "a percentage such as 40%")
    whole, _, frac = m[1].partition(".")
    num, den = int(whole + frac), 100 * 10 ** len(frac)
    if not 0 <= num < den:
        raise InputError(f"rate {text.strip()} is not below 100%", "a percentage from 0% to 99%")
    return num, den


def format_shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape)


# --------------------------------------------------------------------------- as printed

_SUP = re.compile(r"<\s*sup\s*>(.*?)<\s*/\s*sup\s*>", re.I)
_BREAK = re.compile(r"<\s*/?\s*(?:br|p|div)\b[^>]*>", re.I)
_INLINE = re.compile(r"<\s*/?\s*(?:b|i|em|strong|span|sub|small|font)\b[^>]*>", re.I)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")  # a Markdown backslash escape: \* \_ \[
_BULLET = re.compile(r"^[•◦▪▫‣∙●○]\s*")


def decode(text: str) -> str:
    """A cell as a reader sees it printed: HTML entities (`&nbsp;`, `&times;`) and the
    tags a pasted HTML table carries (`<br>` a space, `<sup>9</sup>` as `^9`), Markdown
    backslash escapes (`\\*` a star), a bullet before the text (`• ResNet-50`), and every
    kind of space as one space. Invisible characters stay, to be refused (check_chars)."""
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _INLINE.sub("", _BREAK.sub(" ", _SUP.sub(r"^\1", text)))
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    if not text.isascii():
        text = "".join(" " if unicodedata.category(c) == "Zs" else c for c in text)
        text = _BULLET.sub("", text.strip())
    return text.strip()


FOOTNOTE_MARKS = "*†‡§¶"
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1")
_FOOTNOTE = re.compile(rf"^(.*?\S)\s*([{FOOTNOTE_MARKS}]+|\^[0-9A-Za-z]+)$")
_FILTER_SHAPE = re.compile(
    rf"^(?:(?P<pool>pool|max\s*pool|avg\s*pool)\s+)?(?P<dims>(?:(?:{_INT})\s*[x×*]\s*)*(?:{_INT}))"
    r"(?:\s*(?P<dw>dw))?$",
    re.I,
)


def unmark(text: str) -> str:
    """A cell without the Markdown emphasis around it: `**inception (3a)**` -> `inception (3a)`."""
    t = text.strip()
    m = _EMPHASIS.fullmatch(t)
    return m[2].strip() if m else t


def split_footnote(text: str) -> tuple[str, str]:
    """`convolution*` -> ("convolution", "*"); `2.7K†` -> ("2.7K", "†"); no mark -> (text, "")."""
    m = _FOOTNOTE.match(text.strip())
    if not m or not re.search(r"[0-9A-Za-z)\]]$", m[1]):
        return text.strip(), ""
    return m[1], m[2]


@dataclass(frozen=True, slots=True)
class FilterShape:
    """MobileNet's `Filter Shape` cell: `3 × 3 × 3 × 32` (kh, kw, in, out), `3 × 3 × 32 dw`
    (a depthwise kh, kw, channels), `Pool 7 × 7`, `1024 × 1000` (in, out of a linear)."""

    kernel: tuple[int, int] | None
    in_channels: int | None
    out_channels: int | None
    depthwise: bool = False
    pool: bool = False


def parse_filter_shape(text: str) -> FilterShape:
    check_digits(text, "filter shape")
    if text.strip().lower() == "classifier":  # MobileNet's softmax row
        return FilterShape(None, None, None)
    m = _FILTER_SHAPE.match(text.strip())
    dims = [_int(d) for d in re.split(r"\s*[x×*]\s*", m["dims"])] if m else []
    if m and min(dims, default=1) <= 0:
        raise InputError(f"filter shape {text.strip()!r} has a zero", "sizes of at least 1")
    if m and m["pool"] and len(dims) == 2 and not m["dw"]:
        return FilterShape((dims[0], dims[1]), None, None, pool=True)
    if m and m["dw"] and len(dims) == 3 and not m["pool"]:
        return FilterShape((dims[0], dims[1]), dims[2], dims[2], depthwise=True)
    if m and not (m["dw"] or m["pool"]) and len(dims) == 4:
        return FilterShape((dims[0], dims[1]), dims[2], dims[3])
    if m and not (m["dw"] or m["pool"]) and len(dims) == 2:
        return FilterShape(None, dims[0], dims[1])
    raise InputError(
        f"malformed filter shape {text.strip()!r}",
        "KxKxINxOUT (3 × 3 × 3 × 32), KxKxC dw, Pool KxK or INxOUT (1024 × 1000)",
    )
