"""``yankao manage open311_key "App name" [--email E]``: a new Open311 api_key, shown once."""

from django.core.management.base import BaseCommand

from yankao.servicedesk.services import open311_client_create


class Command(BaseCommand):
    help = "Create an Open311 api_key for an application; the key is printed once."

    def add_arguments(self, parser):
        parser.add_argument("name", help="the application's name")
        parser.add_argument("--email", default="", help="who to contact about the app")

    def handle(self, *args, name: str, email: str, **options):
        _client, raw = open311_client_create(actor=None, name=name, contact_email=email)
        self.stdout.write(raw)
