"""Forums, training sessions, the university presidents' meetings (大學校長與市長聯誼會)
and civic hackathons: challenges posed by agencies, teams, rounds and results."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    class Kind(models.TextChoices):
        FORUM = "forum", _("Forum or workshop")
        TRAINING = "training", _("Training session")
        PRESIDENTS = "presidents", _("University presidents' meeting")
        HACKATHON = "hackathon", _("Hackathon")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    held_on = models.DateField(_("held on"))
    agency = models.ForeignKey("core.Agency", verbose_name=_("organiser"),
                               on_delete=models.PROTECT, related_name="events")
    attendance = models.PositiveIntegerField(_("attendance"), default=0)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return self.title


class HackathonChallenge(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="challenges")
    agency = models.ForeignKey("core.Agency", verbose_name=_("agency"),
                               on_delete=models.PROTECT, related_name="hackathon_challenges")
    title = models.CharField(_("challenge"), max_length=300)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")

    def __str__(self) -> str:
        return self.title


class HackathonTeam(models.Model):
    class Stage(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        SEMIFINAL = "semifinal", _("Semi-final")
        FINAL = "final", _("Final")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("team"), max_length=200)
    challenge = models.ForeignKey(HackathonChallenge, verbose_name=_("challenge"),
                                  on_delete=models.PROTECT, related_name="teams")
    members = models.PositiveSmallIntegerField(_("members"), default=1)
    stage = models.CharField(_("stage reached"), max_length=12, choices=Stage.choices,
                             default=Stage.REGISTERED)
    score = models.PositiveSmallIntegerField(_("judges' score"), null=True, blank=True)
    prize = models.CharField(_("prize"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("hackathon team")
        verbose_name_plural = _("hackathon teams")
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="hackathon_team_once"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="hackathon_score"),
        ]

    def __str__(self) -> str:
        return self.name
