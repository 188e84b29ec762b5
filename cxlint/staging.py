"""What to tell the user when the site turns cxlint away (401, 403): which credentials to set.

Staging sites sit behind basic auth, a token or a preview cookie. Without them (or with
expired ones) every page answers 401 or 403; the run then reports it once, as the site's own
finding (cxlint/outage.py, rule site-unreachable), with this advice as its fix, instead of one
"page unreachable" per page.
"""

from __future__ import annotations

from cxlint import urls
from cxlint.model import Site


def credentials_advice(site: Site, status: int) -> str:
    """The fix for a site that answers `status` (401, 403) to every page asked for, naming
    the environment variables the manifest's credentials come from (never their values)."""
    if status not in (401, 403, 407):
        return ""
    if not (site.headers or site.headers_for.get(urls.origin(site.url))):
        return (
            "The site needs credentials: add them to the manifest as ${VAR}s, under "
            'site.staging for a staging site (for example headers: {Authorization: "Bearer '
            '${STAGING_TOKEN}"} or basic_auth: {user: preview, password: "${STAGING_PASSWORD}"}), '
            "set the variable, and run cxlint again. If the site lets in only some addresses or "
            "browsers, ask for this machine to be let in."
        )
    names = ", ".join(site.staging_env) if site.staging_env else "the credentials in the manifest"
    return (
        f"The site turned down the credentials it was given: check {names} (wrong or "
        "expired?), and that they are for this site. Then run cxlint again."
    )
