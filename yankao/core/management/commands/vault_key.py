"""``yankao manage vault_key``: print a new key for YANKAO_VAULT_KEYS (it is not stored)."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new Fernet key for YANKAO_VAULT_KEYS."

    def handle(self, *args, **options):
        self.stdout.write(Fernet.generate_key().decode())
