"""Sums of money read as numbers, in the ways laws write their tiers of fines."""

from __future__ import annotations

import pytest

from assistant.answer.sums import largest_sum, sums


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a fine of not less than RMB 100,000 Yuan but not more than RMB 1,000,000 Yuan", [1e5, 1e6]),
        ("a fine of not more than RMB one million yuan", [1e6]),
        ("not more than RMB 50 million yuan, or five percent of the previous year's turnover", [5e7]),
        ("a pier grant of 12 yuan per crossing", [12.0]),
        ("处一百万元以上一千万元以下罚款", [1e6, 1e7]),
        ("处10万元以上100万元以下罚款", [1e5, 1e6]),
        ("处五千万元以下或者渡运收入百分之五以下罚款", [5e7]),
        ("处两万元罚款", [2e4]),
        ("渡船载客不得超过核定人数", []),
    ],
)
def test_sums_are_read_in_digits_in_words_and_in_chinese_numerals(text: str, expected: list[float]) -> None:
    assert sums(text) == expected


def test_the_largest_sum_is_the_top_tier_whatever_its_place() -> None:
    assert largest_sum("一万元以上十万元以下；情节严重的，处二十万元以下罚款，对个人处五万元以下罚款") == 2e5
    assert largest_sum("order corrections and give a warning") == 0.0
