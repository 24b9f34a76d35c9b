"""Settings of the HTTP API, from arguments or the environment; nonsense fails fast."""

from __future__ import annotations

import ipaddress
from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graphcrm.store import DEFAULT_DB

__all__ = ["Settings", "is_loopback"]


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

    @model_validator(mode="after")
    def _auth_off_only_on_loopback(self) -> Settings:
        if not self.auth and not is_loopback(self.host):
            raise ValueError(f"--no-auth is allowed only on a loopback host, not {self.host!r}")
        return self
