"""Rollups of the service desk's cases: the counts and sums every figure of
``selectors/statistics.py`` needs, per Asia/Taipei month of registration, kind and lead
agency (decision 0120).

They are kept exact by database triggers on ``servicedesk_case`` and ``servicedesk_survey``
(and the calls' on ``servicedesk_call``)
(installed by migration 0008 from ``services/rollups.py``): every insert, update or delete
of a case, in the same transaction, by whatever path (services, imports, COPY, the demo
loader, a queryset ``update``), moves the case's part from its old rows to its new ones.
Nothing here is written by Python code except the rebuild (``rollups_rebuild``).

Keys that may be missing are 0, not NULL (0: no lead agency yet, no district): a unique key
with NULLs would not match itself in ``INSERT … ON CONFLICT``. Rows whose counts all went
back to 0 (a case moved to another agency) may stay; readers skip them.
"""

from __future__ import annotations

from django.db import models


def _count():
    return models.IntegerField(default=0, db_default=0)


class RollupKey(models.Model):
    """The key every rollup starts with."""

    month = models.DateField()  # the first day of the month, Asia/Taipei
    kind = models.CharField(max_length=20)
    agency_key = models.IntegerField()  # core.Agency id, 0 when not routed

    class Meta:
        abstract = True


SLOTS = 8


class SlottedKey(RollupKey):
    """Spread over ``SLOTS`` rows by case id: the row an upsert locks stays locked until
    its transaction commits, so cases registered at once for the same month, kind and
    agency would otherwise wait for each other's commit (decision 0120)."""

    slot = models.SmallIntegerField()  # case id % SLOTS

    class Meta:
        abstract = True


class CaseRollup(SlottedKey):
    """The month's cases of one kind led by one agency, in the classes of the figures."""

    received = _count()
    # on_time: each case in one class; "unanswered" becomes late or not due by the clock.
    on_time = _count()
    late_answered = _count()
    unanswered = _count()
    no_limit = _count()
    merged = _count()
    filed = _count()
    # dispatch_four_hour (read for kind "dispatch"): "counted" cases are neither merged nor
    # downgraded and have a time limit.
    dispatch_within = _count()
    dispatch_late = _count()
    dispatch_unanswered = _count()
    dispatch_unanswered_filed = _count()
    downgraded = _count()
    not_dispatched = _count()
    # handling_time: how many answered cases and their seconds (the distribution is in
    # HandlingRollup).
    handled = _count()
    handling_seconds = models.BigIntegerField(default=0, db_default=0)
    # satisfaction
    surveys_invited = _count()
    surveys_answered = _count()
    surveys_satisfied = _count()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "kind", "agency_key", "slot"],
                                               name="sd_rollup_case_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind} {self.agency_key}: {self.received}"


class CategoryRollup(SlottedKey):
    category_key = models.IntegerField()  # servicedesk.Category id (a sub-category)
    received = _count()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["month", "kind", "agency_key", "slot", "category_key"],
            name="sd_rollup_category_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.category_key}: {self.received}"


class DistrictRollup(SlottedKey):
    district_key = models.IntegerField()  # core.District id, 0 when none
    received = _count()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["month", "kind", "agency_key", "slot", "district_key"],
            name="sd_rollup_district_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.district_key}: {self.received}"


class ChannelRollup(SlottedKey):
    channel = models.CharField(max_length=20)
    received = _count()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["month", "kind", "agency_key", "slot", "channel"],
            name="sd_rollup_channel_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.channel}: {self.received}"


HANDLING_STEP = 360  # seconds: the tenth of an hour the figures print


class HandlingRollup(RollupKey):
    """Answered cases by handling time in tenths of an hour, rounded half up: tenth ``t``
    holds the cases of ``[360 t − 180, 360 t + 180)`` seconds, all printed as ``t / 10`` h."""

    tenth = models.IntegerField()
    cases = _count()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["month", "kind", "agency_key", "tenth"], name="sd_rollup_handling_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.tenth / 10} h: {self.cases}"


class CallRollup(models.Model):
    """The month's calls to the hotline by call centre and outcome (calls have no kind):
    kept by the triggers on ``servicedesk_call`` like the cases' rollups."""

    month = models.DateField()  # the first day of the month, Asia/Taipei
    agency_key = models.IntegerField()  # the call centre's core.Agency id, 0 when none
    outcome = models.CharField(max_length=20)
    slot = models.SmallIntegerField()  # call id % SLOTS, as SlottedKey
    calls = _count()
    answered_at_once = _count()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["month", "agency_key", "outcome", "slot"], name="sd_rollup_call_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.outcome}: {self.calls}"
