import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from yankao.core.calendar import TAIPEI
from yankao.core.models import Agency, Role
from yankao.core.services.city import city_setup
from yankao.core.tests.factories import member
from yankao.servicedesk.catalogue import catalogue_seed
from yankao.servicedesk.models import Category

TAIPEI_CITY = Path(__file__).parent / "fixtures" / "cities" / "taipei"

# A point in 苓雅區 (Lingya) and the demo reporter, whose data must never leak.
LINGYA = ("22.621800", "120.312000")
REPORTER = {"reporter_name": "洩漏測試員", "reporter_phone": "0912-345-678",
            "reporter_email": "leak.check@example.org", "reporter_address": "秘密路99號"}
REPORTER_VALUES = ["洩漏測試員", "0912-345-678", "leak.check@example.org", "秘密路99號"]


@pytest.fixture
def catalogue(city):
    catalogue_seed(actor=None)
    return {c.code: c for c in Category.objects.all()}


@pytest.fixture
def taipei_city(db):
    """A small Taipei City (agencies, districts, petition categories) set up from its
    folder as a city does it, for the importers of Taipei's files."""
    city_setup(actor=None, folder=TAIPEI_CITY)
    return {agency.code: agency for agency in Agency.objects.all()}


@pytest.fixture
def people(city):
    return {
        "operator": member(Role.OPERATOR, city["rdec"], "sd_operator"),
        "registrar": member(Role.REGISTRAR, city["rdec"], "sd_registrar"),
        "evaluator": member(Role.EVALUATOR, city["rdec"], "sd_evaluator"),
        "officer": member(Role.OFFICER, city["pwb-maintenance"], "sd_officer"),
        "chief": member(Role.SECTION_CHIEF, city["pwb-maintenance"], "sd_chief"),
        "pwb_officer": member(Role.OFFICER, city["public-works"], "sd_pwb"),
        "epb": member(Role.OFFICER, city["environmental-protection"], "sd_epb"),
        "epb_chief": member(Role.SECTION_CHIEF, city["environmental-protection"], "sd_epbc"),
        "admin": member(Role.ADMINISTRATOR, city["rdec"], "sd_admin"),
    }


def png_upload(name="photo.png", size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def taipei(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TAIPEI)
