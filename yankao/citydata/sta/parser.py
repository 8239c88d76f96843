"""Parsers for the query options of OGC 18-088 §9.3: ``$filter`` expressions (the OData
subset of §9.3.3.5: comparison, logical, arithmetic operators and the built-in functions),
``$orderby``, ``$select`` and ``$expand`` with nested options. Every error is a
:class:`StaError` (400), raised before anything touches the database."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from yankao.citydata.sta.errors import StaError

MAX_FILTER_LENGTH = 4000
MAX_DEPTH = 40


# --- abstract syntax -----------------------------------------------------------------


@dataclass(frozen=True)
class Literal:
    value: object  # str, int, float, bool, None, datetime


@dataclass(frozen=True)
class Geography:
    wkt: str


@dataclass(frozen=True)
class Path:
    segments: tuple[str, ...]


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple


@dataclass(frozen=True)
class Binary:
    op: str  # eq ne gt ge lt le and or add sub mul div mod
    left: object
    right: object


@dataclass(frozen=True)
class Not:
    operand: object


@dataclass(frozen=True)
class Negate:
    operand: object


COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}
ADDITIVE = {"add", "sub"}
MULTIPLICATIVE = {"mul", "div", "mod"}
# name: (min args, max args)
FUNCTIONS = {
    "substringof": (2, 2), "endswith": (2, 2), "startswith": (2, 2), "length": (1, 1),
    "indexof": (2, 2), "substring": (2, 3), "tolower": (1, 1), "toupper": (1, 1),
    "trim": (1, 1), "concat": (2, 2),
    "year": (1, 1), "month": (1, 1), "day": (1, 1), "hour": (1, 1), "minute": (1, 1),
    "second": (1, 1), "fractionalseconds": (1, 1), "date": (1, 1), "time": (1, 1),
    "totaloffsetminutes": (1, 1), "now": (0, 0), "mindatetime": (1, 1),
    "maxdatetime": (1, 1),
    "round": (1, 1), "floor": (1, 1), "ceiling": (1, 1),
    "geo.distance": (2, 2), "geo.length": (1, 1), "geo.intersects": (2, 2),
    "st_equals": (2, 2), "st_disjoint": (2, 2), "st_touches": (2, 2), "st_within": (2, 2),
    "st_overlaps": (2, 2), "st_crosses": (2, 2), "st_intersects": (2, 2),
    "st_contains": (2, 2), "st_relate": (3, 3),
}

# --- tokens ------------------------------------------------------------------------------

_DATETIME = (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?"
             r"(?:Z|[+-]\d{2}:\d{2})?")
TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<geo>geography'(?P<wkt>[^']*)')"
    r"|(?P<string>'(?:[^']|'')*')"
    rf"|(?P<datetime>{_DATETIME})(?![\w:])"
    r"|(?P<number>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?![\w.])"
    r"|(?P<name>[A-Za-z_@][A-Za-z0-9_.@]*(?:/[A-Za-z_$@][A-Za-z0-9_.@$]*)*)"
    r"|(?P<punct>[(),-])"
    r")"
)


def parse_datetime(text: str) -> dt.datetime:
    """An ISO 8601 time with a zone. Times without one are refused (no guessing)."""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise StaError(f"Not a valid time: {text}") from error
    if value.tzinfo is None:
        raise StaError(f"The time {text} has no time zone; add Z or an offset such as +08:00.")
    return value


def _tokens(text: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match or match.end() == position:
            raise StaError(f"$filter cannot be read at position {position}: "
                           f"{text[position:position + 20]!r}")
        position = match.end()
        kind = match.lastgroup if match.lastgroup != "wkt" else "geo"
        if match.group("geo") is not None:
            out.append(("geo", match.group("wkt")))
        elif kind == "string":
            out.append(("literal", match.group("string")[1:-1].replace("''", "'")))
        elif kind == "datetime":
            out.append(("literal", parse_datetime(match.group("datetime"))))
        elif kind == "number":
            raw = match.group("number")
            out.append(("literal", float(raw) if any(c in raw for c in ".eE") else int(raw)))
        elif kind == "name":
            out.append(("name", match.group("name")))
        else:
            out.append(("punct", match.group("punct")))
    return out


class _FilterParser:
    def __init__(self, text: str):
        self.tokens = _tokens(text)
        self.index = 0
        self.depth = 0

    def peek(self, offset: int = 0):
        i = self.index + offset
        return self.tokens[i] if i < len(self.tokens) else ("end", None)

    def take(self):
        token = self.peek()
        self.index += 1
        return token

    def expect(self, punct: str) -> None:
        kind, value = self.take()
        if (kind, value) != ("punct", punct):
            raise StaError(f"$filter: expected {punct!r}, found {value!r}.")

    def keyword(self, words: set[str]) -> str | None:
        kind, value = self.peek()
        if kind == "name" and value in words:
            self.index += 1
            return value
        return None

    def parse(self):
        if not self.tokens:
            raise StaError("$filter is empty.")
        node = self.parse_or()
        if self.peek()[0] != "end":
            raise StaError(f"$filter: unexpected {self.peek()[1]!r}.")
        return node

    def _nest(self):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise StaError("$filter is nested too deeply.")

    def parse_or(self):
        node = self.parse_and()
        while self.keyword({"or"}):
            node = Binary("or", node, self.parse_and())
        return node

    def parse_and(self):
        node = self.parse_not()
        while self.keyword({"and"}):
            node = Binary("and", node, self.parse_not())
        return node

    def parse_not(self):
        if self.keyword({"not"}):
            self._nest()
            return Not(self.parse_not())
        return self.parse_comparison()

    def parse_comparison(self):
        node = self.parse_additive()
        op = self.keyword(COMPARISONS)
        if op:
            node = Binary(op, node, self.parse_additive())
        return node

    def parse_additive(self):
        node = self.parse_multiplicative()
        while op := self.keyword(ADDITIVE):
            node = Binary(op, node, self.parse_multiplicative())
        return node

    def parse_multiplicative(self):
        node = self.parse_unary()
        while op := self.keyword(MULTIPLICATIVE):
            node = Binary(op, node, self.parse_unary())
        return node

    def parse_unary(self):
        if self.peek() == ("punct", "-"):
            self.take()
            self._nest()
            operand = self.parse_unary()
            if isinstance(operand, Literal) and isinstance(operand.value, int | float):
                return Literal(-operand.value)
            return Negate(operand)
        return self.parse_primary()

    def parse_primary(self):
        kind, value = self.take()
        if kind == "literal":
            return Literal(value)
        if kind == "geo":
            return Geography(value)
        if kind == "punct" and value == "(":
            self._nest()
            node = self.parse_or()
            self.expect(")")
            self.depth -= 1
            return node
        if kind == "name":
            if value in ("true", "false"):
                return Literal(value == "true")
            if value == "null":
                return Literal(None)
            if self.peek() == ("punct", "("):
                return self.parse_call(value)
            return Path(tuple(value.split("/")))
        raise StaError(f"$filter: unexpected {value!r}." if value else "$filter ends too soon.")

    def parse_call(self, name: str):
        lowered = name.lower()
        if lowered not in FUNCTIONS:
            raise StaError(f"$filter: unknown function {name}().")
        self.expect("(")
        self._nest()
        args = []
        if self.peek() != ("punct", ")"):
            args.append(self.parse_or())
            while self.peek() == ("punct", ","):
                self.take()
                args.append(self.parse_or())
        self.expect(")")
        self.depth -= 1
        low, high = FUNCTIONS[lowered]
        if not low <= len(args) <= high:
            raise StaError(f"$filter: {name}() takes {low}–{high} arguments, not {len(args)}.")
        return Call(lowered, tuple(args))


def parse_filter(text: str):
    if len(text) > MAX_FILTER_LENGTH:
        raise StaError("$filter is too long.")
    return _FilterParser(text).parse()


# --- $orderby, $select, $expand ----------------------------------------------------------


@dataclass
class Options:
    """The query options of one request or one level of ``$expand``."""

    filter: object = None
    orderby: list[tuple[object, bool]] = field(default_factory=list)  # (expr, descending)
    top: int | None = None
    skip: int = 0
    count: bool = False
    select: list[str] | None = None
    expand: dict[str, Options] = field(default_factory=dict)
    result_format: str = ""


def split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside parentheses and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(text):
        if char == "'":
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth < 0:
                raise StaError(f"Unbalanced parentheses in {text!r}.")
        elif not quoted and depth == 0 and char == separator:
            parts.append(text[start:i])
            start = i + 1
    if depth or quoted:
        raise StaError(f"Unbalanced parentheses or quotes in {text!r}.")
    parts.append(text[start:])
    return [p.strip() for p in parts]


def parse_orderby(text: str) -> list[tuple[object, bool]]:
    out = []
    for part in split_top_level(text, ","):
        if not part:
            raise StaError("$orderby has an empty item.")
        descending = False
        words = part.rsplit(None, 1)
        if len(words) == 2 and words[1].lower() in ("asc", "desc"):
            part, descending = words[0], words[1].lower() == "desc"
        out.append((parse_filter(part), descending))
    return out


def _integer(name: str, text: str) -> int:
    if not re.fullmatch(r"\d{1,9}", text.strip()):
        raise StaError(f"{name} must be a non-negative integer, not {text!r}.")
    return int(text)


def parse_options(params: dict[str, str], *, depth: int = 0, max_depth: int = 2) -> Options:
    options = Options()
    known = {"$filter", "$orderby", "$top", "$skip", "$count", "$select", "$expand",
             "$resultFormat"}
    for name, _value in params.items():
        if name.startswith("$") and name not in known:
            raise StaError(f"Unknown query option {name}.")
    if "$filter" in params:
        options.filter = parse_filter(params["$filter"])
    if "$orderby" in params:
        options.orderby = parse_orderby(params["$orderby"])
    if "$top" in params:
        options.top = _integer("$top", params["$top"])
    if "$skip" in params:
        options.skip = _integer("$skip", params["$skip"])
    if "$count" in params:
        if params["$count"] not in ("true", "false"):
            raise StaError("$count must be true or false.")
        options.count = params["$count"] == "true"
    if "$select" in params:
        options.select = [s.strip() for s in params["$select"].split(",")]
        if not all(options.select):
            raise StaError("$select has an empty item.")
    if "$resultFormat" in params:
        options.result_format = params["$resultFormat"]
    if "$expand" in params:
        options.expand = parse_expand(params["$expand"], depth=depth, max_depth=max_depth)
    return options


def parse_expand(text: str, *, depth: int, max_depth: int) -> dict[str, Options]:
    out: dict[str, Options] = {}
    for item in split_top_level(text, ","):
        if not item:
            raise StaError("$expand has an empty item.")
        nested_text = ""
        if item.endswith(")"):
            open_at = item.index("(")
            nested_text, item = item[open_at + 1:-1], item[:open_at].strip()
        segments = item.split("/")
        if depth + len(segments) > max_depth:
            raise StaError(f"$expand goes deeper than {max_depth} levels.")
        nested_params: dict[str, str] = {}
        for option in split_top_level(nested_text, ";") if nested_text else []:
            name, sep, value = option.partition("=")
            if not sep:
                raise StaError(f"$expand option {option!r} has no value.")
            nested_params[name.strip()] = value
        # Nav1/Nav2(options): the options belong to the last segment.
        target = out
        for level, segment in enumerate(segments):
            last = level == len(segments) - 1
            if last:
                nested = parse_options(nested_params, depth=depth + level + 1,
                                       max_depth=max_depth)
                if segment in target:
                    target[segment].expand.update(nested.expand)
                else:
                    target[segment] = nested
            else:
                target = target.setdefault(segment, Options()).expand
    return out
