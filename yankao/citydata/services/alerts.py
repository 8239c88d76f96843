"""Alerts that become dispatch cases (decision 0702).

Each active rule of a datastream's observed property reads the new readings in time order.
The first breach opens an episode; more breaches extend it; readings back to normal for
the rule's recovery time close it. An episode opens exactly one service-desk case: the
case is registered after the readings commit, with the episode's own submission key, so a
retry (or the periodic sweep) finds the same case instead of making another.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from yankao.citydata import models as m
from yankao.citydata.audit import CitydataAction
from yankao.citydata.services.storage import CITY_TZ, Reading, by_datastream
from yankao.core.services.audit import audit_record

log = logging.getLogger(__name__)


def is_night(rule: m.AlertRule, moment: dt.datetime) -> bool:
    hour = moment.astimezone(CITY_TZ).hour
    if rule.night_start_hour > rule.night_end_hour:
        return hour >= rule.night_start_hour or hour < rule.night_end_hour
    return rule.night_start_hour <= hour < rule.night_end_hour


def _earlier(datastream_id: int, before: dt.datetime, window: dt.timedelta):
    return list(m.Observation.objects.filter(
        datastream_id=datastream_id, phenomenon_time__gte=before - window,
        phenomenon_time__lt=before, result_number__isnull=False,
    ).order_by("phenomenon_time").values_list("phenomenon_time", "result_number"))


def breaches(rule: m.AlertRule, readings: Sequence[tuple[dt.datetime, float]],
             history: Sequence[tuple[dt.datetime, float]] = ()):
    """For each reading, True (breach), False (normal) or None (the rule does not apply,
    e.g. daytime for a night rule)."""
    window = dt.timedelta(minutes=rule.window_minutes)
    seen = list(history)
    out = []
    for moment, value in readings:
        if rule.kind == m.AlertRule.Kind.ABOVE:
            out.append(value >= rule.threshold)
        elif rule.kind == m.AlertRule.Kind.BELOW:
            out.append(value <= rule.threshold)
        elif rule.kind == m.AlertRule.Kind.BELOW_AT_NIGHT:
            out.append(value <= rule.threshold if is_night(rule, moment) else None)
        else:
            earlier = [v for t, v in seen if moment - window <= t < moment]
            out.append(bool(earlier) and value - min(earlier) >= rule.threshold)
        seen.append((moment, value))
    return out


def _quiet(rule: m.AlertRule, low: float, high: float) -> bool:
    """True when no value between ``low`` and ``high`` breaches a threshold rule, so a
    batch with no open episode can skip the rule. Rate-of-change rules need history."""
    if rule.kind == m.AlertRule.Kind.ABOVE:
        return high < rule.threshold
    if rule.kind in (m.AlertRule.Kind.BELOW, m.AlertRule.Kind.BELOW_AT_NIGHT):
        return low > rule.threshold
    return False


def readings_check(readings: Sequence[Reading]) -> list[m.AlertEpisode]:
    """Run the rules over new readings, inside the ingest transaction. Returns the episodes
    opened; their cases are registered once the transaction commits."""
    grouped = by_datastream(r for r in readings if r.result_number is not None)
    if not grouped:
        return []
    streams = {ds.pk: ds for ds in m.Datastream.objects.filter(
        pk__in=grouped, observed_property__alert_rules__active=True).distinct()}
    if not streams:
        return []
    rules: dict[int, list[m.AlertRule]] = {}
    for rule in m.AlertRule.objects.filter(
            active=True, observed_property_id__in={ds.observed_property_id
                                                   for ds in streams.values()}):
        rules.setdefault(rule.observed_property_id, []).append(rule)
    opened = []
    # Lock the datastreams in id order: two writers of one stream take turns here.
    list(m.Datastream.objects.select_for_update().filter(pk__in=streams).order_by("pk")
         .values_list("pk", flat=True))
    open_episodes = {(e.rule_id, e.datastream_id): e for e in m.AlertEpisode.objects.filter(
        datastream_id__in=streams, closed_at__isnull=True)}
    for datastream_id in sorted(streams):
        datastream = streams[datastream_id]
        values = [r.result_number for r in grouped[datastream_id]]
        low, high = min(values), max(values)
        series = None
        for rule in rules.get(datastream.observed_property_id, []):
            episode = open_episodes.get((rule.pk, datastream_id))
            if episode is None and _quiet(rule, low, high):
                continue  # no reading of the batch can open an episode: nothing to do
            if series is None:
                series = sorted((r.phenomenon_time, r.result_number)
                                for r in grouped[datastream_id])
            history = ()
            if rule.kind == m.AlertRule.Kind.RISE:
                history = _earlier(datastream_id, series[0][0],
                                   dt.timedelta(minutes=rule.window_minutes))
            flags = breaches(rule, series, history)
            changed = False  # the open episode is saved once, when it closes or at the end
            for (moment, value), flag in zip(series, flags, strict=True):
                if flag is None:
                    continue
                if flag:
                    if episode is None:
                        episode = m.AlertEpisode.objects.create(
                            rule=rule, datastream=datastream, opened_at=moment,
                            last_breach_at=moment, peak=value)
                        audit_record(actor=None, action=CitydataAction.EPISODE_OPEN,
                                     obj=episode, agency=datastream.thing.agency,
                                     data={"rule": rule.name, "value": value})
                        opened.append(episode)
                    else:
                        episode.last_breach_at = max(episode.last_breach_at, moment)
                        episode.peak = (max(episode.peak, value)
                                        if rule.kind != m.AlertRule.Kind.BELOW
                                        and rule.kind != m.AlertRule.Kind.BELOW_AT_NIGHT
                                        else min(episode.peak, value))
                        changed = True
                elif episode is not None and moment - episode.last_breach_at >= dt.timedelta(
                        minutes=rule.recovery_minutes):
                    episode.closed_at = moment
                    episode.save(update_fields=["last_breach_at", "peak", "closed_at"])
                    audit_record(actor=None, action=CitydataAction.EPISODE_CLOSE, obj=episode,
                                 agency=datastream.thing.agency, data={"rule": rule.name})
                    episode, changed = None, False
            if episode is not None and changed:
                episode.save(update_fields=["last_breach_at", "peak"])
    ids = [e.pk for e in opened]
    if ids:
        transaction.on_commit(lambda: episode_cases_open(episode_ids=ids))
    return opened


def episode_cases_open(*, episode_ids: Sequence[int] | None = None) -> int:
    """Register the dispatch case of each episode that has none yet. Idempotent: the
    service desk returns the same case for the same submission key."""
    from yankao.servicedesk import selectors as desk_selectors
    from yankao.servicedesk import services as desk

    episodes = m.AlertEpisode.objects.filter(case_number="").select_related(
        "rule", "datastream__thing", "datastream__observed_property")
    if episode_ids is not None:
        episodes = episodes.filter(pk__in=episode_ids)
    made = 0
    for episode in episodes:
        rule = episode.rule
        category = desk_selectors.category_choices().filter(code=rule.category_code).first()
        if category is None:
            log.error("alert rule %s names service-desk category %s, which does not exist",
                      rule.pk, rule.category_code)
            continue
        thing = episode.datastream.thing
        location = thing.locations.order_by("pk").first()
        latitude = longitude = None
        if location is not None and location.min_x is not None:
            longitude = round((location.min_x + location.max_x) / 2, 6)
            latitude = round((location.min_y + location.max_y) / 2, 6)
        address = ((thing.properties or {}).get("address") or thing.name)[:200]
        link = f"{settings.YANKAO_BASE_URL}/sta/v1.1/Datastreams({episode.datastream_id})"
        with translation.override(settings.LANGUAGE_CODE):  # the case is in the city's language
            description = _(
                "City sensor alert: %(rule)s at %(thing)s. %(property)s reached %(value)s at "
                "%(time)s. Readings: %(link)s/Observations"
            ) % {"rule": rule.name, "thing": thing.name,
                 "property": episode.datastream.observed_property.name,
                 "value": f"{episode.peak:g}",
                 "time": episode.opened_at.astimezone(CITY_TZ).strftime("%Y-%m-%d %H:%M"),
                 "link": link}
        case, _password = desk.case_register(
            actor=None, category=category, description=description, channel="sensor",
            latitude=latitude, longitude=longitude, address=address,
            attributes={"datastream": episode.datastream_id, "episode": episode.pk,
                        "sta": link},
            media_url=link, submission_key=episode.submission_key,
            actor_label="citydata", registered_at=episode.opened_at,
        )
        m.AlertEpisode.objects.filter(pk=episode.pk).update(case_number=case.number)
        made += 1
    return made
