"""The demo city's FAQ assistant: 300 entries on transport, the environment, roads and the
1999 services (bilingual), the synonym list, and a season of questions asked of it."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yankao.assistant import faqdata, services

DEMO_ORDER = 50
# Questions the demo city's citizens asked in November–December 2018 (the report's
# 4,043 chats in the first two months), grown with the scale like the other volumes.
CHATS_2018 = 4043
# Phrasings of the demo questions that the FAQ does not answer, so the misses list and
# its weekly e-mail have something to show.
DEMO_MISSES = ["明天會不會下雨", "哪裡可以買演唱會門票", "高雄有什麼好玩的景點",
               "幫我訂飯店", "我要申請簽證"]


def build(ctx) -> None:
    services.faq_load(actor=None, topics=faqdata.TOPICS, rows=faqdata.faq_rows(),
                      synonyms=faqdata.synonym_rows())
    rows = faqdata.faq_rows()
    rng = ctx.rng_for("assistant")
    tz = timezone.get_current_timezone()
    start = dt.datetime(ctx.year, 11, 6, 8, tzinfo=tz)
    span = (dt.datetime(ctx.year, 12, 31, 22, tzinfo=tz) - start).total_seconds()
    count = ctx.scaled(CHATS_2018)
    # At most a few hundred are searched one by one; the demo stays quick at any scale.
    asked = [start + dt.timedelta(seconds=rng.random() * span) for _ in range(count)]
    with ctx.progress("assistant questions", len(asked)) as bar:
        for number, when in enumerate(sorted(asked)):
            if number % 7 == 6:
                question = rng.choice(DEMO_MISSES)
            else:
                row = rng.choice(rows)
                question = rng.choice([row.question_zh,
                                       *row.alternatives_zh.splitlines()])
            services.question_ask(question=question, now=when)
            bar.update(1)
    ctx.say(f"  {len(rows)} FAQ entries, {count} demo conversations")
