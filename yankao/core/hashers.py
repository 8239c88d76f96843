"""The hasher of secrets the server makes itself (decision 0133).

A case's tracking password is eight characters drawn at random by the server from 31
(about 40 bits), read to the caller on the phone; nobody chooses it, so no dictionary
reaches it. Django's default PBKDF2 (1,000,000 iterations, about 0.2 s of a core) is made
for passwords people choose; for these it made one phone intake cost four times the rest
of its work. The same PBKDF2-SHA256 with 20,000 iterations still puts an offline search of
one case's password at weeks of a GPU, for what a stolen database already holds in the
clear; online guesses meet the tracking page's rate limit.

Hashes made before keep their own algorithm name and still check (Django picks the hasher
by the hash's prefix), so nothing is migrated.
"""

from __future__ import annotations

from django.contrib.auth.hashers import PBKDF2PasswordHasher

SERVER_SECRET_HASHER = "server_secret_pbkdf2_sha256"  # noqa: S105 - a hasher's name


class ServerSecretHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 at a cost fitted to a random secret of about 40 bits."""

    algorithm = SERVER_SECRET_HASHER
    iterations = 20_000
