"""Core data: agencies and districts, people and roles, calendar, audit events, attachments."""

from yankao.core.models.agencies import Agency, District
from yankao.core.models.attachments import Attachment
from yankao.core.models.audit import AuditEvent
from yankao.core.models.city import City
from yankao.core.models.closures import ClosureDay
from yankao.core.models.jobs import Job
from yankao.core.models.notifications import Notification
from yankao.core.models.people import ApiToken, Membership, Role
from yankao.core.models.queue import HeldTask
from yankao.core.models.vault import PersonalContact

__all__ = [
    "Agency",
    "ApiToken",
    "Attachment",
    "AuditEvent",
    "City",
    "ClosureDay",
    "District",
    "HeldTask",
    "Job",
    "Membership",
    "Notification",
    "PersonalContact",
    "Role",
]
