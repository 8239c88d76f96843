"""``yankao manage vault_rotate``: encrypt every reporter contact again with the first key
of YANKAO_VAULT_KEYS (docs/decisions/0033-vault-encryption.md)."""

from django.core.management.base import BaseCommand

from yankao.core.services.vault import vault_rotate


class Command(BaseCommand):
    help = "Re-encrypt the reporter vault with the first key of YANKAO_VAULT_KEYS."

    def handle(self, *args, **options):
        count = vault_rotate(actor=None)
        self.stdout.write(f"{count} contacts encrypted with the first key.")
