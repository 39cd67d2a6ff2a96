"""A Chinese quantity grammar: numerals (36, 1,092, 三十六, 一百零五, 1.2万), units, and the
qualifiers that turn a number into a range (400余条, 近百件, 约50件, 超过30件, 100件以上)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
CN_NUM = r"[零〇○一二两三四五六七八九十百千万亿]+"
# Bounded, possessive, and never started inside a run of digits or numerals: each start position
# costs a constant, so scanning is linear however long a run of digits a hostile text holds. A
# real count has at most 15 digits or 24 numerals; a longer run is not a quantity at all.
_CN_CHARS = "零〇○一二两三四五六七八九十百千万亿"
_AR_BOUNDED = r"(?<![\d.])(?:\d{1,3}(?:,\d{3}){1,5}+(?:\.\d{1,6})?+|\d{1,15}+(?:\.\d{1,6})?+)(?![\d.])"
_CN_BOUNDED = rf"(?<![{_CN_CHARS}])[{_CN_CHARS}]{{1,24}}+(?![{_CN_CHARS}])"
AR_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
UNITS = ["人次", "万元", "亿元", "件", "条", "次", "项", "人", "元", "个", "篇", "期", "场", "份", "家", "批", "起", "宗", "户"]
_UNIT_RE = "|".join(UNITS)
# Every quantity has a unit right after a digit, a numeral, 万/亿, 余/多 or a space. Most sentences
# have none: this one-pass scan (a unit's first character, then a look back at the one before it)
# lets them skip QUANTITY, whose optional prefix makes the engine try every position in turn.
_UNIT_HEADS = "".join(sorted({u[0] for u in UNITS}))
_MAYBE_QUANTITY = re.compile(rf"[{_UNIT_HEADS}](?<=[\d{_CN_CHARS}余多 ].)")
_CN_NUM_RE = re.compile(CN_NUM)

QUANTITY = re.compile(
    # Redundant with what follows (a match starts with a prefix word or a numeral) but checked in
    # one step, where the alternatives below cost the engine some twenty at every position.
    rf"(?=[近约大超逾不将达共合累总\d{_CN_CHARS}])"
    rf"(?:(?P<pre>近|约|大约|超过|超|逾|不到|不足|将近|达到?|共计?|合计|累计|总计) ?)?"
    rf"(?P<num>{_AR_BOUNDED}|{_CN_BOUNDED})"
    rf"(?P<mult>万|亿)?"
    rf"(?P<post>余|多)?"
    # Text copied from a PDF or a crawled page often spaces a number from its unit (“1430 条”).
    rf" ?(?P<unit>{_UNIT_RE})"
    rf"(?P<tail>以上|以下|左右)?"
)


def cn_to_int(s: str) -> int | None:
    """三十六 -> 36, 一百零五 -> 105, 两千 -> 2000, 十 -> 10, 一二三 -> 123 (digit by digit)."""
    if not s:
        return None
    if all(c in _DIGITS for c in s) and len(s) > 1:
        return int("".join(str(_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _DIGITS:
            digit = _DIGITS[ch]
        elif ch in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[ch]
            digit = None
        elif ch in _BIG_UNITS:
            section += digit or 0
            total += (section or 1) * _BIG_UNITS[ch]
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


@dataclass(frozen=True)
class Quantity:
    value: Decimal
    unit: str
    low: Decimal
    high: Decimal | None  # None: no upper bound
    qualifier: str | None
    start: int  # offsets of the whole match within the string it was found in
    end: int
    num_start: int

    @property
    def exact(self) -> bool:
        return self.qualifier is None

    def as_number(self) -> int | Decimal:
        return int(self.value) if self.value == self.value.to_integral_value() else self.value



def _step(value: Decimal) -> Decimal:
    """The magnitude a rounded number speaks in: 400 -> 100, 30 -> 10, 1200 -> 100, 7 -> 1."""
    if value <= 0:
        return Decimal(1)
    v = int(value)
    zeros = 0
    while v and v % 10 == 0:
        v //= 10
        zeros += 1
    return Decimal(10) ** max(zeros, 0)


def parse_quantity(m: re.Match[str]) -> Quantity | None:
    raw = m.group("num")
    if _CN_NUM_RE.fullmatch(raw):
        n = cn_to_int(raw)
        if n is None:
            return None
        value = Decimal(n)
    else:
        value = Decimal(raw.replace(",", ""))
    mult = m.group("mult")
    unit = m.group("unit")
    if mult and unit in ("元",) and mult == "万":
        unit = "万元"
    elif mult:
        value *= _BIG_UNITS[mult]
    pre, post, tail = m.group("pre"), m.group("post"), m.group("tail")
    qualifier = None
    low: Decimal = value
    high: Decimal | None = value
    if post or pre in ("超过", "超", "逾") or tail == "以上":
        qualifier = post or tail or pre
        high = value + _step(value) if post else None
    elif pre in ("近", "将近"):
        qualifier = pre
        low, high = value * Decimal("0.8"), value
    elif pre in ("约", "大约") or tail == "左右":
        qualifier = pre or tail
        low, high = value * Decimal("0.9"), value * Decimal("1.1")
    elif pre in ("不到", "不足") or tail == "以下":
        qualifier = pre or tail
        low, high = Decimal(0), value
    return Quantity(value=value, unit=unit, low=low, high=high, qualifier=qualifier,
                    start=m.start(), end=m.end(), num_start=m.start("num"))


def find_quantities(text: str) -> list[Quantity]:
    return list(_quantities(text))


# The claims and the narrative's arithmetic read the same sentences: the second reading is a
# lookup. Quantities are frozen; callers get a list of their own.
@lru_cache(maxsize=2048)
def _quantities(text: str) -> tuple[Quantity, ...]:
    out: list[Quantity] = []
    if not _MAYBE_QUANTITY.search(text):
        return ()
    for m in QUANTITY.finditer(text):
        before = text[max(0, m.start("num") - 1):m.start("num")]
        if before == "第":  # 第五十条: an ordinal, not a count
            continue
        raw = m.group("num")
        if raw in ("万", "亿") or (raw[0] in "万亿" and _CN_NUM_RE.fullmatch(raw)):
            continue
        q = parse_quantity(m)
        if q is not None and not math.isnan(float(q.value)):
            out.append(q)
    return tuple(out)
