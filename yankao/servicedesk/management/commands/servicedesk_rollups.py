"""``yankao manage servicedesk_rollups [--year Y]``: count the figures' rollups again from
the cases (decision 0120), for one year or for every year."""

from django.core.management.base import BaseCommand

from yankao.servicedesk.services import rollups_rebuild


class Command(BaseCommand):
    help = "Rebuild the service desk's rollups from the cases (one year, or all)."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, default=None,
                            help="the calendar year (Asia/Taipei); every year by default")

    def handle(self, *args, year: int | None, **options):
        counted = rollups_rebuild(actor=None, year=year)
        self.stdout.write(f"{counted} cases counted"
                          + (f" in {year}" if year is not None else ""))
