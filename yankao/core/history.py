"""Audit events as sentences in the reader's language, for history panels.

Each app registers a sentence per action (``register_sentences`` in its AppConfig.ready);
an action without one still reads as a sentence, never as a code.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _

from yankao.core.models import AuditEvent
from yankao.core.models.people import person_name

Sentence = Callable[[AuditEvent, str], str]
_SENTENCES: dict[str, Sentence] = {}


def register_sentences(sentences: dict[str, Sentence]) -> None:
    """``{action: f(event, actor_name) -> sentence}``; actions are the apps' AuditAction
    values."""
    _SENTENCES.update({str(action): sentence for action, sentence in sentences.items()})


def actor_name(event: AuditEvent) -> str:
    if event.actor_id:
        return person_name(event.actor)
    label = event.actor_label or ""
    if label in ("", "system"):
        return _("The system")
    if label == "citizen":
        return _("The citizen")
    if label.startswith("open311:"):
        return _("An Open311 application")
    return label


def sentence(event: AuditEvent) -> str:
    """One event as a sentence: the app's, or a plain one naming who and what changed."""
    who = actor_name(event)
    found = _SENTENCES.get(event.action)
    if found is not None:
        return found(event, who)
    if event.to_state:
        return _("%(who)s changed the record to “%(state)s”.") % {
            "who": who, "state": event.to_state}
    return _("%(who)s made a change (%(action)s).") % {"who": who, "action": event.action}
