"""Settings of the test Wagtail site: as small as a working Wagtail site can be.

The database is a throwaway sqlite file (CXLINT_WAGTAIL_DB) and search is Wagtail's built-in
database backend, so the site needs nothing but the packages of the `test` extra.
"""

import os
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "cxlint-test-site-not-secret"  # noqa: S105 - a local test site, never deployed
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

# Wagtail's core, its search and what they need: no admin, images or documents (the test
# site is built by a management command, and fewer apps keep `migrate` quick).
INSTALLED_APPS = [
    "catalog",
    "wagtail.search",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
]

MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]

ROOT_URLCONF = "shop.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"],
        },
    },
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("CXLINT_WAGTAIL_DB", str(SITE_DIR / "db.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

USE_TZ = True
TIME_ZONE = "UTC"
STATIC_URL = "/static/"
MEDIA_ROOT = os.environ.get("CXLINT_WAGTAIL_MEDIA", str(SITE_DIR / "media"))
MEDIA_URL = "/media/"

WAGTAIL_SITE_NAME = "Nimbus Mobile"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
