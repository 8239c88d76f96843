"""城市資料平台: the SensorThings API 1.1 data model (OGC 18-088 §8), observations at city
scale, their rollups, access keys, and alert rules whose episodes become dispatch cases.

Observations are the only large table. On PostgreSQL it is partitioned by day (migration
0002, decision 0700), so it has no foreign-key constraints of its own and nothing points at
it with one: deleting a datastream deletes its observations in the service, by datastream.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from yankao.core.models import Agency

GEOJSON = "application/geo+json"


class Bounded(models.Model):
    """A GeoJSON geometry with its bounding box, so geospatial filters read few rows."""

    min_x = models.FloatField(null=True, blank=True, editable=False)
    min_y = models.FloatField(null=True, blank=True, editable=False)
    max_x = models.FloatField(null=True, blank=True, editable=False)
    max_y = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Location(Bounded):
    """§8.2.2: where a Thing is."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    encoding_type = models.CharField(max_length=100, default=GEOJSON)
    location = models.JSONField()
    properties = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Thing(models.Model):
    """§8.2.1: a street light, a gauge: an object that carries sensors."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    properties = models.JSONField(null=True, blank=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("maintaining agency"))
    locations = models.ManyToManyField(Location, related_name="things", blank=True)

    def __str__(self) -> str:
        return self.name


class HistoricalLocation(models.Model):
    """§8.2.3: when a Thing was at its Locations."""

    thing = models.ForeignKey(Thing, on_delete=models.CASCADE,
                              related_name="historical_locations")
    time = models.DateTimeField()
    locations = models.ManyToManyField(Location, related_name="historical_locations")

    class Meta:
        indexes = [models.Index(fields=["thing", "time"])]

    def __str__(self) -> str:
        return f"{self.thing_id} @ {self.time:%Y-%m-%d %H:%M}"


class Sensor(models.Model):
    """§8.2.5: the instrument."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    encoding_type = models.CharField(max_length=100)
    metadata = models.TextField()
    properties = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class ObservedProperty(models.Model):
    """§8.2.6: what is measured (flood depth, PM2.5, illuminance)."""

    name = models.CharField(_("name"), max_length=200)
    definition = models.CharField(_("definition"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    properties = models.JSONField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class ObservationType(models.TextChoices):
    """Table 12 of §8.2.4: the observation type fixes the result's type."""

    MEASUREMENT = ("http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement",
                   _("Measurement (number)"))
    COUNT = ("http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CountObservation",
             _("Count (integer)"))
    TRUTH = ("http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_TruthObservation",
             _("Truth (boolean)"))
    CATEGORY = ("http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CategoryObservation",
                _("Category (URI)"))
    OBSERVATION = ("http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Observation",
                   _("Any result"))


class Access(models.TextChoices):
    """Who may read a datastream and its observations (decision 0701)."""

    PUBLIC = "public", _("Open to everyone")
    KEYED = "keyed", _("Any valid API key")
    RESTRICTED = "restricted", _("Named agencies only")


class Datastream(models.Model):
    """§8.2.4: the observations of one property by one sensor on one thing."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit_of_measurement = models.JSONField()
    observation_type = models.CharField(max_length=120, choices=ObservationType.choices)
    observed_area = models.JSONField(null=True, blank=True)
    phenomenon_time_start = models.DateTimeField(null=True, blank=True)
    phenomenon_time_end = models.DateTimeField(null=True, blank=True)
    result_time_start = models.DateTimeField(null=True, blank=True)
    result_time_end = models.DateTimeField(null=True, blank=True)
    properties = models.JSONField(null=True, blank=True)
    thing = models.ForeignKey(Thing, on_delete=models.CASCADE, related_name="datastreams")
    sensor = models.ForeignKey(Sensor, on_delete=models.CASCADE, related_name="datastreams")
    observed_property = models.ForeignKey(ObservedProperty, on_delete=models.CASCADE,
                                          related_name="datastreams")
    access = models.CharField(_("access"), max_length=12, choices=Access.choices,
                              default=Access.PUBLIC)
    reader_agencies = models.ManyToManyField(Agency, related_name="+", blank=True,
                                             verbose_name=_("agencies that may read"))

    class Meta:
        indexes = [models.Index(fields=["access"])]

    def __str__(self) -> str:
        return self.name


class FeatureOfInterest(Bounded):
    """§8.2.8: the feature an observation is about (the road surface under a light)."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    encoding_type = models.CharField(max_length=100, default=GEOJSON)
    feature = models.JSONField()
    properties = models.JSONField(null=True, blank=True)
    # The location an automatically made feature came from (§10.2.1.2): one feature per
    # location, found again for the next observation.
    source_location = models.OneToOneField(Location, on_delete=models.SET_NULL, null=True,
                                           blank=True, related_name="generated_feature")

    def __str__(self) -> str:
        return self.name


class Observation(models.Model):
    """§8.2.7. A numeric result is kept in ``result_number`` (what rollups and filters use);
    any other result (text, boolean, object) as JSON in ``result_value``."""

    id = models.BigAutoField(primary_key=True)
    datastream = models.ForeignKey(Datastream, on_delete=models.DO_NOTHING,
                                   db_constraint=False, related_name="observations")
    feature_of_interest = models.ForeignKey(FeatureOfInterest, on_delete=models.DO_NOTHING,
                                            db_constraint=False, related_name="observations")
    phenomenon_time = models.DateTimeField()
    phenomenon_time_end = models.DateTimeField(null=True, blank=True)
    result_time = models.DateTimeField(null=True, blank=True)
    result_number = models.FloatField(null=True, blank=True)
    result_value = models.JSONField(null=True, blank=True)
    result_quality = models.JSONField(null=True, blank=True)
    valid_time_start = models.DateTimeField(null=True, blank=True)
    valid_time_end = models.DateTimeField(null=True, blank=True)
    parameters = models.JSONField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["datastream", "phenomenon_time"],
                                name="citydata_obs_stream_time")]

    def __str__(self) -> str:
        return f"Observation {self.pk}"

    @property
    def result(self):
        return result_json(self.result_number, self.result_value)


def result_json(number: float | None, value):
    """A stored result as the API writes it: whole numbers without a decimal point."""
    if number is None:
        return value
    if number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


class LatestObservation(models.Model):
    """The newest reading of each datastream, written on ingest (the map reads this)."""

    datastream = models.OneToOneField(Datastream, on_delete=models.CASCADE, primary_key=True,
                                      related_name="latest")
    observation_id = models.BigIntegerField()
    phenomenon_time = models.DateTimeField()
    result_number = models.FloatField(null=True)
    result_value = models.JSONField(null=True)

    def __str__(self) -> str:
        return f"{self.datastream_id}: {self.result_number}"


class Rollup(models.Model):
    count = models.IntegerField()
    total = models.FloatField()
    minimum = models.FloatField()
    maximum = models.FloatField()

    class Meta:
        abstract = True

    @property
    def mean(self) -> float:
        return self.total / self.count


class HourlyRollup(Rollup):
    """Count, sum, min and max of a datastream's numeric results in one hour (dashboards)."""

    datastream = models.ForeignKey(Datastream, on_delete=models.CASCADE,
                                   related_name="hourly_rollups")
    hour = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["datastream", "hour"],
                                               name="citydata_hourly_unique")]

    def __str__(self) -> str:
        return f"{self.datastream_id} {self.hour:%Y-%m-%d %H}h"


class DailyRollup(Rollup):
    """The same for one day of the city's calendar (year charts, the annual report)."""

    datastream = models.ForeignKey(Datastream, on_delete=models.CASCADE,
                                   related_name="daily_rollups")
    day = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["datastream", "day"],
                                               name="citydata_daily_unique")]

    def __str__(self) -> str:
        return f"{self.datastream_id} {self.day}"


class AccessKey(models.Model):
    """An API key (decision 0701). A reader key opens the keyed tier, and restricted
    datastreams of its agency; a sensor key may also write its own Thing's observations."""

    class Kind(models.TextChoices):
        READER = "reader", _("Reader")
        SENSOR = "sensor", _("Sensor")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name=_("agency"))
    thing = models.ForeignKey(Thing, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="access_keys", verbose_name=_("thing"))
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=120)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="reader") | Q(thing__isnull=False),
                name="citydata_sensor_key_has_thing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AlertRule(models.Model):
    """A rule on one observed property. Its breaches form episodes; each episode opens one
    dispatch case (decision 0702)."""

    class Kind(models.TextChoices):
        ABOVE = "above", _("At or above the threshold")
        BELOW = "below", _("At or below the threshold")
        RISE = "rise", _("Rises by the threshold within the window")
        BELOW_AT_NIGHT = "night_below", _("At or below the threshold at night")

    name = models.CharField(_("name"), max_length=200)
    observed_property = models.ForeignKey(ObservedProperty, on_delete=models.CASCADE,
                                          related_name="alert_rules")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    threshold = models.FloatField(_("threshold"))
    window_minutes = models.PositiveIntegerField(_("window (minutes)"), default=60)
    recovery_minutes = models.PositiveIntegerField(_("recovery time (minutes)"), default=60)
    night_start_hour = models.PositiveSmallIntegerField(default=18)
    night_end_hour = models.PositiveSmallIntegerField(default=6)
    category_code = models.CharField(_("service-desk category"), max_length=32)
    active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class AlertEpisode(models.Model):
    """One run of breaches of a rule on a datastream, from the first breach until the
    readings have stayed normal for the rule's recovery time."""

    rule = models.ForeignKey(AlertRule, on_delete=models.CASCADE, related_name="episodes")
    datastream = models.ForeignKey(Datastream, on_delete=models.CASCADE,
                                   related_name="episodes")
    opened_at = models.DateTimeField()
    last_breach_at = models.DateTimeField()
    peak = models.FloatField()
    closed_at = models.DateTimeField(null=True, blank=True)
    case_number = models.CharField(max_length=32, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["rule", "datastream"],
                                    condition=Q(closed_at__isnull=True),
                                    name="citydata_one_open_episode"),
        ]
        indexes = [models.Index(fields=["opened_at"])]

    def __str__(self) -> str:
        return f"{self.rule_id}/{self.datastream_id} from {self.opened_at:%Y-%m-%d %H:%M}"

    @property
    def submission_key(self) -> str:
        """The service desk's idempotency key: a retry finds the same case."""
        return f"citydata-episode-{self.pk}"
