"""The FAQ base the assistant answers from, and what citizens asked it.

Staff edit topics, entries and synonyms; every such write bumps ``AssistantPolicy.revision``,
and each server process rebuilds its search index when it sees a newer revision.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from yankao.core.models.agencies import localized

QUESTION_MAX = 500  # characters; a longer "question" is refused, not cut


class Topic(models.Model):
    """主題: a group of FAQ entries, and the service-desk category a hand-over goes to."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=50)
    name_en = models.CharField(_("name (English)"), max_length=100)
    handover_category = models.CharField(
        _("hand-over category"), max_length=32,
        help_text=_("The service-desk category code of a case opened from this topic."),
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized(self.name_zh, self.name_en)


class FaqEntry(models.Model):
    """常見問答: one question, other ways people ask it, and the answer, in both languages."""

    key = models.SlugField(_("key"), max_length=32, unique=True)
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT,
                              related_name="entries")
    question_zh = models.CharField(_("question (Chinese)"), max_length=200)
    question_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    alternatives_zh = models.TextField(
        _("other ways to ask (Chinese)"), blank=True, help_text=_("One per line."))
    alternatives_en = models.TextField(
        _("other ways to ask (English)"), blank=True, help_text=_("One per line."))
    answer_zh = models.TextField(_("answer (Chinese)"), max_length=2000)
    answer_en = models.TextField(_("answer (English)"), max_length=4000, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("updated by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")
        ordering = ["topic__sort_order", "key"]

    def __str__(self) -> str:
        return f"{self.key} {self.question}"

    @property
    def question(self) -> str:
        return localized(self.question_zh, self.question_en)

    @property
    def answer(self) -> str:
        return localized(self.answer_zh, self.answer_en)


class SynonymGroup(models.Model):
    """同義詞: words people use for one thing (機車, 摩托車, 機踏車); the first is the one
    the index keeps."""

    class Language(models.TextChoices):
        ZH = "zh", _("Chinese")
        EN = "en", _("English")

    language = models.CharField(_("language"), max_length=2, choices=Language.choices,
                                default=Language.ZH)
    terms = models.CharField(_("terms"), max_length=300,
                             help_text=_("Comma-separated; the first is the main term."))

    class Meta:
        verbose_name = _("synonym group")
        verbose_name_plural = _("synonym groups")
        ordering = ["language", "id"]

    def __str__(self) -> str:
        return self.terms

    @property
    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.split(",") if term.strip()]


class AssistantPolicy(models.Model):
    """How sure the assistant must be (one row). Confidences are per mille (0–1000): the
    best entry's score against what the question's words could score at most."""

    answer_confidence = models.PositiveIntegerField(
        _("confidence to answer"), default=600,
        help_text=_("At or above this, and clear of the second entry, one answer is given."))
    answer_margin = models.PositiveIntegerField(
        _("margin over the second entry"), default=150,
        help_text=_("Per mille of the best score the second entry must stay below."))
    suggest_confidence = models.PositiveIntegerField(
        _("confidence to suggest"), default=200,
        help_text=_("At or above this, the three best entries are offered; below it, a "
                    "person is offered."))
    default_topic = models.ForeignKey(
        Topic, verbose_name=_("hand-over topic when none matched"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    revision = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assistant policy")
        verbose_name_plural = _("assistant policy")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answer_confidence__lte=1000, suggest_confidence__lte=1000,
                                   answer_margin__lte=1000),
                name="assistant_policy_per_mille",
            ),
        ]

    def __str__(self) -> str:
        return str(_("assistant policy"))


class Outcome(models.TextChoices):
    ANSWERED = "answered", _("Answered")  # one answer
    SUGGESTED = "suggested", _("Suggested")  # the top three
    NO_MATCH = "no_match", _("No match")  # a person is offered


class Conversation(models.Model):
    """One visitor's exchanges with the assistant; the public id is its only handle."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web page")
        API = "api", _("API")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices,
                               default=Channel.WEB)
    language = models.CharField(_("language"), max_length=10, default="zh-hant")
    started_at = models.DateTimeField(_("started at"), db_index=True)
    case_number = models.CharField(_("service-desk case"), max_length=20, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.public_id}"


class Exchange(models.Model):
    """One question and what the assistant did with it.

    ``miss`` is set when nothing matched or the asker said none of the suggestions fit:
    those questions are what staff turn into new entries.
    """

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE,
                                     related_name="exchanges")
    asked_at = models.DateTimeField(_("asked at"))
    text = models.CharField(_("question"), max_length=QUESTION_MAX,
                            help_text=_("As asked, with phone numbers, e-mail addresses and "
                                        "ID numbers masked."))
    key = models.CharField(_("normalised question"), max_length=200,
                           help_text=_("Questions with the same key are counted together."))
    language = models.CharField(_("language"), max_length=2)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    confidence = models.PositiveIntegerField(_("confidence (per mille)"))
    shown = models.JSONField(_("entries shown"), default=list, blank=True)
    chosen = models.ForeignKey(FaqEntry, verbose_name=_("entry chosen"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    declined = models.BooleanField(_("none of these"), default=False)
    miss = models.BooleanField(_("miss"), default=False)
    resolved_by = models.ForeignKey(
        FaqEntry, verbose_name=_("answered since by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    class Meta:
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        ordering = ["asked_at", "id"]
        indexes = [
            models.Index(fields=["asked_at"], name="assistant_exchange_time_idx"),
            models.Index(fields=["key", "asked_at"], condition=models.Q(miss=True),
                         name="assistant_miss_idx"),
        ]

    def __str__(self) -> str:
        return self.text[:60]
