"""The demo city's counter services: the four legal-consultation sites of 2018 (四維行政中心
and the 鳳山, 旗山, 岡山 district offices) with a year of volunteer-lawyer sessions, and the
joint service centre's blood-pressure checks. At ``--scale 1`` the records give exactly the
report's figures: 9,671 legal consultations and 757 blood-pressure checks in 2018."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from yankao.core.calendar import WorkingCalendar
from yankao.core.models import Agency, PersonalContact
from yankao.counter import services
from yankao.counter.models import Booking, BookingStatus, ConsultationSession, Visit

DEMO_ORDER = 26
LEGAL_2018 = 9671  # 受理法律諮詢服務共9,671人次
BLOOD_PRESSURE_2018 = 757  # 量血壓服務757人次
SITES = [
    # code, zh, en, agency, address, share of the consultations, sessions a week
    ("siwei", "四維行政中心聯合服務中心", "Siwei Administration Center", "rdec",
     "高雄市苓雅區四維三路2號", 0.58, 5),
    ("fongshan", "鳳山區公所", "Fongshan District Office", "district-fongshan",
     "高雄市鳳山區光復路二段120號", 0.22, 2),
    ("gangshan", "岡山區公所", "Gangshan District Office", "district-gangshan",
     "高雄市岡山區岡山路42號", 0.12, 1),
    ("cishan", "旗山區公所", "Cishan District Office", "district-cishan",
     "高雄市旗山區中山路1號", 0.08, 1),
]
CHANNEL_SHARES = (("phone", 0.55), ("counter", 0.30), ("web", 0.15))
NO_SHOW_SHARE = 0.06


def exact_split(total: int, shares: list[float]) -> list[int]:
    """Whole numbers in these shares adding up to exactly ``total`` (largest remainder)."""
    raw = [total * share / sum(shares) for share in shares]
    counts = [int(value) for value in raw]
    for index in sorted(range(len(raw)), key=lambda i: raw[i] - counts[i],
                        reverse=True)[:total - sum(counts)]:
        counts[index] += 1
    return counts


def _session_days(year: int, per_week: int) -> list[dt.date]:
    calendar = WorkingCalendar()
    day, days = dt.date(year, 1, 1), []
    while day.year == year:
        if calendar.is_working_day(day) and (per_week >= 5 or day.weekday() < per_week):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def build(ctx) -> None:
    tz = timezone.get_current_timezone()
    rng = ctx.rng_for("counter")
    agencies = {a.code: a for a in Agency.objects.filter(code__in=[s[3] for s in SITES])}
    legal = services.service_ensure(code="legal", name_zh="免費法律諮詢",
                                    name_en="Free legal consultation", bookable=True)
    pressure = services.service_ensure(code="blood-pressure", name_zh="量血壓",
                                       name_en="Blood-pressure check", bookable=False)
    sites = [services.site_save(actor=None, code=code, name_zh=zh, name_en=en,
                                agency=agencies[agency], address_zh=address, sort_order=i * 10)
             for i, (code, zh, en, agency, address, _share, _weekly) in enumerate(SITES)]
    totals = exact_split(ctx.scaled(LEGAL_2018), [s[5] for s in SITES])
    contact_type = ContentType.objects.get_for_model(Booking)
    made = 0
    with transaction.atomic(), ctx.progress("legal consultations", sum(totals)) as bar:
        for site, (_c, _z, _e, _a, _addr, _share, weekly), attended in zip(
                sites, SITES, totals, strict=True):
            days = _session_days(ctx.year, weekly)
            no_show = round(attended * NO_SHOW_SHARE)
            people = attended + no_show
            per_day = exact_split(people, [1.0] * len(days))
            sessions = ConsultationSession.objects.bulk_create(
                ConsultationSession(site=site, service=legal,
                                    starts_at=dt.datetime.combine(day, dt.time(14), tzinfo=tz),
                                    ends_at=dt.datetime.combine(day, dt.time(17), tzinfo=tz),
                                    capacity=max(12, count), lawyer=f"志工律師{i % 9 + 1}")
                for i, (day, count) in enumerate(zip(days, per_day, strict=True)))
            statuses = [BookingStatus.ATTENDED] * attended + [BookingStatus.NO_SHOW] * no_show
            rng.shuffle(statuses)
            channels = [c for c, share in CHANNEL_SHARES for _ in range(round(share * 1000))]
            bookings = []
            for session, count in zip(sessions, per_day, strict=True):
                for n in range(count):
                    status = statuses.pop()
                    digest = hashlib.sha256(f"{session.pk}:{n}".encode()).hexdigest()
                    bookings.append(Booking(
                        number=f"L{session.pk:06d}-{n + 1:03d}", session=session,
                        channel=rng.choice(channels), status=status, person_key=digest,
                        created_at=session.starts_at - dt.timedelta(days=rng.randint(1, 20)),
                        decided_at=session.ends_at))
            Booking.objects.bulk_create(bookings, batch_size=2000)
            contacts = PersonalContact.objects.bulk_create(
                [PersonalContact(name=f"民眾{b.number[-3:]}", phone="0900-000-000",
                                 owner_type=contact_type, owner_id=str(b.pk))
                 for b in bookings], batch_size=2000)
            for booking, contact in zip(bookings, contacts, strict=True):
                booking.contact = contact
            Booking.objects.bulk_update(bookings, ["contact"], batch_size=2000)
            made += attended
            bar.update(attended)
        checks = ctx.scaled(BLOOD_PRESSURE_2018)
        days = _session_days(ctx.year, 5)
        Visit.objects.bulk_create(
            Visit(site=sites[0], service=pressure, people=1,
                  served_at=dt.datetime.combine(rng.choice(days), dt.time(8 + rng.randint(0, 8),
                                                                          rng.randint(0, 59)),
                                                tzinfo=tz))
            for _ in range(checks))
    ctx.say(f"  {made} legal consultations at {len(sites)} sites, {checks} blood-pressure "
            "checks")
