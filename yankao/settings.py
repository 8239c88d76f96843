"""Django settings for Yankao. Every value comes from :mod:`yankao.config`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE

from yankao.config import Config, env_bool, env_int, env_str

CONFIG = Config.from_env()
PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = CONFIG.data_dir
DATA_DIR.mkdir(parents=True, exist_ok=True)

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
YANKAO_PRODUCTION = CONFIG.production
# The reporter vault's encryption keys (yankao.core.crypto; never in the repository).
YANKAO_VAULT_KEYS = list(CONFIG.vault_keys)

# Domain apps, in dependency order: each may import core, and others only through
# their services and selectors (docs/architecture.md).
YANKAO_APPS = [
    "yankao.core",
    "yankao.servicedesk",
    "yankao.programs",
    "yankao.works",
    "yankao.participation",
    "yankao.research",
    "yankao.citydata",
    "yankao.opendata",
    "yankao.counter",
    "yankao.assistant",
    "yankao.reports",
]
# Platform apps: single sign-on and backups serve every module and own no domain.
PLATFORM_APPS = ["yankao.sso", "yankao.backups"]

INSTALLED_APPS = [
    *YANKAO_APPS,
    *PLATFORM_APPS,
    "yankao.core.admin_site.YankaoAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "huey.contrib.djhuey",
    "ninja",
    "django_htmx",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "yankao.core.middleware.LanguageMiddleware",
    "yankao.core.middleware.RequestGuardMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yankao.core.middleware.SessionLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "yankao.core.middleware.RequestContextMiddleware",
    # django-axes must be last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yankao.urls"
WSGI_APPLICATION = "yankao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yankao.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {"default": CONFIG.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "yankao.core.auth.DemoPasswordRefused",
    "django.contrib.auth.backends.ModelBackend",
    # OpenID Connect sign-in (yankao.sso); it answers only the provider's callback.
    "yankao.sso.backend.YankaoOIDCBackend",
]

# Single sign-on with the city's OpenID Connect provider (decision 0802): on when a client
# id is set; then every endpoint must be. ID tokens are RS256, the code exchange uses PKCE.
OIDC_RP_CLIENT_ID = env_str("YANKAO_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env_str("YANKAO_OIDC_CLIENT_SECRET")
OIDC_OP_AUTHORIZATION_ENDPOINT = env_str("YANKAO_OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env_str("YANKAO_OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env_str("YANKAO_OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env_str("YANKAO_OIDC_JWKS_ENDPOINT")
YANKAO_OIDC_ISSUER = env_str("YANKAO_OIDC_ISSUER")
YANKAO_OIDC_ROLES_CLAIM = env_str("YANKAO_OIDC_ROLES_CLAIM", "yankao_roles")
YANKAO_OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if YANKAO_OIDC_ENABLED:
    _missing = [name for name, value in (
        ("YANKAO_OIDC_CLIENT_SECRET", OIDC_RP_CLIENT_SECRET),
        ("YANKAO_OIDC_AUTHORIZATION_ENDPOINT", OIDC_OP_AUTHORIZATION_ENDPOINT),
        ("YANKAO_OIDC_TOKEN_ENDPOINT", OIDC_OP_TOKEN_ENDPOINT),
        ("YANKAO_OIDC_USERINFO_ENDPOINT", OIDC_OP_USER_ENDPOINT),
        ("YANKAO_OIDC_JWKS_ENDPOINT", OIDC_OP_JWKS_ENDPOINT)) if not value]
    if _missing:
        from yankao.config import ConfigError

        raise ConfigError(f"YANKAO_OIDC_CLIENT_ID is set but {', '.join(_missing)} is not")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_PKCE = True
OIDC_PKCE_CODE_CHALLENGE_METHOD = "S256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_CREATE_USER = True
OIDC_TIMEOUT = 10
OIDC_STORE_ID_TOKEN = False
OIDC_REDIRECT_ALLOWED_HOSTS: list[str] = []
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:staff-home"
LOGOUT_REDIRECT_URL = "core:public-home"

# Repeated wrong logins are locked out per username and address, and per username from
# any address (yankao.core.auth.LockoutHandler), and audited
# (yankao.core.auth.lockout_response writes the audit event).
AXES_FAILURE_LIMIT = env_int("YANKAO_LOGIN_FAILURE_LIMIT", 5)
YANKAO_ACCOUNT_FAILURE_LIMIT = env_int("YANKAO_ACCOUNT_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "yankao.core.auth.LockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "yankao.core.auth.lockout_response"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hant"
# Each app keeps its own catalogue in <app>/locale/zh_Hant/ (msgids are English).
LANGUAGES = [("zh-hant", "繁體中文"), ("en", "English")]
LOCALE_PATHS: list[Path] = []
TIME_ZONE = "Asia/Taipei"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files are never served from a public URL; yankao.core.views.attachment_download
# checks the reader's agency first.
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if YANKAO_PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not YANKAO_PRODUCTION

# Maps work offline: they draw the city's district boundaries (a data file) and their pins.
# A tile server is optional, e.g. YANKAO_MAP_TILES=https://tile.openstreetmap.org/{z}/{x}/{y}.png
# with YANKAO_MAP_ATTRIBUTION="&copy; OpenStreetMap contributors". Every map has a text
# alternative.
YANKAO_MAP_TILES = env_str("YANKAO_MAP_TILES", "")
YANKAO_MAP_ATTRIBUTION = env_str("YANKAO_MAP_ATTRIBUTION", "")
YANKAO_DISTRICT_BOUNDARIES = env_str(
    "YANKAO_DISTRICT_BOUNDARIES",
    str(Path(__file__).resolve().parent / "core" / "data" / "kaohsiung-districts.geojson"),
)

# django-ratelimit counts in the shared cache (files, or Redis: its own alias below).
RATELIMIT_ENABLE = env_bool("YANKAO_RATE_LIMITS", default=True)
RATELIMIT_USE_CACHE = "default"

# The address links in generated reports point to (HTML reports open outside the site).
YANKAO_BASE_URL = env_str("YANKAO_BASE_URL", "http://127.0.0.1:8000")

# Open data: the national portal (政府資料開放平臺) datasets are pushed to, e.g.
# https://data.gov.tw/api/v1, with the key it issued; nothing is pushed while either is unset.
YANKAO_NATIONAL_PORTAL_URL = env_str("YANKAO_NATIONAL_PORTAL_URL")
YANKAO_NATIONAL_PORTAL_KEY = env_str("YANKAO_NATIONAL_PORTAL_KEY")
# The city's name on its open-data catalogue (default: what its agencies' names share).
YANKAO_CITY_NAME = env_str("YANKAO_CITY_NAME")
# The link checker refuses addresses inside private networks unless this is set.
YANKAO_OPENDATA_PRIVATE_LINKS = env_bool("YANKAO_OPENDATA_PRIVATE_LINKS", default=False)
# Nightly backups (yankao.backups): folder, generations kept (0 turns them off), hour.
YANKAO_BACKUP_DIR = env_str("YANKAO_BACKUP_DIR") or str(DATA_DIR / "backups")
YANKAO_BACKUP_KEEP = env_int("YANKAO_BACKUP_KEEP", 7)
YANKAO_BACKUP_HOUR = env_int("YANKAO_BACKUP_HOUR", 3)

YANKAO_MAX_UPLOAD_BYTES = env_int("YANKAO_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# Files imported from a web page run as background jobs (core.import) within these caps;
# `yankao import` on the command line has none.
YANKAO_IMPORT_MAX_BYTES = env_int("YANKAO_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
YANKAO_IMPORT_MAX_ROWS = env_int("YANKAO_IMPORT_MAX_ROWS", 50_000)
# Exports of records (core.export) run as jobs too, within these caps.
YANKAO_EXPORT_MAX_ROWS = env_int("YANKAO_EXPORT_MAX_ROWS", 200_000)
YANKAO_EXPORT_MAX_BYTES = env_int("YANKAO_EXPORT_MAX_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = YANKAO_MAX_UPLOAD_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A whole request (a form with several photos) may carry this much; larger ones are refused
# by their declared length before being read, and a file past YANKAO_MAX_UPLOAD_BYTES stops
# its upload as it arrives (yankao.core.uploads).
YANKAO_MAX_REQUEST_BYTES = env_int("YANKAO_MAX_REQUEST_BYTES", 6 * YANKAO_MAX_UPLOAD_BYTES)
FILE_UPLOAD_HANDLERS = [
    "yankao.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

if CONFIG.redis_url:
    # While Redis is out of reach (a restart, a failover) pages go on without the cache,
    # the rate limits count in each process, and jobs wait in the database (decision 0149).
    # A Redis that does not answer is given up on after these many seconds.
    _redis_timeouts = {"socket_connect_timeout": 1, "socket_timeout": 5}
    CACHES = {
        "default": {
            "BACKEND": "yankao.core.cache.ResilientRedisCache",
            "LOCATION": CONFIG.redis_url,
            "OPTIONS": {**_redis_timeouts},
        },
        "ratelimit": {
            "BACKEND": "yankao.core.cache.ResilientRedisCache",
            "LOCATION": CONFIG.redis_url,
            "OPTIONS": {**_redis_timeouts, "outage_fallback": "local"},
        },
    }
    RATELIMIT_USE_CACHE = "ratelimit"
    HUEY = {
        "huey_class": "yankao.core.queue.HoldingRedisHuey",
        "name": "yankao",
        "immediate": False,
        "connection": {"url": CONFIG.redis_url, "connection_options": _redis_timeouts},
    }
else:
    # A file cache is shared by the web workers and the job worker on one machine.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "yankao",
        "immediate": False,
        "filename": str(DATA_DIR / "huey.sqlite3"),
    }

# Mail: SMTP when YANKAO_EMAIL_HOST is set, otherwise each message is written to a file
# in the data folder's outbox, where an operator can read it.
if env_str("YANKAO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env_str("YANKAO_EMAIL_HOST")
    EMAIL_PORT = env_int("YANKAO_EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("YANKAO_EMAIL_USER")
    EMAIL_HOST_PASSWORD = env_str("YANKAO_EMAIL_PASSWORD")
    EMAIL_USE_TLS = True
    # A mail server that does not answer is given up on after this many seconds; the
    # notification is tried again later (decision 0150).
    EMAIL_TIMEOUT = env_int("YANKAO_EMAIL_TIMEOUT", 30)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")
DEFAULT_FROM_EMAIL = env_str("YANKAO_FROM_EMAIL", "yankao@localhost")

# Content-Security-Policy (decision 0031): scripts only from our own static files — no
# inline script, no on*= handler, no eval (templates are checked by
# core/tests/test_security.py). A <style> element needs the request's nonce
# (``nonce="{{ request.csp_nonce }}"``); style attributes stay allowed because the SVG
# charts vl-convert and Vega draw carry them. Images: ours, data: URIs, the map tiles.
_MAP_TILE_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(YANKAO_MAP_TILES)) if (
    urlsplit(YANKAO_MAP_TILES).netloc) else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", *([_MAP_TILE_ORIGIN] if _MAP_TILE_ORIGIN else [])],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# A staff session lasts a working day from sign-in, and ends sooner after an idle spell
# (yankao.core.middleware.SessionLimitMiddleware); the cookie never outlives the day.
YANKAO_SESSION_HOURS = env_int("YANKAO_SESSION_HOURS", 9)
YANKAO_SESSION_IDLE_MINUTES = env_int("YANKAO_SESSION_IDLE_MINUTES", 60)
SESSION_COOKIE_AGE = YANKAO_SESSION_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if YANKAO_PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 365 * 24 * 3600  # a year; subdomains are the city's to decide
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS]

# Client addresses for audit events and lockouts. Behind a proxy, set
# YANKAO_PROXY_COUNT to the number of proxies that append to X-Forwarded-For.
YANKAO_PROXY_COUNT = env_int("YANKAO_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "yankao.core.context.client_ip"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("YANKAO_LOG_LEVEL", "WARNING")},
    "loggers": {
        "yankao": {"level": env_str("YANKAO_LOG_LEVEL", "INFO"), "propagate": True},
        # With a handler configured here, huey's consumer does not add its own.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_CLASS = "yankao.core.api.pagination.BoundedLimitOffsetPagination"

# Django's own list (people's passwords: the first), then the hasher of secrets the server
# makes itself, such as a case's tracking password (decision 0133).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "yankao.core.hashers.ServerSecretHasher",
]

if CONFIG.testing:
    # Jobs run inline, and a fast hasher keeps sign-in tests quick. Never in production:
    # YANKAO_ENV has one value.
    HUEY["immediate"] = True
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher",
                        *PASSWORD_HASHERS]

# City data platform (SensorThings API): request rates of the public (per address) and of
# staff tokens; each API key carries its own rate (decision 0701).
CITYDATA_PUBLIC_RATE = env_str("YANKAO_STA_PUBLIC_RATE", "600/m")
CITYDATA_USER_RATE = env_str("YANKAO_STA_USER_RATE", "3000/m")
CITYDATA_MAX_EXPAND_DEPTH = env_int("YANKAO_STA_MAX_EXPAND_DEPTH", 3)
CITYDATA_READ_TIMEOUT_MS = env_int("YANKAO_STA_READ_TIMEOUT_MS", 10_000)
