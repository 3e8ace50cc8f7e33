"""Talking to a Learning Record Store: configuration and one POST of statements.

Configuration comes from ``<data dir>/xapi.toml`` and environment variables (which win):

    [lrs]                                   # MARROWSIM_LRS_ENDPOINT / _USERNAME / _PASSWORD
    endpoint = "https://lrs.example.org/data/xAPI"
    username = "key"
    password = "secret"
    timeout_s = 5

    [xapi]                                  # MARROWSIM_XAPI_IRI_BASE / MARROWSIM_XAPI_HOMEPAGE
    iri_base = "https://training.example.org/marrowsim"
    homepage = "https://training.example.org"
"""

from __future__ import annotations

import base64
import json
import tomllib
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sim.errors import InputError
from sim.xapi.statements import XAPI_VERSION

CONFIG_NAME = "xapi.toml"
DEFAULT_BASE = "https://marrowsim.invalid"
ENV = {
    "endpoint": "MARROWSIM_LRS_ENDPOINT",
    "username": "MARROWSIM_LRS_USERNAME",
    "password": "MARROWSIM_LRS_PASSWORD",
    "iri_base": "MARROWSIM_XAPI_IRI_BASE",
    "homepage": "MARROWSIM_XAPI_HOMEPAGE",
}
#: Statuses that will never succeed on a retry: the statements are set aside as rejected.
PERMANENT = (400, 409, 413)


@dataclass(frozen=True)
class LrsConfig:
    """Where statements go and what IRIs they use."""

    endpoint: str | None = None
    username: str | None = None
    password: str | None = None
    iri_base: str = DEFAULT_BASE
    homepage: str = DEFAULT_BASE
    timeout_s: float = 5.0

    @property
    def configured(self) -> bool:
        """True when an endpoint is set."""
        return bool(self.endpoint)

    @property
    def statements_url(self) -> str:
        """The endpoint's statements resource."""
        url = (self.endpoint or "").rstrip("/")
        return url if url.endswith("/statements") else url + "/statements"


def load_config(data_dir: Path, env: Mapping[str, str]) -> LrsConfig:
    """The LRS configuration from ``xapi.toml`` in the data dir, overridden by the env."""
    path = Path(data_dir) / CONFIG_NAME
    values: dict[str, object] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(f"cannot read xAPI configuration: {exc}", path=str(path)) from None
        for table in ("lrs", "xapi"):
            section = data.get(table, {})
            if not isinstance(section, dict):
                raise InputError("must be a table", path=str(path), field=table)
            values.update(section)
    for key, var in ENV.items():
        if env.get(var):
            values[key] = env[var]
    unknown = set(values) - set(LrsConfig.__dataclass_fields__)
    if unknown:
        raise InputError("unknown setting", path=str(path), field=sorted(unknown)[0])
    try:
        timeout = float(values.pop("timeout_s", 5.0))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError("must be a number", path=str(path), field="timeout_s") from None
    base = str(values.pop("iri_base", DEFAULT_BASE))
    homepage = str(values.pop("homepage", base))
    return LrsConfig(
        **{k: (None if v is None else str(v)) for k, v in values.items()},
        iri_base=base,
        homepage=homepage,
        timeout_s=timeout,
    )


class DeliveryError(Exception):
    """A POST that failed; ``permanent`` when resending the same statements cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


def post_statements(config: LrsConfig, statements: list[dict]) -> None:
    """POST statements as one JSON array; raises DeliveryError unless the LRS accepted them."""
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": XAPI_VERSION,
    }
    if config.username is not None or config.password is not None:
        token = f"{config.username or ''}:{config.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
    request = urllib.request.Request(
        config.statements_url,
        data=json.dumps(statements).encode("utf-8"),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout_s) as response:
            response.read()
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode("utf-8", "replace").strip().splitlines()
        message = f"HTTP {exc.code}" + (f": {detail[0]}" if detail else "")
        raise DeliveryError(message, permanent=exc.code in PERMANENT) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"LRS unreachable: {reason}") from None
    except ValueError as exc:  # not an http(s) URL
        raise InputError(f"bad LRS endpoint {config.statements_url!r}: {exc}") from None
