"""The service desk's audit events as sentences (core.history), e.g. "王小明 assigned the
case to 養工處" / "王小明 分案給養工處"."""

from __future__ import annotations

from django.utils.translation import gettext as _

from yankao.core.models import Agency
from yankao.servicedesk.audit import ServiceDeskAction as A
from yankao.servicedesk.models import CaseStatus, ExtensionStatus


def _agencies(codes) -> str:
    names = dict(Agency.objects.filter(code__in=list(codes)).values_list("code", "name_zh"))
    english = dict(Agency.objects.filter(code__in=list(codes)).values_list("code", "name_en"))
    from yankao.core.models.agencies import localized

    return "、".join(localized(names.get(c, c), english.get(c, c)) for c in codes)


def _state(value: str) -> str:
    try:
        return str(CaseStatus(value).label)
    except ValueError:
        try:
            return str(ExtensionStatus(value).label)
        except ValueError:
            return value


def _data(event, key, default=""):
    return (event.data or {}).get(key, default)


SENTENCES = {
    A.CASE_REGISTER: lambda e, who: _("%(who)s registered the case.") % {"who": who},
    A.CASE_ASSIGN: lambda e, who: _("%(who)s assigned the case to %(agencies)s.") % {
        "who": who, "agencies": _agencies(_data(e, "agencies", []))},
    A.CASE_ACCEPT: lambda e, who: _("%(who)s took the case for %(agency)s.") % {
        "who": who, "agency": _agencies([_data(e, "agency")])},
    A.ASSIGNMENT_ACCEPT: lambda e, who: _("%(who)s took the case for %(agency)s.") % {
        "who": who, "agency": _agencies([_data(e, "agency")])},
    A.ASSIGNMENT_REPLY: lambda e, who: _("%(who)s sent the answer of %(agency)s.") % {
        "who": who, "agency": _agencies([_data(e, "agency")])},
    A.CASE_ANSWER: lambda e, who: _("Every handling agency has answered: the case is "
                                    "“%(state)s”.") % {"state": _state(e.to_state)},
    A.CASE_SUPPLEMENT_REQUEST: lambda e, who: _("%(who)s asked the citizen for more "
                                                "information.") % {"who": who},
    A.CASE_SUPPLEMENT_PROVIDE: lambda e, who: _("The citizen supplied more information."),
    A.EXTENSION_REQUEST: lambda e, who: _("%(who)s asked for a later due time.") % {"who": who},
    A.EXTENSION_DECIDE: lambda e, who: (
        _("%(who)s approved the later due time.") if e.to_state == ExtensionStatus.APPROVED
        else _("%(who)s rejected the later due time.")) % {"who": who},
    A.CASE_TRANSFER: lambda e, who: _("%(who)s transferred the case from %(source)s to "
                                      "%(target)s.") % {
        "who": who, "source": _agencies([_data(e, "from")]),
        "target": _agencies([_data(e, "to")])},
    A.CASE_MERGE: lambda e, who: _("%(who)s merged the case into %(number)s.") % {
        "who": who, "number": _data(e, "into")},
    A.CASE_DOWNGRADE: lambda e, who: _("%(who)s downgraded the case: no immediate "
                                       "hazard.") % {"who": who},
    A.CASE_CLOSE: lambda e, who: _("%(who)s closed the case.") % {"who": who},
    A.CASE_FILE: lambda e, who: _("%(who)s filed the case without handling (art. 173).")
    % {"who": who},
    A.CASE_NOTE: lambda e, who: _("%(who)s published a progress update.") % {"who": who},
    A.CASE_MODERATE: lambda e, who: _("%(who)s masked text in the published case.")
    % {"who": who},
    A.CASE_FOLLOW: lambda e, who: _("Someone asked to follow the case by e-mail."),
    A.SURVEY_ANSWER: lambda e, who: _("The citizen answered the satisfaction survey."),
}
