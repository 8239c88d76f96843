from django.core.management.base import BaseCommand, CommandError

from yankao.core.errors import DomainError
from yankao.core.services.seed import city_seed


class Command(BaseCommand):
    help = ("Load a city's agencies, units and districts only (idempotent); "
            "`yankao city setup` loads the whole city.")

    def add_arguments(self, parser):
        parser.add_argument("city", help="a shipped city (kaohsiung) or a city's data folder")

    def handle(self, *args, city: str, **options):
        try:
            counts = city_seed(actor=None, city=city)
        except DomainError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{counts['agencies']} agencies, {counts['districts']} districts")
