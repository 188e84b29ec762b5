"""Before checking staging: does it let cxlint in?

Staging sites sit behind basic auth, a token or a preview cookie. Without them (or with
expired ones) every page answers 401 or 403, and a run would report one "page unreachable"
per page. One request for the home page first says it once, naming what to set.
"""

from __future__ import annotations

import asyncio

from cxlint import urls
from cxlint.errors import UsageError
from cxlint.fetch import Fetcher, FetchOptions
from cxlint.model import Campaign

REFUSED = {401: "401 Unauthorized", 403: "403 Forbidden"}


def require_access(campaign: Campaign, options: FetchOptions) -> None:
    """UsageError when the origin checked answers its home page with 401 or 403."""
    home = urls.origin(campaign.site.url) + "/"

    async def get() -> int | None:
        async with Fetcher(options) as fetcher:
            return (await fetcher.get(home)).status

    status = asyncio.run(get())
    if status not in REFUSED:
        return  # a site that cannot be reached at all is the run's own finding (exit 3)
    site = campaign.site
    answer = f"staging at {urls.redact(home)} answers {REFUSED[status]}"
    if not (site.headers or site.headers_for.get(urls.origin(home))):
        raise UsageError(
            f"{answer}: staging needs credentials; add them under site.staging as ${{VAR}}s, "
            'for example headers: {Authorization: "Bearer ${STAGING_TOKEN}"}, and set '
            "STAGING_TOKEN"
        )
    names = f"check {', '.join(site.staging_env)}" if site.staging_env else "check them"
    raise UsageError(f"{answer} to the credentials in site.staging: {names} (wrong or expired?)")
