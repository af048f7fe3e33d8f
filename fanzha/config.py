"""One place for settings, read from the environment (prefix ``FANZHA_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FANZHA_", env_file=".env", extra="ignore")

    environment: str = "development"
    # A plain string so that both sqlite:/// and postgresql+psycopg:// URLs work.
    database_url: str = f"sqlite:///{REPO_ROOT / 'var' / 'fanzha.db'}"
    # Research corpora (never committed): read-only, beside the repository by default.
    data_dir: Path = REPO_ROOT.parent / "shared" / "data"
    # Extra rule folders, separated by os.pathsep; loaded after the packaged rules.
    rules_dirs: str = ""
    model_path: Path = PACKAGE_DIR / "screen" / "model" / "fanzha-model.npz"
    secret_key: str = "dev-insecure-secret-change-me"
    token_ttl_minutes: int = 8 * 60
    session_ttl_minutes: int = 30
    public_rate_limit_per_minute: int = 30
    # Anonymous calls of the stateless API checks (screen, indicator check); callers with a token are not limited.
    public_api_rate_limit_per_minute: int = 120
    public_api_max_batch: int = 100
    max_text_chars: int = 100_000

    def check_production(self) -> None:
        """Refuse the development secret outside development."""
        if self.environment != "development" and self.secret_key.startswith("dev-insecure"):
            raise ValueError("FANZHA_SECRET_KEY must be set outside development")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
