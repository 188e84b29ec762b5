"""robots.txt as a page fact: the parsed rules, and which crawlers it names by name.

The fetcher obeys robots.txt for cxlint itself; rules also need to know what it says to
the crawlers that matter for a campaign (Googlebot, AdsBot-Google, Storebot-Google), and
some of them (AdsBot) obey only the groups that name them, never `User-agent: *`.
"""

from __future__ import annotations

from dataclasses import dataclass

from protego import Protego


@dataclass(frozen=True)
class Robots:
    text: str | None  # None: the site has no robots.txt (everything is allowed)
    parsed: Protego | None
    agents: frozenset[str]  # the user-agent tokens it names, lower-cased ("*" included)

    def names(self, crawler: str) -> bool:
        """Whether a group of robots.txt is written for `crawler` (or a prefix of its name)."""
        token = crawler.lower()
        return any(agent != "*" and agent in token for agent in self.agents)

    def allows(self, url: str, crawler: str) -> bool:
        return self.parsed is None or self.parsed.can_fetch(url, crawler)


def robots_facts(text: str | None) -> Robots:
    if text is None:
        return Robots(None, None, frozenset())
    try:
        parsed: Protego | None = Protego.parse(text)
    except Exception:  # noqa: BLE001 - a robots.txt that cannot be read restricts nothing
        parsed = None
    agents = set()
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip().lower() == "user-agent":
            agent = value.split("#", 1)[0].strip().lower()
            if agent:
                agents.add(agent)
    return Robots(text, parsed, frozenset(agents))
