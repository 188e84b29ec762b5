"""Serve the test Wagtail site on 127.0.0.1 from a fresh database.

    python tests/wagtail_site/serve.py [PORT]

Migrates the sqlite database named by CXLINT_WAGTAIL_DB (default: a file beside this one),
creates the product pages, then serves with a small threaded WSGI server and prints
`READY http://127.0.0.1:PORT` once the port is bound (port 0, the default, picks a free one).
"""

import os
import sys
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

SITE_DIR = Path(__file__).resolve().parent


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the signature of the base class
        """The test's output is cxlint's; no access log."""


def main() -> None:
    sys.path.insert(0, str(SITE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop.settings")
    import django
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_products", verbosity=0)
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    server = make_server(
        "127.0.0.1", port, get_wsgi_application(), server_class=_Server, handler_class=_QuietHandler
    )
    from wagtail.models import Site

    # Full URLs (canonical links) name the address the site is served on.
    Site.objects.update(hostname="127.0.0.1", port=server.server_address[1])
    print(f"READY http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
