"""Writes for events and hackathons."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency
from yankao.core.services.audit import audit_record
from yankao.core.services.writes import full_clean
from yankao.participation.access import require_agency_staff
from yankao.participation.audit import ParticipationAction as Action
from yankao.participation.models import Event, HackathonChallenge, HackathonTeam


def event_record(*, actor, kind: str, title: str, held_on: dt.date, agency: Agency,
                 attendance: int = 0) -> Event:
    require_agency_staff(actor, agency)
    with transaction.atomic():
        event = Event(kind=kind, title=title, held_on=held_on, agency=agency,
                      attendance=attendance)
        full_clean(event)
        event.save()
        audit_record(actor=actor, action=Action.EVENT_RECORD, obj=event, agency=agency,
                     data={"kind": kind, "attendance": attendance})
    return event


def hackathon_challenge_add(*, actor, event: Event, agency: Agency,
                            title: str) -> HackathonChallenge:
    require_agency_staff(actor, agency)
    if event.kind != Event.Kind.HACKATHON:
        raise DomainError(ErrorCode.INVALID_STATE, _("Challenges belong to hackathons."))
    with transaction.atomic():
        challenge = HackathonChallenge.objects.create(event=event, agency=agency, title=title)
        audit_record(actor=actor, action=Action.EVENT_RECORD, obj=event, agency=agency,
                     data={"challenge": title})
    return challenge


def hackathon_team_register(*, actor, challenge: HackathonChallenge, name: str,
                            members: int = 1, stage: str = HackathonTeam.Stage.REGISTERED,
                            score: int | None = None, prize: str = "") -> HackathonTeam:
    require_agency_staff(actor, challenge.event.agency)
    if score is not None and not 0 <= score <= 100:
        raise DomainError(ErrorCode.INVALID, _("A score is from 0 to 100."), field="score")
    with transaction.atomic():
        team = HackathonTeam(event=challenge.event, challenge=challenge, name=name,
                             members=members, stage=stage, score=score, prize=prize)
        full_clean(team)
        team.save()
        audit_record(actor=actor, action=Action.HACKATHON_TEAM, obj=challenge.event,
                     agency=challenge.event.agency, data={"team": name, "stage": stage})
    return team
