"""A city's data folder: what ``yankao city setup`` loads (format in docs/cities.md).

A folder holds ``city.toml`` (the city's name and its policies) and one CSV file per table:
``agencies.csv`` and ``districts.csv`` here in core, the rest in a folder per module
(``servicedesk/categories.csv``…). Kaohsiung's folder ships in ``yankao/cities/kaohsiung``
and is the default. Each installed app that has something to load offers a ``city.py``
with ``CITY_ORDER`` (an int) and ``load(*, actor, city) -> list[str]`` (lines saying what
it loaded); ``core.services.city.city_setup`` runs them in order inside one transaction,
so a mistake anywhere leaves the database as it was.

Every mistake in the files is reported with its file, row and column, all of them at
once (``CityDataError``), so that a city fixes its files in one go.
"""

from __future__ import annotations

import importlib
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.imports import read_rows

CITIES_DIR = Path(__file__).resolve().parent.parent / "cities"
DEFAULT_CITY = "kaohsiung"
TRUE_WORDS = {"1", "true", "yes", "y", "是", "啟用"}
FALSE_WORDS = {"0", "false", "no", "n", "否", "停用", ""}


class CityDataError(DomainError):
    """The city's files have mistakes; ``problems`` lists each with file, row and column."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "\n  ".join(problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(ErrorCode.INVALID,
                         f"the city's files have {len(problems)} mistakes; nothing was "
                         f"loaded:\n  {shown}{more}")


@dataclass
class CityFolder:
    """One city's data folder, read on demand; mistakes collect in ``problems``."""

    path: Path
    settings: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.settings.get("code", "")

    def problem(self, file: str, row: int | None, column: str, message: str) -> None:
        where = file + (f" row {row}" if row else "") + (f", column {column}" if column else "")
        self.problems.append(f"{where}: {message}")

    def has(self, name: str) -> bool:
        return (self.path / name).is_file()

    def rows(self, name: str, required: list[str]) -> Iterator[tuple[int, dict[str, str]]]:
        """The rows of ``name`` (CSV or XLSX) as (row number, cells); a missing file or
        column is one problem and no rows."""
        path = self.path / name
        if not path.is_file():
            self.problem(name, None, "", "the file is missing")
            return iter(())
        try:
            headers, rows = read_rows(path)
        except DomainError as error:
            self.problem(name, None, "", error.message)
            return iter(())
        missing = [column for column in required if column not in headers]
        if missing:
            self.problem(name, 1, ", ".join(missing), "missing column")
            return iter(())
        return rows

    def section(self, *keys: str):
        """A table of ``city.toml`` (``section("works", "policy")``), or None."""
        value = self.settings
        for key in keys:
            if not isinstance(value, dict) or key not in value:
                return None
            value = value[key]
        return value

    def flag(self, file: str, row: int, column: str, value: str) -> bool:
        word = (value or "").strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            self.problem(file, row, column, f"must be yes or no, not {value!r}")
        return word in TRUE_WORDS

    def check(self) -> None:
        if self.problems:
            raise CityDataError(self.problems)


def city_folder(name_or_path: str | Path | None = None) -> CityFolder:
    """The folder of a shipped city by name (``kaohsiung``), or any folder by path; its
    ``city.toml`` read and checked for a code and names."""
    given = str(name_or_path or DEFAULT_CITY)
    path = Path(given).expanduser()
    if not path.is_dir():
        shipped = CITIES_DIR / given
        if not shipped.is_dir():
            known = ", ".join(sorted(p.name for p in CITIES_DIR.iterdir() if p.is_dir()))
            raise DomainError(ErrorCode.INVALID,
                              f"{given}: no such folder, and no shipped city of that name "
                              f"(shipped: {known})")
        path = shipped
    city = CityFolder(path=path.resolve())
    try:
        city.settings = tomllib.loads((city.path / "city.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DomainError(ErrorCode.INVALID, f"{city.path}: no city.toml in this folder") from None
    except tomllib.TOMLDecodeError as error:
        raise DomainError(ErrorCode.INVALID, f"city.toml: {error}") from None
    for key in ("code", "name_zh", "name_en", "government_zh"):
        if not isinstance(city.settings.get(key), str) or not city.settings[key].strip():
            city.problem("city.toml", None, key, "give a text value")
    city.check()
    return city


def city_loaders() -> list[tuple[int, str, object]]:
    """(order, app label, module) of every installed app with a ``city.py``."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("yankao."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.city")
        except ModuleNotFoundError as error:
            if error.name == f"{config.name}.city":
                continue
            raise
        found.append((getattr(module, "CITY_ORDER", 100), config.label, module))
    return sorted(found, key=lambda item: item[0])
