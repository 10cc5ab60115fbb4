"""Sums of money a text states, read as numbers: to tell which of a law's penalty provisions sets the highest fine.

"RMB 10,000,000 Yuan", "RMB 50 million yuan", "RMB one million yuan", "一千万元", "1000万元": the tiers of fines are
written in digits, in words and with Chinese numerals, sometimes in one law. A share of turnover ("营业额百分之五")
is no sum and is not read.
"""

from __future__ import annotations

import re

from ..language import ZH_NUMERAL, chinese_to_int

_EN_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twenty": 20,
    "thirty": 30,
    "fifty": 50,
    "hundred": 100,
}
_EN_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
_EN_FIGURE = rf"\d[\d,]*(?:\.\d+)?|(?:{'|'.join(_EN_NUMBERS)})(?:\s+hundred)?"
_EN_SUM = re.compile(
    rf"\b(?:RMB|CNY|USD|US\$|\$|¥|￥|€)\s?(?P<pre>{_EN_FIGURE})(?:\s+(?P<pre_scale>{'|'.join(_EN_SCALES)}))?\b"
    rf"|\b(?P<post>{_EN_FIGURE})(?:\s+(?P<post_scale>{'|'.join(_EN_SCALES)}))?\s+(?:yuan|dollars?|euros?)\b",
    re.I,
)
_ZH_SUM = re.compile(rf"(?P<figure>\d+(?:\.\d+)?|[{ZH_NUMERAL}]+)\s*(?P<scale>万|亿)?元")


def _en_figure(figure: str) -> float:
    words = figure.lower().split()
    if words[0] in _EN_NUMBERS:
        value = _EN_NUMBERS[words[0]]
        return float(value * 100 if words[1:] == ["hundred"] else value)
    return float(figure.replace(",", ""))


def sums(text: str) -> list[float]:
    """The sums of money ``text`` states, in its currency's units, in order."""
    found: list[tuple[int, float]] = []
    for match in _EN_SUM.finditer(text):
        figure = match.group("pre") or match.group("post")
        scale = match.group("pre_scale") or match.group("post_scale")
        found.append((match.start(), _en_figure(figure) * _EN_SCALES.get((scale or "").lower(), 1)))
    for match in _ZH_SUM.finditer(text):
        figure = match.group("figure").replace("两", "二")
        try:
            value = float(figure) if figure[0].isdigit() else float(chinese_to_int(figure))
        except ValueError:
            continue
        found.append((match.start(), value * {"万": 10**4, "亿": 10**8}.get(match.group("scale") or "", 1)))
    return [value for _, value in sorted(found)]


def largest_sum(text: str) -> float:
    """The largest sum of money ``text`` states; 0 for none."""
    return max(sums(text), default=0.0)
