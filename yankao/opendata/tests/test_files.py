"""What a file is, read from its bytes (files.inspect), on files shaped as agencies
publish them: UTF-8 with a BOM, Big5 from Windows, spreadsheets, PDFs, web pages."""

import json

from yankao.opendata.files import inspect, read_table
from yankao.opendata.tests.helpers import COLUMNS, csv_bytes, png_bytes, xlsx_bytes


def test_a_utf8_csv_with_a_bom_reads_and_gives_its_columns():
    found = inspect(b"\xef\xbb\xbf" + csv_bytes(), "CSV", "UTF-8")
    assert found.format_matches and found.encoding_ok and found.structure_ok
    assert found.columns == COLUMNS


def test_a_big5_csv_declared_utf8_fails_the_encoding_and_names_the_field():
    found = inspect(csv_bytes(encoding="cp950"), "CSV", "UTF-8")
    assert found.format_matches is True
    assert found.encoding_ok is False
    assert "character_set" in found.problems


def test_the_same_big5_csv_declared_big5_reads():
    found = inspect(csv_bytes(encoding="cp950"), "CSV", "BIG5")
    assert found.encoding_ok and found.columns == COLUMNS


def test_a_png_that_claims_to_be_csv_is_not_csv():
    found = inspect(png_bytes(), "CSV", "UTF-8")
    assert found.format_matches is False
    assert "PNG" in found.problems["file"]


def test_a_web_page_is_not_the_file_it_describes():
    page = b"<!DOCTYPE html><html><body>Download here</body></html>"
    found = inspect(page, "CSV", "UTF-8")
    assert found.format_matches is False and found.web_page


def test_a_ragged_csv_does_not_parse():
    data = "年度,區別,件數\r\n2018,新興區,3\r\n2018,苓雅區\r\n".encode()
    found = inspect(data, "CSV", "UTF-8")
    assert found.structure_ok is False
    assert "Row 3" in found.problems["file"]


def test_xlsx_is_read_by_content_and_csv_bytes_are_not_xlsx():
    assert inspect(xlsx_bytes(), "XLSX").columns == COLUMNS
    assert inspect(csv_bytes(), "XLSX").format_matches is False


def test_json_records_and_geojson_properties_give_columns():
    records = json.dumps([dict(zip(COLUMNS, [2018, "新興區", 1, 2], strict=True))]).encode()
    assert inspect(records, "JSON").columns == COLUMNS
    geo = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": None, "properties": {"名稱": "x"}}]}).encode()
    assert inspect(geo, "GeoJSON").columns == ["名稱"]
    assert inspect(b'{"a": 1}', "GeoJSON").structure_ok is False


def test_xml_records_give_their_element_names_and_bad_xml_does_not_parse():
    xml = "<records><record><名稱>甲</名稱><數量>3</數量></record></records>".encode()
    assert inspect(xml, "XML").columns == ["名稱", "數量"]
    assert inspect(b"<records><record>", "XML").structure_ok is False


def test_an_xml_bomb_is_refused_without_expanding():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><r><x>&b;</x></r>')
    assert inspect(bomb, "XML").structure_ok is False


def test_read_table_turns_numbers_into_numbers_but_keeps_codes_as_text():
    data = "郵遞區號,金額\r\n800,\"1,234\"\r\n007,5.5\r\n".encode()
    table = read_table(data, "CSV")
    assert table.rows == [[800, 1234], ["007", 5.5]]
