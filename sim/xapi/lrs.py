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
from sim.i18n import _
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
#: Statuses that will never succeed on a retry of the same request: a batch is split to find
#: the statement the LRS objects to, and a single statement is set aside as rejected.  422 is
#: what Ralph (FastAPI) answers for a statement its models refuse.
PERMANENT = (400, 413, 422)
#: "An id the LRS already has": ids are uuid5 of (attempt, index), made only by Marrowsim, so
#: the LRS holds this statement from an earlier send (whose answer was lost): delivered.
CONFLICT = 409


def check_endpoint(url: str, *, where: str | None = None) -> str:
    """The endpoint, or one InputError line when it is not an http(s) URL with a host."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for a bad port)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or any(c.isspace() or ord(c) < 32 for c in url):
        raise InputError(
            _("LRS endpoint {url!r} is not an http(s) URL with a host").format(url=url),
            path=where,
            field="endpoint",
        )
    return url


def check_iri_base(base: str, *, where: str | None = None, field: str = "iri_base") -> str:
    """An IRI base for delivery: http(s) with a host, not the placeholder default."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(base)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok or any(c.isspace() or ord(c) < 32 for c in base):
        message = _("{iri!r} is not an http(s) IRI with a host").format(iri=base)
        raise InputError(message, path=where, field=field)
    if parts.hostname.endswith(".invalid") or parts.hostname == "invalid":
        raise InputError(
            _(
                "{iri!r} is a placeholder: set the centre's own IRI base before anything is"
                " delivered (python -m sim instructor lrs set --iri-base URL)"
            ).format(iri=base),
            path=where,
            field=field,
        )
    return base


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

    def check_deliverable(self) -> None:
        """Raise one InputError line unless statements may be queued for and sent to the LRS:
        a well-formed endpoint and a real (not placeholder) IRI base and homepage."""
        check_endpoint(self.endpoint or "")
        check_iri_base(self.iri_base)
        check_iri_base(self.homepage, field="homepage")

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
            data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
        except RecursionError:
            raise InputError(_("xAPI configuration nested too deeply"), path=str(path)) from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            message = _("cannot read xAPI configuration: {error}").format(error=exc)
            raise InputError(message, path=str(path)) from None
        for table in ("lrs", "xapi"):
            section = data.get(table, {})
            if not isinstance(section, dict):
                raise InputError(_("must be a table"), path=str(path), field=table)
            values.update(section)
    for key, var in ENV.items():
        if env.get(var):
            values[key] = env[var]
    unknown = set(values) - set(LrsConfig.__dataclass_fields__)
    if unknown:
        raise InputError(_("unknown setting"), path=str(path), field=sorted(unknown)[0])
    try:
        timeout = float(values.pop("timeout_s", 5.0))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InputError(_("must be a number"), path=str(path), field="timeout_s") from None
    base = str(values.pop("iri_base", DEFAULT_BASE))
    homepage = str(values.pop("homepage", base))
    if values.get("endpoint"):
        source = ENV["endpoint"] if env.get(ENV["endpoint"]) else str(path)
        check_endpoint(str(values["endpoint"]), where=source)
    return LrsConfig(
        **{k: (None if v is None else str(v)) for k, v in values.items()},
        iri_base=base,
        homepage=homepage,
        timeout_s=timeout,
    )


class DeliveryError(Exception):
    """A POST that failed; ``permanent`` when resending the same statements cannot help."""

    def __init__(self, message: str, *, permanent: bool = False, status: int = 0) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.status = status


def _headers(config: LrsConfig) -> dict[str, str]:
    headers = {
        "Content-Type": "application/json",
        "X-Experience-API-Version": XAPI_VERSION,
    }
    if config.username is not None or config.password is not None:
        token = f"{config.username or ''}:{config.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(token).decode("ascii")
    return headers


def post_statements(config: LrsConfig, statements: list[dict]) -> None:
    """POST statements as one JSON array; raises DeliveryError unless the LRS accepted them."""
    headers = _headers(config)
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
        raise DeliveryError(
            message, permanent=exc.code in PERMANENT or exc.code == CONFLICT, status=exc.code
        ) from None
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryError(f"LRS unreachable: {reason}") from None
    except ValueError as exc:  # not an http(s) URL
        message = _("bad LRS endpoint {url!r}: {error}").format(
            url=config.statements_url, error=exc
        )
        raise InputError(message) from None


#: At most this many pages are read from the LRS by ``get_statements`` (a bounded loop).
MAX_PAGES = 10_000


def get_statements(config: LrsConfig, params: Mapping[str, str] | None = None):
    """Yield every statement the LRS returns for a GET of the statements resource, following
    ``more`` links (at most ``MAX_PAGES`` pages); DeliveryError when the LRS cannot be read."""
    from urllib.parse import urlencode, urljoin

    url = config.statements_url + ("?" + urlencode(dict(params)) if params else "")
    for _page in range(MAX_PAGES):
        request = urllib.request.Request(url, headers=_headers(config), method="GET")
        try:
            with urllib.request.urlopen(request, timeout=config.timeout_s) as response:
                page = json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise DeliveryError(f"HTTP {exc.code} reading the LRS", status=exc.code) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(f"LRS unreachable: {reason}") from None
        except ValueError as exc:
            raise DeliveryError(f"the LRS answered with something other than JSON: {exc}") from None
        yield from page.get("statements", [])
        more = page.get("more")
        if not more:
            return
        url = urljoin(config.statements_url, more)
    raise DeliveryError(f"more than {MAX_PAGES} pages of statements")


def _toml_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=True)  # a JSON string is a TOML basic string


def save_config(data_dir: Path, config: LrsConfig) -> Path:
    """Write ``xapi.toml`` (replacing it atomically) with the configuration's values."""
    path = Path(data_dir) / CONFIG_NAME
    lines = ["# Marrowsim LRS settings (python -m sim instructor lrs set)", "[lrs]"]
    for key in ("endpoint", "username", "password"):
        value = getattr(config, key)
        if value is not None:
            lines.append(f"{key} = {_toml_string(value)}")
    lines += [f"timeout_s = {float(config.timeout_s)!r}", "", "[xapi]"]
    lines.append(f"iri_base = {_toml_string(config.iri_base)}")
    lines.append(f"homepage = {_toml_string(config.homepage)}")
    tmp = path.with_name(path.name + ".tmp")
    try:
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
        if config.password:
            tmp.chmod(0o600)
        tmp.replace(path)
    except OSError as exc:
        message = _("cannot write xAPI configuration: {error}").format(error=exc)
        raise InputError(message, path=str(path)) from None
    return path
