"""`${VAR}` in a manifest: filled in from the environment, and the values never to show.

A manifest keeps credentials out of the file by naming environment variables
(`Authorization: Bearer ${STAGING_TOKEN}`). Filling them in is where cxlint learns which
values are secrets, which every report later masks, so the two are decided together here:
a value is secret when it is sent as a header or a staging credential, when its variable is
named like a credential, or when it lands in a URL's password or a secret-looking query
parameter. Problems are collected (not raised) so the builder can report the first in the
file; `$${X}` is a literal `${X}`.

Part of the builder's layer: it reads `yaml_positions`' Source and the wording of
`schema_errors`, and knows nothing of the campaign being built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from cxlint import urls
from cxlint.errors import UsageError
from cxlint.manifest.schema_errors import too_long
from cxlint.manifest.yaml_positions import JsonPath, Source, short
from cxlint.model import Location

# The schema bounds each value as written (maxLength); a ${VAR} can make it longer, up to what
# the environment holds. Expanded, no value may pass the longest bound of all (URLs, headers).
MAX_EXPANDED = 8192

_VAR = re.compile(r"\$(\$?)\{([^{}]*)\}")
_VAR_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _secret_name(name: str) -> bool:
    """Named like a credential (token, key, sig, password, auth, ...): the same test that
    urls.redact applies to query parameter names."""
    probe = f"?{name}=x"
    return urls.redact(probe) != probe


class Variables:
    """Expands `${VAR}`s in a manifest's data, collecting errors and secret values."""

    def __init__(self, src: Source, env: Mapping[str, str]) -> None:
        self.src = src
        self.env = env
        self.errors: list[UsageError] = []
        self.secrets: list[str] = []
        self.staging_env: list[str] = []  # ${VAR}s of site.staging's credentials

    def error(self, message: str, location: Location) -> None:
        self.errors.append(UsageError(message, location))

    def secret(self, value: str) -> None:
        if value and value not in self.secrets:
            self.secrets.append(value)

    def expand(self, value: Any, path: JsonPath) -> Any:
        if isinstance(value, dict):
            return {k: self.expand(v, (*path, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.expand(v, (*path, i)) for i, v in enumerate(value)]
        if isinstance(value, str) and "${" in value:
            used: list[tuple[str, str, str]] = []  # (placeholder, name, value) per ${VAR}
            template = _VAR.sub(lambda m: self._variable(m, path, used), value)
            for placeholder, name, expanded in used:
                if self._is_secret(template, placeholder, name, path):
                    self.secret(expanded)
                template = template.replace(placeholder, expanded)
            if len(template) > MAX_EXPANDED:
                when = " once its ${VAR}s are filled in"
                self.error(too_long(path, len(template), MAX_EXPANDED, when), self.src.at(path))
            return template
        return value

    @staticmethod
    def _is_secret(template: str, placeholder: str, name: str, path: JsonPath) -> bool:
        """Whether a ${VAR}'s value must never be shown: it is sent as a header, it is named
        like a credential (STAGING_TOKEN), or it is a URL's password or the value of a query
        parameter named like one (?api_key=). Not every expansion: a masked ${SITE_URL} or
        ${MODEL} would blank out every URL or product name in the report."""
        if path[:2] in (("site", "headers"), ("site", "headers_for")) or _secret_name(name):
            return True
        if path[:2] == ("site", "staging") and path[2:3] != ("url",):
            return True
        return placeholder not in urls.redact(template)  # redact() drops exactly those

    def _variable(
        self, match: re.Match[str], path: JsonPath, used: list[tuple[str, str, str]]
    ) -> str:
        escaped, name = match.group(1), match.group(2)
        if escaped:  # $${X} is a literal ${X}
            return "${" + name + "}"
        if not _VAR_NAME.fullmatch(name):
            self.error(
                f"'${{{short(name)}}}' is not a valid environment variable reference; "
                "use ${NAME} with letters, digits and _",
                self.src.at(path),
            )
            return match.group(0)
        if name not in self.env:
            self.error(f"environment variable {name} is not set", self.src.at(path))
            return match.group(0)
        placeholder = f"\x00{len(used)}\x00"  # NUL cannot be written in YAML
        used.append((placeholder, name, self.env[name]))
        if path[:2] == ("site", "staging") and path[2:3] != ("url",):
            self.staging_env.append(name)
        return placeholder
