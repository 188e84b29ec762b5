"""cxlint: checks that a site keeps every promise a marketing campaign makes."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/cxlint/cxlint"
