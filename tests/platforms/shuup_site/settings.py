"""Django settings of the test Shuup shop: Shuup's own apps and theme (classic_gray), a sqlite
database and media under the test's folder (CXLINT_SHUUP_DIR), nothing sent anywhere.
"""

import os

DATA_DIR = os.environ["CXLINT_SHUUP_DIR"]
SECRET_KEY = "cxlint-test-shop"  # a throwaway shop on 127.0.0.1
MIRAGE_SECRET_KEY = "cxlint-test-shop-mirage-field-key"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(DATA_DIR, "shop.sqlite3"),
    }
}
MEDIA_ROOT = os.path.join(DATA_DIR, "media")
STATIC_ROOT = os.path.join(DATA_DIR, "static")
MEDIA_URL = "/media/"
STATIC_URL = "/static/"


class _NoMigrations:
    """Every app's tables made straight from its models (`migrate --run-syncdb`): Shuup's
    ~400 migrations take 90 s, the tables they end in a few."""

    def __contains__(self, app_label):
        return True

    def __getitem__(self, app_label):
        return None


MIGRATION_MODULES = _NoMigrations()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.messages",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "easy_thumbnails",
    "shuup.themes.classic_gray",
    "shuup.core",
    "shuup.admin",
    "shuup.default_tax",
    "shuup.front",
    "shuup.front.apps.auth",
    "shuup.front.apps.carousel",
    "shuup.front.apps.customer_information",
    "shuup.front.apps.personal_order_history",
    "shuup.front.apps.saved_carts",
    "shuup.front.apps.registration",
    "shuup.front.apps.simple_order_notification",
    "shuup.front.apps.simple_search",
    "shuup.front.apps.recently_viewed_products",
    "shuup.notify",
    "shuup.simple_cms",
    "shuup.customer_group_pricing",
    "shuup.campaigns",
    "shuup.simple_supplier",
    "shuup.utils",
    "shuup.xtheme",
    "shuup.regions",
    "shuup.gdpr",
    "shuup.tasks",
    "shuup.discounts",
    "bootstrap3",
    "django_countries",
    "django_jinja",
    "django_filters",
    "filer",
    "reversion",
    "registration",
    "rest_framework",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shuup.front.middleware.ProblemMiddleware",
    "shuup.core.middleware.ShuupMiddleware",
    "shuup.front.middleware.ShuupFrontMiddleware",
    "shuup.xtheme.middleware.XthemeMiddleware",
    "shuup.admin.middleware.ShuupAdminMiddleware",
]
ROOT_URLCONF = "urls"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English")]
PARLER_DEFAULT_LANGUAGE_CODE = "en"
PARLER_LANGUAGES = {None: [{"code": "en"}], "default": {"hide_untranslated": False}}
TIME_ZONE = "UTC"
USE_I18N = True
USE_L10N = True
USE_TZ = True

_CONTEXT_PROCESSORS = [
    "django.contrib.auth.context_processors.auth",
    "django.template.context_processors.i18n",
    "django.template.context_processors.media",
    "django.template.context_processors.static",
    "django.template.context_processors.request",
    "django.template.context_processors.tz",
    "django.contrib.messages.context_processors.messages",
]
TEMPLATES = [
    {
        "BACKEND": "django_jinja.backend.Jinja2",
        "APP_DIRS": True,
        "NAME": "jinja2",
        "OPTIONS": {
            "match_extension": ".jinja",
            "context_processors": _CONTEXT_PROCESSORS,
            "newstyle_gettext": True,
            "environment": "shuup.xtheme.engine.XthemeEnvironment",
        },
    },
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": _CONTEXT_PROCESSORS},
    },
]
LOGIN_URL = "/login/"
SESSION_SERIALIZER = "django.contrib.sessions.serializers.PickleSerializer"
SHUUP_PRICING_MODULE = "customer_group_pricing"
SHUUP_ERROR_PAGE_HANDLERS_SPEC = ["shuup.front.error_handlers:FrontPageErrorHandler"]
SHUUP_TELEMETRY_ENABLED = False  # Shuup would report to its makers' server
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEFAULT_FROM_EMAIL = "shop@example.com"
