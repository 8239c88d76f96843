"""Reading values as Taiwanese files write them (``core.imports``): dates in both
calendars and both clocks, full-width digits, amounts, encodings."""

import datetime as dt

import pytest

from yankao.core.calendar import TAIPEI
from yankao.core.errors import DomainError
from yankao.core.imports import RowError, parse_date, parse_datetime, parse_int, read_rows


@pytest.mark.parametrize(("text", "expected"), [
    ("2016/10/5 上午 09:00:11", "2016-10-05 09:00:11"),
    ("2017/1/2 上午 12:55:41", "2017-01-02 00:55:41"),  # 上午 12 is midnight
    ("2017/8/21 下午 12:16:55", "2017-08-21 12:16:55"),  # 下午 12 is noon
    ("2017/8/21 下午 05:10:17", "2017-08-21 17:10:17"),
    ("2018/01/02 08:15:32", "2018-01-02 08:15:32"),
    ("2018-01-02 08:15", "2018-01-02 08:15:00"),
    ("107/03/05", "2018-03-05 00:00:00"),
    ("107/3/5 下午 1:05", "2018-03-05 13:05:00"),
    ("１０７/０３/０５　上午 ０９:１２:３３", "2018-03-05 09:12:33"),
    ("107年3月5日", "2018-03-05 00:00:00"),
    ("1070305", "2018-03-05 00:00:00"),
    ("20180305", "2018-03-05 00:00:00"),
    ("2018/3/5 9:05:00 PM", "2018-03-05 21:05:00"),
    ("  107/03/05   ", "2018-03-05 00:00:00"),
])
def test_dates_as_files_write_them_are_taipei_time(text, expected):
    moment = parse_datetime(text)
    assert moment.tzinfo == TAIPEI
    assert moment.replace(tzinfo=None).isoformat(sep=" ") == expected


def test_an_offset_in_the_text_is_kept():
    moment = parse_datetime("2018-04-14T06:37:38-08:00")
    assert moment.astimezone(TAIPEI).hour == 22


@pytest.mark.parametrize("text", ["107/13/40", "2017/8/21 下午 13:00:00", "yesterday",
                                  "2017/2/30 上午 10:00:00"])
def test_what_is_not_a_date_names_its_column(text):
    with pytest.raises(RowError, match="not a date") as raised:
        parse_datetime(text, "受理日期")
    assert raised.value.column == "受理日期"


def test_empty_is_none_and_a_day_is_a_date():
    assert parse_datetime("  ") is None and parse_date("") is None
    assert parse_date("107/12/31 下午 11:59:59") == dt.date(2018, 12, 31)


@pytest.mark.parametrize(("text", "expected"), [
    ("12,500,000", 12_500_000), ("NT$1,000,000", 1_000_000), ("１２３４５", 12345),
    ("50000000.0", 50_000_000), ("新臺幣 1,500,000 元", 1_500_000), ("", None)])
def test_whole_numbers_as_files_write_them(text, expected):
    assert parse_int(text) == expected


def test_a_number_that_is_not_whole_names_its_column():
    with pytest.raises(RowError, match="not a whole number") as raised:
        parse_int("1.5 億", "budget_amount")
    assert raised.value.column == "budget_amount"


def test_big5_and_utf8_with_a_bom_read_alike(tmp_path):
    rows = "案件編號 ,受理機關\r\nTP001  ,臺北市政府交通局 \r\n"
    big5, bom = tmp_path / "big5.csv", tmp_path / "bom.csv"
    big5.write_bytes(rows.encode("cp950"))
    bom.write_bytes(rows.encode("utf-8-sig"))
    for path in (big5, bom):
        headers, found = read_rows(path)
        assert headers == ["案件編號", "受理機關"]
        assert list(found) == [(2, {"案件編號": "TP001", "受理機關": "臺北市政府交通局"})]


def test_a_file_in_another_encoding_is_one_clear_error(tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("name\n\xff\xfe\x00".encode("latin-1"))
    with pytest.raises(DomainError, match="not UTF-8 or Big5"):
        read_rows(path)
