"""Every read of participation that users see, scoped to the reader."""

from __future__ import annotations

from yankao.core.errors import DomainError, ErrorCode
from yankao.participation.models import Pot


def pot_by_key(key: str) -> Pot:
    """A pot by PROCESS/POT, or PROCESS when the process has one pot (command line)."""
    process_code, _slash, pot_code = key.partition("/")
    pots = Pot.objects.select_related("process").filter(process__code=process_code)
    if pot_code:
        pots = pots.filter(code=pot_code)
    found = list(pots[:2])
    if len(found) != 1:
        raise DomainError(ErrorCode.NOT_FOUND, f"no pot {key}" if not found else
                          f"{key} has several pots; name one as PROCESS/POT")
    return found[0]
