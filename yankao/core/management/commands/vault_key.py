"""``yankao manage vault_key``: print a new key for YANKAO_VAULT_KEYS (it is not stored);
with ``--derived``, the key a production server derives from its secret key when
YANKAO_VAULT_KEYS is not set (to keep it when the secret key changes)."""

from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management.base import BaseCommand

from yankao.config import derived_vault_key


class Command(BaseCommand):
    help = "Print a new Fernet key for YANKAO_VAULT_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--derived", action="store_true",
                            help="print the key derived from this server's secret key")

    def handle(self, *args, **options):
        if options["derived"]:
            self.stdout.write(derived_vault_key(settings.SECRET_KEY))
        else:
            self.stdout.write(Fernet.generate_key().decode())
