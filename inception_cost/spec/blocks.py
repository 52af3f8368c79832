"""Bracketed building blocks, as tables print them: `[1x1, 64; 3x3, 64; 1x1, 256] x 3`.

ResNet's Table 1 brackets the layers of a block and gives its repeat after it; later
papers write each line their own way: `conv, 3 × 3, 64` (SENet), `3x3, 128, C=32`
(ResNeXt's groups), `d7×7, 96` (a depthwise kernel), `fc, [16, 256]` (SENet's
squeeze-and-excitation), widths and repeats as expressions of symbols (`16×k`, `× N`).
A block cell reads here, in the `building block` column or a type cell.
"""

from __future__ import annotations

import re

from inception_cost.cells import Symbols, parse_count, parse_count_expr, repeat_count
from inception_cost.columns import norm
from inception_cost.errors import InputError
from inception_cost.spec.records import BlockLayer, ResidualBlock

# A building block's line: `1x1, 64`, `conv, 3 × 3, 64`, `3x3, 128, C=32`, `conv, 3 × 3,
# 128 C = 32`, `d7×7, 96`, `3x3, 16×k`; SENet's `fc, [16, 256]`.
_BLOCK_LINE = re.compile(
    r"(?:(?P<op>conv(?:olution)?\.?|dw\s*conv|depthwise(?:\s+conv)?|dw)\s*,?\s*)?"
    r"(?P<dw>d)?(?P<kh>[0-9]+)\s*[x×]\s*(?P<kw>[0-9]+)\s*(?:conv\.?)?\s*,\s*(?P<c>.+?)"
    r"(?:\s*,?\s*(?:C|G|groups)\s*=\s*(?P<g>[^,;=]+?))?",
    re.I,
)
_SE_LINE = re.compile(r"fc\s*,?\s*\[\s*(?P<r>[^,\]]+?)\s*,\s*(?P<c>[^\]]+?)\s*\]", re.I)
_BLOCK = re.compile(r"\[(.*)\]\s*(?:[x×*]\s*(.+?))?\s*", re.S)


def parse_block(text: str, symbols: Symbols | None = None) -> ResidualBlock:
    """`[1x1, 64; 3x3, 64; 1x1, 256] x 3`: ResNet's bracketed block and its repeat count,
    each line as printed (docs/spec-format.md): `conv, 3 × 3, 64` (SENet's), `3x3, 128,
    C=32` (ResNeXt's C groups), `d7×7, 96` (depthwise), `fc, [16, 256]` (SENet's
    squeeze-and-excitation), widths and repeat as expressions of symbols (`16×k`, `× N`)."""
    sym = symbols or {}
    m = _BLOCK.fullmatch(text.strip())
    if not m:
        raise _malformed(text)
    layers = tuple(_block_layer(part, sym, text) for part in _lines(m[1]))
    if not layers or all(x.op == "se" for x in layers):
        raise _malformed(text)
    return ResidualBlock(layers, repeat_count(m[2], "building block", sym) if m[2] else 1)


def _lines(inner: str) -> list[str]:
    """A block's lines: `;` outside inner brackets splits them."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        depth += (ch == "[") - (ch == "]")
        if ch == ";" and depth == 0:
            out.append(inner[start:i])
            start = i + 1
    return [*out, inner[start:]]


def _block_layer(part: str, sym: Symbols, text: str) -> BlockLayer:
    if sm := _SE_LINE.fullmatch(part.strip()):
        reduced = parse_count_expr(sm["r"], sym, "squeeze units")
        return BlockLayer("se", (1, 1), parse_count_expr(sm["c"], sym, "block filters"), 1, reduced)
    lm = _BLOCK_LINE.fullmatch(part.strip())
    if not lm:
        raise _malformed(text)
    kh, kw = parse_count(lm["kh"], "block kernel"), parse_count(lm["kw"], "block kernel")
    depthwise = bool(lm["dw"]) or norm(lm["op"] or "").startswith(("dw", "depthwise"))
    filters = parse_count_expr(lm["c"], sym, "block filters")
    groups = parse_count_expr(lm["g"], sym, "cardinality C") if lm["g"] else 1
    return BlockLayer("dwconv" if depthwise else "conv", (kh, kw), filters, groups)


def _malformed(text: str) -> InputError:
    return InputError(
        f"malformed building block {text.strip()!r}",
        "[KxK, C; KxK, C] x N, as in [3x3, 64; 3x3, 64] x 2 (also conv, 3x3, 64; a grouped"
        " 3x3, 128, C=32; a depthwise d7x7, 96; SENet's fc, [16, 256])",
    )
