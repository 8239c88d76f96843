"""The workflows of program control as explicit state machines.

Each machine lists, per action, the states it may start from and the state it leads to.
Service functions ask the machine before they change anything, so a transition that is not
in the table is refused with INVALID_STATE and nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from yankao.core.errors import DomainError, ErrorCode
from yankao.programs.models import (
    ControlStatus,
    EnterpriseEvaluation,
    ProgressReport,
    WorkPlan,
    YearEndEvaluation,
)


@dataclass(frozen=True)
class Transition:
    sources: frozenset[str]
    target: str | dict[str, str]  # a dict maps each source to its own target
    verb: Promise


@dataclass(frozen=True)
class StateMachine:
    thing: Promise
    labels: dict[str, str]
    transitions: dict[str, Transition]

    def target(self, action: str, current: str) -> str:
        """The state ``action`` leads to from ``current``; raises INVALID_STATE if none."""
        transition = self.transitions[action]
        if current not in transition.sources:
            raise DomainError(
                ErrorCode.INVALID_STATE,
                _("This %(thing)s is “%(state)s” and cannot be %(verb)s.")
                % {"thing": self.thing, "state": self.labels.get(current, current),
                   "verb": transition.verb},
            )
        if isinstance(transition.target, dict):
            return transition.target[current]
        return transition.target

    def allowed(self, current: str) -> list[str]:
        """The actions possible from ``current`` (to show only the buttons that work)."""
        return [action for action, t in self.transitions.items() if current in t.sources]


def _t(sources: str, target: str | dict[str, str], verb_text: Promise) -> Transition:
    return Transition(frozenset(sources.split()), target, verb_text)


# 作業計畫: draft → submitted → approved | returned; returned → submitted;
# approved → superseded when a revision is approved.
WORK_PLAN = StateMachine(gettext_lazy("work plan"), dict(WorkPlan.Status.choices), {
    "submit": _t("draft returned", "submitted",
                 pgettext_lazy("transition", "submitted")),
    "approve": _t("submitted", "approved",
                  pgettext_lazy("transition", "approved")),
    "return": _t("submitted", "returned",
                 pgettext_lazy("transition", "returned")),
    "supersede": _t("approved", "superseded",
                    pgettext_lazy("transition", "superseded")),
})

# 月報: submitted → unit head → commission, which approves or returns it with a comment.
PROGRESS_REPORT = StateMachine(gettext_lazy("progress report"),
                               dict(ProgressReport.Status.choices), {
    "resubmit": _t("returned", "submitted",
                   pgettext_lazy("transition", "resubmitted")),
    "unit_approve": _t("submitted", "unit_approved",
                       pgettext_lazy("transition", "approved by the unit head")),
    "unit_return": _t("submitted", "returned",
                      pgettext_lazy("transition", "returned by the unit head")),
    "approve": _t("unit_approved", "approved",
                  pgettext_lazy("transition", "approved by the commission")),
    "return": _t("unit_approved", "returned",
                 pgettext_lazy("transition", "returned by the commission")),
})

# 年終考核: self-evaluation → first review → second review → approval; a reviewer may
# send it back one step.
YEAR_END_EVALUATION = StateMachine(gettext_lazy("year-end evaluation"),
                                   dict(YearEndEvaluation.Status.choices), {
    "self_submit": _t("self_evaluation", "first_review",
                      pgettext_lazy("transition", "self-evaluated")),
    "first_review": _t("first_review", "second_review",
                       pgettext_lazy("transition", "first-reviewed")),
    "second_review": _t("second_review", "awaiting_approval",
                        pgettext_lazy("transition", "second-reviewed")),
    "approve": _t("awaiting_approval", "approved",
                  pgettext_lazy("transition", "approved")),
    "return": _t("first_review second_review awaiting_approval", {
        "first_review": "self_evaluation",
        "second_review": "first_review",
        "awaiting_approval": "second_review",
    }, pgettext_lazy("transition", "sent back")),
})

# 列管事項: tracked until released; a released item may be put back under control.
CONTROLLED_ITEM = StateMachine(gettext_lazy("tracked item"), dict(ControlStatus.choices), {
    "release": _t("tracking", "released",
                  pgettext_lazy("transition", "released from control")),
    "resume": _t("released", "tracking",
                 pgettext_lazy("transition", "put back under control")),
})

ENTERPRISE_EVALUATION = StateMachine(gettext_lazy("enterprise evaluation"),
                                     dict(EnterpriseEvaluation.Status.choices), {
    "approve": _t("indicators_fixed", "approved",
                  pgettext_lazy("transition", "approved")),
})
