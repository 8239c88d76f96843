"""Who may edit the FAQ and read what the assistant was asked.

The 1999 centre's operators and registrars keep the FAQ (they answer the same questions on
the phone); administrators may too. Evaluators read the questions and the misses.
"""

from __future__ import annotations

from yankao.core.models import Role
from yankao.core.permissions import actor_scope, require_role

EDITOR_ROLES = (Role.OPERATOR, Role.REGISTRAR, Role.ADMINISTRATOR)
READER_ROLES = (Role.EVALUATOR,)


def can_edit(user) -> bool:
    scope = actor_scope(user)
    return scope.is_superuser or scope.has_role(*EDITOR_ROLES)


def can_read(user) -> bool:
    scope = actor_scope(user)
    return scope.sees_all or scope.has_role(*EDITOR_ROLES, *READER_ROLES)


def require_editor(user) -> None:
    """FORBIDDEN (or UNAUTHENTICATED) unless the user keeps the FAQ. ``None`` is the system."""
    if user is None:
        return
    require_role(user, *EDITOR_ROLES)


def require_reader(user) -> None:
    if user is None:
        return
    require_role(user, *EDITOR_ROLES, *READER_ROLES)
