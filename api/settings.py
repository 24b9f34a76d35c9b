"""Settings of the HTTP API, from arguments or the environment; nonsense fails fast."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated

from pydantic import field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from graphcrm.store import DEFAULT_DB

__all__ = ["Settings", "is_loopback", "LOOPBACK_NAMES"]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
"""The host names a server answers to by default (see ``Settings.allowed_hosts``)."""
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Settings(BaseSettings):
    """``GRAPHCRM_DB``, ``GRAPHCRM_AUTH``, ``GRAPHCRM_HOST``, ``GRAPHCRM_POLICY``, …"""

    model_config = SettingsConfigDict(env_prefix="GRAPHCRM_", extra="ignore")

    db: str = DEFAULT_DB
    auth: bool = True
    host: str = "127.0.0.1"
    policy: Path | None = None
    max_body_bytes: int = 50 * 1024 * 1024
    max_import_rows: int = 5_000_000  # records in one POST /import, all files together
    trust_proxy: bool = False
    """Behind a TLS-terminating reverse proxy: believe its ``X-Forwarded-Proto``
    (the sign-in cookie is then ``Secure`` when the proxy says https)."""
    allowed_hosts: Annotated[list[str], NoDecode] = []
    """Host names the server answers to (the ``Host`` header of a request), besides
    the loopback names and the address it listens on; ``GRAPHCRM_ALLOWED_HOSTS``
    separates them by commas; ``*`` answers to any name (only behind a proxy
    that checks it). Any other name is refused (400): a page on a name that an
    attacker points at this machine (DNS rebinding) gets nothing."""

    @field_validator("allowed_hosts", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return [h.strip() for h in value.split(",") if h.strip()] if isinstance(value, str) else value

    def host_names(self) -> frozenset[str]:
        """Every name a request may give as its ``Host`` (lower case, without port)."""
        names = {*LOOPBACK_NAMES, *(h.lower().strip("[]") for h in self.allowed_hosts)}
        if self.host not in WILDCARD_HOSTS:
            names.add(self.host.lower().strip("[]"))
        return frozenset(names)

    @model_validator(mode="after")
    def _auth_off_only_on_loopback(self) -> Settings:
        if not self.auth and not is_loopback(self.host):
            raise ValueError(f"--no-auth is allowed only on a loopback host, not {self.host!r}")
        return self
