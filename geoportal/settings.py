"""One settings object, read from ``GEOPORTAL_*`` environment variables.

The defaults describe the embedded run: a private PostgreSQL cluster under ``var/``
reached over a Unix socket, serving on 127.0.0.1:8000. Setting ``GEOPORTAL_DATABASE_URL``
switches to an external database and skips the embedded cluster.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Roles(BaseSettings):
    """Database roles; the public reader may SELECT only in ``publish``."""

    model_config = SettingsConfigDict(env_prefix="GEOPORTAL_ROLE_")

    owner: str = "geoportal_owner"
    app: str = "geoportal_app"
    public: str = "geoportal_public"
    staff: str = "geoportal_staff"


class Settings(BaseSettings):
    """Runtime configuration of one geoportal instance."""

    model_config = SettingsConfigDict(env_prefix="GEOPORTAL_")

    var_dir: Path = PROJECT_ROOT / "var"
    site_file: Path = PROJECT_ROOT / "site.yaml"  # the county: geoportal/site.py
    layers_dir: Path = PROJECT_ROOT / "layers"
    config_dir: Path = PROJECT_ROOT  # generated engine configurations, where users look
    run_dir: Path | None = None  # generated run-time files; default var/run
    tile_cache_dir: Path | None = None  # MapProxy's file cache; default var/cache
    database_url: str | None = None  # external database: migration-owner URL
    database_name: str = "geoportal"
    pg_port: int = 5432  # port number of the embedded cluster's socket file
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None  # as clients see us; default http://host:port
    # Reverse proxies in front (nginx: `geoportal front nginx`) whose X-Forwarded-For and
    # -Proto are believed; 0 ignores both, so a client cannot pose as another address.
    proxies: int = Field(default=0, ge=0, le=4)
    workers: int = 2
    threads: int = 16  # requests waiting on renders or the database hold a thread, not a core
    render_processes: int = 2  # MapServer render processes per web worker
    render_queue_s: float = 2.0  # how long a render waits for a free process, then 503
    render_deadline_s: float = 60.0  # a render running longer is killed
    statement_timeout_ms: int = 15000  # every role that serves requests
    load_statement_timeout_ms: int = 1_800_000  # the owner: migrations and county-scale loads
    pg_durable: bool = True  # fsync and full page writes; only test clusters turn them off
    demo_parcels: int = 10_000
    demo_seed: int = 1003
    roles: Roles = Field(default_factory=Roles)
    # Issued documents (geoportal/documents): where the signed PDFs are kept, and the
    # office's signing key and certificate (PEM) with the chain to its CA. Unset: a
    # self-signed development CA and certificate are made under var/pki on first use.
    documents_dir: Path | None = None  # default var/documents
    signing_key: Path | None = None
    signing_cert: Path | None = None
    signing_chain: Path | None = None  # the CA certificate(s), PEM
    signing_key_passphrase: str | None = None
    # Outgoing mail of the job worker (notifications): plain SMTP to the office's relay.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 25
    mail_from: str = "geoportal@localhost"
    job_concurrency: int = 1  # jobs the background worker runs at once
    # The office's document management system (EZD): a URL told of every step of every
    # case, and the secret the messages are signed with (HMAC-SHA256). Unset: not sent.
    ezd_webhook_url: str | None = None
    ezd_webhook_secret: str | None = None

    @property
    def embedded(self) -> bool:
        """True when the geoportal runs its own PostgreSQL cluster under ``var/``."""
        return self.database_url is None

    @property
    def base_url(self) -> str:
        """Absolute URL of the application root, never taken from request headers."""
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def raster_dir(self) -> Path:
        """Cloud-Optimised GeoTIFFs the raster services read (``geoportal etl raster``)."""
        return self.var_dir / "rasters"

    @property
    def issued_dir(self) -> Path:
        """Signed PDFs of the documents the office issued (never served as files)."""
        return self.documents_dir or self.var_dir / "documents"

    @property
    def attachments_dir(self) -> Path:
        """Files attached to requests, under names only the instance can derive."""
        return self.var_dir / "attachments"

    @property
    def pki_dir(self) -> Path:
        """The development CA and signing certificate, made on first use (never committed)."""
        return self.var_dir / "pki"

    @property
    def cache_dir(self) -> Path:
        """Tile cache of MapProxy."""
        return self.tile_cache_dir or self.var_dir / "cache"

    @property
    def runtime_dir(self) -> Path:
        """Generated run-time files (service file, patched engine configs)."""
        return self.run_dir or self.var_dir / "run"

    def environment(self) -> dict[str, str]:
        """These settings as ``GEOPORTAL_*`` variables, for a child process (gunicorn)."""
        env = {}
        for name, value in self.model_dump(exclude={"roles"}).items():
            if value is not None:
                env[f"GEOPORTAL_{name.upper()}"] = str(value)
        for name, value in self.roles.model_dump().items():
            env[f"GEOPORTAL_ROLE_{name.upper()}"] = value
        env["GEOPORTAL_PUBLIC_URL"] = self.base_url
        return env
