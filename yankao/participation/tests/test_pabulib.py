"""Pabulib files: real elections imported and counted, the command line, and exports that
pabulib-checker accepts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pabulib.checker import Checker
from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import greedy_utilitarian_welfare, method_of_equal_shares
from pabutools.tiebreaking import TieBreakingRule

from yankao.core.errors import DomainError
from yankao.core.tests.test_cli import clean_env
from yankao.participation import pabulib, services
from yankao.participation.models import Ballot, Pot, Proposal
from yankao.participation.services.pabulib import ballots_import, pot_pabulib

DATA = Path(__file__).parent / "data"
WIELICZKA = DATA / "poland_wieliczka_2023_green-budget.pb"
SWIECIE = DATA / "poland_swiecie_2023_.pb"


def checker_errors(text: str) -> dict:
    """pabulib-checker's errors for one file's text (its warnings are not errors)."""
    results = Checker().process_files([text])
    [(_name, found)] = [(k, v) for k, v in results.items() if k not in ("metadata", "summary")]
    return found["results"].get("errors", {}) if isinstance(found.get("results"), dict) else found


def test_a_real_equal_shares_election_reproduces_its_official_selection(city):
    """Wieliczka 2023, Green Budget: META rule equalshares/add1; the file's `selected`
    column is the city's official result. Our tally selects exactly those projects."""
    result = ballots_import(WIELICZKA)
    assert result.created == 6586 and not result.rejected
    pot = Pot.objects.get(process__code=result.pot_key.split("/")[0])
    assert (pot.rule, pot.completion, pot.budget) == ("mes", "add1", 1_000_000)
    official = set(pot.proposals.filter(official_selected=True).values_list("code", flat=True))
    assert len(official) == 30
    tally = services.tally_compute(tally=services.tally_request(actor=None, pot=pot))
    assert set(tally.winners) == official
    assert tally.total_cost == 995_079
    assert tally.explanation["stop_reason"] == "would-overspend"
    # Importing the same file again changes nothing.
    again = ballots_import(WIELICZKA)
    assert (again.created, again.unchanged) == (0, 6586)
    assert Ballot.objects.count() == 6586


def test_import_and_tally_from_the_command_line(tmp_path):
    """`yankao import ballots pb` then `yankao tally … --rule greedy|mes`: the JSON winners
    are the file's project ids, equal to pabutools' on the same file."""
    env = clean_env(tmp_path)

    def yankao(*args):
        done = subprocess.run([sys.executable, "-m", "yankao", *args], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    yankao("manage", "migrate", "-v", "0")
    yankao("manage", "seed_city", "kaohsiung")
    summary = yankao("import", "ballots", "pb", str(SWIECIE))
    assert "2553 rows read: 2553 created" in summary
    assert "pot: poland-swiecie-2023/main" in summary
    by_greedy = json.loads(yankao("tally", "poland-swiecie-2023/main", "--rule", "greedy"))
    by_mes = json.loads(yankao("tally", "poland-swiecie-2023", "--rule", "mes",
                               "--completion", ""))

    instance, profile = parse_pabulib(str(SWIECIE))
    supporters = {p.name: profile.approval_score(p) for p in instance}
    tie = TieBreakingRule(lambda i, pr, p: (p.cost, -supporters[p.name], p.name))
    expected_greedy = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat,
                                                 tie_breaking=tie)
    expected_mes = method_of_equal_shares(instance, profile, sat_class=Cost_Sat,
                                          tie_breaking=tie)
    assert sorted(by_greedy["winners"]) == sorted(p.name for p in expected_greedy)
    assert by_mes["winners"] == [p.name for p in expected_mes]
    assert by_greedy["total_cost"] == sum(int(p.cost) for p in expected_greedy)
    assert all(winner.startswith("c") for winner in by_mes["winners"])


def test_a_bad_file_is_refused_with_its_line(city, tmp_path):
    path = tmp_path / "bad.pb"
    path.write_text("META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\n"
                    "project_id;cost\n1;50\nVOTES\nvoter_id;vote\nv1;1,9\n", encoding="utf-8")
    with pytest.raises(DomainError, match="unknown project 9"):
        ballots_import(path)
    assert not Pot.objects.exists()


def test_exports_pass_pabulib_checker(city, voting_pot, evaluator):
    # An imported real election, exported again.
    ballots_import(SWIECIE)
    imported = Pot.objects.get(process__code="poland-swiecie-2023")
    text = pot_pabulib(imported)
    assert not text.startswith("\ufeff")
    assert checker_errors(text) == {}
    again = pabulib.read(text)
    assert len(again.votes) == 2553 and again.meta["rule"] == "equalshares/add1"

    # Our own pot: codes and a paper ballot, counted, published, exported.
    codes = services.voter_codes_generate(actor=evaluator, pot=voting_pot, count=4, batch="x")
    choices = [("1", "2"), ("2", "4"), ("3",), ("1",)]
    for code, chosen in zip(codes, choices, strict=True):
        services.ballot_cast(pot=voting_pot, code=code, choices={
            voting_pot.proposals.get(code=c).pk: 1 for c in chosen})
    services.pot_close(actor=evaluator, pot=voting_pot)
    tally = services.tally_compute(tally=services.tally_request(actor=evaluator, pot=voting_pot))
    services.tally_publish(actor=evaluator, tally=tally)
    text = pot_pabulib(voting_pot)
    assert checker_errors(text) == {}
    pb = pabulib.read(text)
    assert "target" not in pb.project_columns
    ballot_ids = {str(pk) for pk in Ballot.objects.filter(pot=voting_pot)
                  .values_list("pk", flat=True)}
    assert {vote["voter_id"] for vote in pb.votes} == ballot_ids
    assert {p["project_id"] for p in pb.projects if p["selected"] == "1"} == set(tally.winners)
    assert pb.meta["max_length"] == "2"
    assert Proposal.objects.filter(pot=voting_pot, selected=True).count() == len(tally.winners)
