"""Sending datasets to the national portal, without ever losing a local change.

Local writes commit first and only mark the dataset (``national_state = pending``). A push
reads the committed metadata, calls the portal outside any transaction, then records the
outcome; if the dataset changed meanwhile it stays pending and goes again. Network and
server failures are retried with growing pauses; a refusal waits for the next change or a
person's "send again" (decision 0501). Every attempt is logged in ``NationalPush``.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core.errors import DomainError, ErrorCode
from yankao.core.services.audit import audit_record
from yankao.opendata import national
from yankao.opendata.access import require_manager
from yankao.opendata.audit import OpendataAction
from yankao.opendata.models import Dataset, NationalPush
from yankao.opendata.services.common import actor_user, now

# Pauses after the 1st, 2nd… transient failure; the last repeats.
RETRY_PAUSES = (dt.timedelta(minutes=5), dt.timedelta(minutes=30), dt.timedelta(hours=2),
                dt.timedelta(hours=8), dt.timedelta(days=1))


def _on_portal(dataset: Dataset) -> bool:
    return dataset.national_version > 0 and dataset.national_state != (
        Dataset.NationalState.REMOVED)


def operation_for(dataset: Dataset) -> str | None:
    """What the portal must be told now: create, update, delete, or nothing."""
    if dataset.is_public:
        return "update" if _on_portal(dataset) else "create"
    if _on_portal(dataset):
        return "delete"
    return None


def national_mark(dataset: Dataset) -> None:
    """Inside the change's transaction: the portal is now behind. Sent after commit."""
    if operation_for(dataset) is None:
        return
    Dataset.objects.filter(pk=dataset.pk).update(
        national_state=Dataset.NationalState.PENDING, national_retry_at=None)
    dataset.national_state = Dataset.NationalState.PENDING
    from yankao.opendata.tasks import national_push_dataset

    transaction.on_commit(lambda: national_push_dataset(str(dataset.pk)))


def _attempts_since_success(dataset: Dataset) -> int:
    last_ok = (NationalPush.objects.filter(dataset=dataset, outcome=NationalPush.Outcome.SUCCEEDED)
               .order_by("-created_at").values_list("created_at", flat=True).first())
    failures = NationalPush.objects.filter(dataset=dataset, outcome=NationalPush.Outcome.FAILED)
    if last_ok:
        failures = failures.filter(created_at__gt=last_ok)
    return failures.count()


def national_push(*, actor, dataset: Dataset, dry_run: bool = False) -> NationalPush | None:
    """Send the dataset's current metadata (or its removal) to the portal once.

    Returns the logged attempt, or None when there is nothing to send. ``dry_run`` builds
    and checks the metadata, logs what would be sent, and changes nothing else.
    """
    if actor is not None:
        require_manager(actor, dataset.agency)
    dataset = Dataset.objects.select_related("agency__opendata_publisher", "category",
                                             "licence").get(pk=dataset.pk)
    operation = operation_for(dataset)
    if operation is None:
        return None
    version = dataset.version
    metadata = national.national_metadata(dataset) if operation != "delete" else {}
    missing = national.missing_fields(metadata) if operation != "delete" else []
    endpoint = national.portal_address(operation, dataset.identifier) \
        if national.portal_configured() else ""
    attempt = _attempts_since_success(dataset) + 1
    if dry_run:
        return _log(dataset, actor, operation, version, NationalPush.Outcome.DRY_RUN, attempt,
                    metadata, endpoint, message=_missing_message(missing))
    if missing:
        answer = national.PortalAnswer(False, None, "missing_fields", _missing_message(missing))
    elif not national.portal_configured():
        raise DomainError(ErrorCode.INVALID_STATE, _("The national portal's address and key "
                                                     "are not set (YANKAO_NATIONAL_PORTAL_URL, "
                                                     "YANKAO_NATIONAL_PORTAL_KEY)."))
    else:
        answer = national.portal_send(operation, dataset.identifier, metadata)
        if not answer.ok and operation == "update" and answer.error_type.startswith("ER0050"):
            # The portal no longer has it (ER0050: 欲修改的資料集不存在): create it again.
            operation = "create"
            endpoint = national.portal_address(operation, dataset.identifier)
            answer = national.portal_send(operation, dataset.identifier, metadata)
    return _record_outcome(dataset, actor, operation, version, answer, attempt, metadata,
                           endpoint)


def _missing_message(missing: list[str]) -> str:
    if not missing:
        return ""
    return _("Required fields are empty: %(fields)s") % {"fields": ", ".join(missing)}


def _log(dataset, actor, operation, version, outcome, attempt, metadata, endpoint, *,
         http_status=None, error_type="", message="") -> NationalPush:
    return NationalPush.objects.create(
        dataset=dataset, operation=operation, version=version, outcome=outcome,
        attempt=attempt, http_status=http_status, error_type=error_type, message=message,
        payload=metadata, endpoint=endpoint, requested_by=actor_user(actor), created_at=now())


def _record_outcome(dataset, actor, operation, version, answer, attempt, metadata,
                    endpoint) -> NationalPush:
    if answer.ok:
        outcome = NationalPush.Outcome.SUCCEEDED
    elif answer.transient:
        outcome = NationalPush.Outcome.FAILED
    else:
        outcome = NationalPush.Outcome.REFUSED
    with transaction.atomic():
        current = Dataset.objects.select_for_update().get(pk=dataset.pk)
        push = _log(current, actor, operation, version, outcome, attempt, metadata, endpoint,
                    http_status=answer.http_status, error_type=answer.error_type,
                    message=answer.message)
        before = current.national_state
        if answer.ok:
            current.national_version = version if operation != "delete" else current.version
            if operation == "delete":
                current.national_state = Dataset.NationalState.REMOVED
            elif current.version == version:
                current.national_state = Dataset.NationalState.SYNCED
            else:
                current.national_state = Dataset.NationalState.PENDING  # changed meanwhile
            current.national_retry_at = None
        elif answer.transient:
            pause = RETRY_PAUSES[min(attempt, len(RETRY_PAUSES)) - 1]
            current.national_state = Dataset.NationalState.FAILED
            current.national_retry_at = now() + pause
        else:
            current.national_state = Dataset.NationalState.FAILED
            current.national_retry_at = None
        current.save(update_fields=["national_state", "national_version", "national_retry_at"])
        audit_record(actor=actor, action=OpendataAction.PUSH_RESULT, obj=current,
                     from_state=before, to_state=current.national_state,
                     data={"operation": operation, "version": version, "outcome": outcome,
                           "error_type": answer.error_type})
        if answer.ok and current.national_state == Dataset.NationalState.PENDING:
            from yankao.opendata.tasks import national_push_dataset

            transaction.on_commit(lambda: national_push_dataset(str(current.pk)))
    return push


def national_push_again(*, actor, dataset: Dataset) -> None:
    """A person asks for the dataset to be sent again now (after fixing a refusal)."""
    require_manager(actor, dataset.agency)
    if operation_for(dataset) is None:
        raise DomainError(ErrorCode.INVALID_STATE, _("There is nothing to send for this "
                                                     "dataset."))
    with transaction.atomic():
        Dataset.objects.filter(pk=dataset.pk).update(
            national_state=Dataset.NationalState.PENDING, national_retry_at=None)
        audit_record(actor=actor, action=OpendataAction.PUSH_QUEUE, obj=dataset,
                     from_state=dataset.national_state, to_state=Dataset.NationalState.PENDING)
        from yankao.opendata.tasks import national_push_dataset

        transaction.on_commit(lambda: national_push_dataset(str(dataset.pk)))


def national_due(limit: int = 200) -> list[Dataset]:
    """Datasets the periodic job sends now: pending ones, and failures whose pause ended."""
    from django.db.models import Q

    moment = now()
    return list(Dataset.objects.filter(
        Q(national_state=Dataset.NationalState.PENDING)
        | Q(national_state=Dataset.NationalState.FAILED, national_retry_at__lte=moment)
    ).order_by("modified_at")[:limit])
