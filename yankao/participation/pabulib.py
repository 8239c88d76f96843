"""The Pabulib ``.pb`` format (pabulib.org/format): reading and writing.

A file is three sections, each a ``;``-separated table under a marker line: ``META``
(``key;value`` rows), ``PROJECTS`` (``project_id;cost;…``) and ``VOTES``
(``voter_id;vote;…``, with ``points`` for cumulative and scoring ballots; an ordinal
``vote`` lists projects best first). Lists inside a cell are comma-separated. Files are
UTF-8 without a byte-order mark; real files come with CRLF or LF line ends.

Pure functions over text; the import and export services in ``services/pabulib.py``
turn them into records.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

VOTE_TYPES = ("approval", "choose-1", "cumulative", "ordinal", "scoring")
# The order of META keys and PROJECTS columns the format documents.
META_ORDER = (
    "description", "country", "unit", "district", "subunit", "instance", "num_projects",
    "num_votes", "budget", "vote_type", "rule", "date_begin", "date_end", "min_length",
    "max_length", "min_sum_cost", "max_sum_cost", "min_points", "max_points",
    "min_sum_points", "max_sum_points", "default_score", "min_project_cost",
    "max_project_cost", "min_project_score_threshold", "neighborhoods", "subdistricts",
    "categories", "edition", "language", "currency", "fully_funded", "experimental",
    "comment", "acknowledgments")
PROJECT_ORDER = ("project_id", "cost", "votes", "score", "name", "category", "beneficiaries",
                 "selected")
SECTIONS = ("META", "PROJECTS", "VOTES")


class PabulibError(ValueError):
    """The text is not a Pabulib file we can read; the message says where."""


@dataclass
class PabulibFile:
    meta: dict[str, str]
    projects: list[dict[str, str]]
    votes: list[dict[str, str]]
    project_columns: list[str] = field(default_factory=list)
    vote_columns: list[str] = field(default_factory=list)

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    @property
    def budget(self) -> int:
        return _number(self.meta.get("budget", ""), "META budget")

    def ballots(self) -> list[dict[str, int]]:
        """Each vote as project id → points: 1 for approval, choose-1 and ordinal ballots
        (an ordinal ballot approves every project it ranks), the given points for
        cumulative and scoring ballots."""
        known = {project["project_id"] for project in self.projects}
        ballots = []
        for number, vote in enumerate(self.votes, start=1):
            chosen = split_list(vote.get("vote", ""))
            unknown = [project_id for project_id in chosen if project_id not in known]
            if unknown:
                raise PabulibError(
                    f"VOTES row {number} (voter {vote.get('voter_id')}): unknown project "
                    f"{', '.join(unknown)}")
            if self.vote_type in ("cumulative", "scoring"):
                points = split_list(vote.get("points", ""))
                if len(points) != len(chosen):
                    raise PabulibError(
                        f"VOTES row {number}: {len(chosen)} projects but {len(points)} points")
                ballot: dict[str, int] = {}
                for project_id, value in zip(chosen, points, strict=True):
                    ballot[project_id] = ballot.get(project_id, 0) + _number(
                        value, f"VOTES row {number} points")
                ballots.append(ballot)
            else:
                ballots.append(dict.fromkeys(chosen, 1))
        return ballots


def split_list(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(",") if item.strip()]


def _number(text: str, where: str) -> int:
    """Costs, budgets and points are whole numbers; ``1000.0`` is read as 1000."""
    value = text.strip().replace(" ", "")
    try:
        number = float(value)
    except ValueError:
        raise PabulibError(f"{where}: {text!r} is not a number") from None
    if number != int(number):
        raise PabulibError(f"{where}: {text!r} is not a whole number")
    return int(number)


def read(text: str) -> PabulibFile:
    """Parse a Pabulib file. Raises :class:`PabulibError` naming the first problem."""
    text = text.removeprefix("\ufeff")
    rows = csv.reader(io.StringIO(text), delimiter=";")
    section = ""
    header: list[str] | None = None
    meta: dict[str, str] = {}
    projects: list[dict[str, str]] = []
    votes: list[dict[str, str]] = []
    seen: list[str] = []
    columns: dict[str, list[str]] = {}
    for line_number, row in enumerate(rows, start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        marker = row[0].strip().upper()
        if len(row) == 1 and marker in SECTIONS:
            if marker in seen:
                raise PabulibError(f"line {line_number}: a second {marker} section")
            section, header = marker, None
            seen.append(marker)
            continue
        if not section:
            raise PabulibError(f"line {line_number}: text before the META section")
        if header is None:
            header = [cell.strip() for cell in row]
            columns[section] = header
            continue
        if len(row) != len(header):
            raise PabulibError(
                f"line {line_number}: {len(row)} fields where the {section} header has "
                f"{len(header)}")
        record = {name: cell.strip() for name, cell in zip(header, row, strict=True)}
        if section == "META":
            meta[row[0].strip()] = row[1].strip()
        elif section == "PROJECTS":
            projects.append(record)
        else:
            votes.append(record)
    missing = [name for name in SECTIONS if name not in seen]
    if missing:
        raise PabulibError(f"no {' or '.join(missing)} section")
    if "project_id" not in columns["PROJECTS"] or "cost" not in columns["PROJECTS"]:
        raise PabulibError("PROJECTS needs project_id and cost columns")
    if "voter_id" not in columns["VOTES"] or "vote" not in columns["VOTES"]:
        raise PabulibError("VOTES needs voter_id and vote columns")
    if "budget" not in meta:
        raise PabulibError("META has no budget")
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in VOTE_TYPES:
        raise PabulibError(f"META vote_type {vote_type!r} is not one of {', '.join(VOTE_TYPES)}")
    ids = [project["project_id"] for project in projects]
    if len(set(ids)) != len(ids):
        raise PabulibError("PROJECTS: a project_id repeats")
    voter_ids = [vote["voter_id"] for vote in votes]
    if len(set(voter_ids)) != len(voter_ids):
        raise PabulibError("VOTES: a voter_id repeats")
    for project in projects:
        _number(project["cost"], f"PROJECTS {project['project_id']} cost")
    return PabulibFile(meta=meta, projects=projects, votes=votes,
                       project_columns=columns["PROJECTS"], vote_columns=columns["VOTES"])


def write(pb: PabulibFile) -> str:
    """The file as text: UTF-8 without BOM, LF line ends, quoting only where a cell
    holds a ``;`` or a quote."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    out.write("META\n")
    writer.writerow(["key", "value"])
    known = [key for key in META_ORDER if key in pb.meta]
    for key, value in [(key, pb.meta[key]) for key in known] + [
            (key, value) for key, value in pb.meta.items() if key not in META_ORDER]:
        writer.writerow([key, value])
    out.write("PROJECTS\n")
    writer.writerow(pb.project_columns)
    for project in pb.projects:
        writer.writerow([project.get(name, "") for name in pb.project_columns])
    out.write("VOTES\n")
    writer.writerow(pb.vote_columns)
    for vote in pb.votes:
        writer.writerow([vote.get(name, "") for name in pb.vote_columns])
    return out.getvalue()
