"""Time parser table: relative and absolute dates resolved against a fixed report time."""

from __future__ import annotations

from datetime import datetime

import pytest

from fanzha.cases.timeparse import cn_small_int, find_times, parse_reported_at

FRI = datetime(2024, 3, 8, 10, 20)  # Friday 2024-03-08 10:20 Beijing time
MON = datetime(2025, 1, 6, 9, 0)  # Monday


def first(text: str, ref: datetime = FRI) -> str | None:
    ms = find_times(text, ref)
    return ms[0].formatted() if ms else None


@pytest.mark.parametrize(
    ("text", "ref", "expected"),
    [
        ("昨天下午三点接到电话", FRI, "2024-03-07 15:00"),
        ("今天上午10点半接到电话", FRI, "2024-03-08 10:30"),
        ("前天晚上9点在快手刷到视频", MON, "2025-01-04 21:00"),
        ("大前天15:30左右接到电话", MON, "2025-01-03 15:30"),
        ("前天凌晨一点多接到电话", FRI, "2024-03-06 01:00"),
        ("今天中午12点40分接到来电", FRI, "2024-03-08 12:40"),
        ("今天下午1点03分", FRI, "2024-03-08 13:03"),
        ("昨晚十点转的账", FRI, "2024-03-07 22:00"),
        ("今天上午接到电话", FRI, "2024-03-08"),
        ("上周五上午九点多", MON, "2025-01-03 09:00"),
        ("上周五", FRI, "2024-03-01"),
        ("上周三收到短信", MON, "2025-01-01"),
        ("本周三晚上7点半", FRI, "2024-03-06 19:30"),
        ("这周一下午", FRI, "2024-03-04"),
        ("星期二", FRI, "2024-03-05"),
        ("周五", FRI, "2024-03-08"),
        ("3月5日", FRI, "2024-03-05"),
        ("3月5号", FRI, "2024-03-05"),
        ("三月五号晚上", FRI, "2024-03-05"),
        ("2024年3月5日", FRI, "2024-03-05"),
        ("2024-03-05", FRI, "2024-03-05"),
        ("2024/3/5 14:20", FRI, "2024-03-05 14:20"),
        ("2024-04-08 14:20收到短信", datetime(2024, 4, 10), "2024-04-08 14:20"),
        ("7.5晚上在群里看到", datetime(2025, 7, 8), "2025-07-05"),
        ("3天前", FRI, "2024-03-05"),
        ("五天前在网站上", FRI, "2024-03-03"),
        ("半个月前", FRI, "2024-02-22"),
        ("两周前", FRI, "2024-02-23"),
        ("两个月前在网上认识", datetime(2026, 1, 5), "2025-11-05"),
        ("上个月10号", FRI, "2024-02-10"),
        ("上个月10号", MON, "2024-12-10"),
        ("上个月在陌陌上认识", FRI, "2024-02-01"),
        ("去年12月", FRI, "2023-12-01"),
        ("今年5月", datetime(2024, 7, 3), "2024-05-01"),
        ("2024年6月", FRI, "2024-06-01"),
        ("4月份以来", datetime(2025, 5, 12), "2025-04-01"),
        ("12月20日", FRI, "2023-12-20"),  # future month-day rolls back a year
        ("11月10日", datetime(2026, 1, 5), "2025-11-10"),
        ("報案人於６月１０日轉賬", datetime(2024, 7, 3), "2024-06-10"),
        ("２０２４年２月１６日晚上", FRI, "2024-02-16"),
        ("二〇二四年三月一日", FRI, "2024-03-01"),
        ("十一月二十日", FRI, "2023-11-20"),
        ("上周末", FRI, "2024-03-02"),
        ("凌晨12点半", FRI, "2024-03-08 00:30"),
        ("下午5：30", FRI, "2024-03-08 17:30"),
        ("2023.12.5晚上", FRI, "2023-12-05"),
        ("8月23日晚8点左右", FRI, "2023-08-23 20:00"),
        ("昨晚十点", FRI, "2024-03-07 22:00"),
    ],
)
def test_first_time(text: str, ref: datetime, expected: str) -> None:
    assert first(text, ref) == expected


def test_time_of_day_takes_date_from_context() -> None:
    ms = find_times("2月13日晚上有人加她微信，当晚十点转了三万元，次日报警", datetime(2025, 2, 14, 13))
    assert [m.formatted() for m in ms] == ["2025-02-13", "2025-02-13 22:00", "2025-02-14"]


def test_bare_time_uses_previous_date() -> None:
    ms = find_times("报案人6月15日下午2点15分被加好友，于15时07分转账", datetime(2024, 6, 20))
    assert [m.formatted() for m in ms] == ["2024-06-15 14:15", "2024-06-15 15:07"]


def test_bare_time_without_date_uses_report_date() -> None:
    assert first("报案人称下午两点接到电话") == "2024-03-08 14:00"


@pytest.mark.parametrize(
    "text",
    [
        "对方承诺返利30%，有一点犹豫",
        "转账1.5万元",
        "卡号6222021895559797115",
        "电话17012345678",
        "每月扣费800元，3个月",
        "第一时间报警",
        "一点点钱",
        "",
    ],
)
def test_no_false_times(text: str) -> None:
    assert find_times(text, FRI) == []


def test_offsets_are_original() -> None:
    text = "報案人稱，５月３０日上午１０點接到電話"
    (m,) = find_times(text, datetime(2024, 6, 3))
    assert text[m.start : m.end] == m.raw == "５月３０日上午１０點"
    assert m.formatted() == "2024-05-30 10:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-08 10:20", datetime(2024, 3, 8, 10, 20)),
        ("2024-03-08T10:20:00+08:00", datetime(2024, 3, 8, 10, 20)),
        ("2024-03-08T02:20:00Z", datetime(2024, 3, 8, 10, 20)),
        ("2024/03/08", datetime(2024, 3, 8)),
    ],
)
def test_parse_reported_at(value: str, expected: datetime) -> None:
    assert parse_reported_at(value) == expected


def test_parse_reported_at_rejects_garbage() -> None:
    with pytest.raises(ValueError):
        parse_reported_at("last tuesday")


def test_cn_small_int() -> None:
    assert [cn_small_int(s) for s in ("12", "十二", "二十一", "十", "二〇二四", "三十", "x")] == [
        12,
        12,
        21,
        10,
        2024,
        30,
        None,
    ]
