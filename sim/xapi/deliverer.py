"""Delivering the queue in the background: the trainer window's link to the LRS.

``Deliverer(data_dir).start()`` starts one daemon thread that opens its own connection to the
records database (an SQLite connection belongs to one thread) and flushes the queue:

* at start-up, at once (what earlier sessions left queued);
* then whenever statements are queued (it looks every ``poll_s`` seconds: one cheap count);
* after a failure (LRS unreachable, 5xx, 401, a bad configuration) it waits ``first_retry_s``,
  then twice that, and so on up to ``max_retry_s`` (exponential backoff), so a station without
  network neither spins nor floods the LRS;
* ``stop()`` wakes it for one last flush (what is queued at exit) and waits at most
  ``timeout`` seconds for it; the network timeout bounds each request.

Nothing here runs in the caller's thread except setting two events, so the window's frame loop
never waits on the network.  ``state`` is a one-line description for the window or a test.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from pathlib import Path

from sim.errors import InputError


class Deliverer:
    """A background thread that delivers the station's queued xAPI statements."""

    def __init__(
        self,
        data_dir: Path | str | None = None,
        env: Mapping[str, str] | None = None,
        *,
        poll_s: float = 5.0,
        first_retry_s: float = 5.0,
        max_retry_s: float = 300.0,
    ) -> None:
        self.env = os.environ if env is None else env
        self.data_dir = data_dir
        self.poll_s = poll_s
        self.first_retry_s = first_retry_s
        self.max_retry_s = max_retry_s
        self.state = "not started"
        self.sent = 0
        self.failures = 0  # consecutive failed flushes (the backoff's exponent)
        self.flushes = 0
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    # ---------------------------------------------------------------- caller's side
    def start(self) -> Deliverer:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="xapi-deliverer", daemon=True)
            self._thread.start()
        return self

    def poke(self) -> None:
        """Look at the queue now (e.g. an attempt was just stored)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> bool:
        """One last flush, then end the thread; True when it ended within ``timeout``."""
        self._stopping.set()
        self._wake.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ---------------------------------------------------------------- the thread
    def next_wait(self, ok: bool) -> float:
        """Seconds until the next look: ``poll_s`` after a success, else the backoff."""
        if ok:
            return self.poll_s
        return min(self.max_retry_s, self.first_retry_s * 2 ** max(0, self.failures - 1))

    def _run(self) -> None:
        wait = 0.0  # at start-up: at once
        while True:
            self._wake.wait(wait)
            self._wake.clear()
            stopping = self._stopping.is_set()
            ok = self._flush_once()
            if stopping:
                return
            self.failures = 0 if ok else self.failures + 1
            wait = self.next_wait(ok)

    def _flush_once(self) -> bool:
        """One look at the queue and, when something waits, one flush; False on a failure."""
        from sim.records import RecordStore, default_data_dir
        from sim.records.paths import db_path
        from sim.xapi.lrs import load_config
        from sim.xapi.queue import counts, flush

        try:
            where = Path(self.data_dir) if self.data_dir else default_data_dir(self.env)
            if not db_path(where).exists():
                self.state = "no records yet"
                return True
            config = load_config(where, self.env)
            if not config.configured:
                self.state = "no LRS configured"
                return True
            with RecordStore.open(where) as store:
                if counts(store)["queued"] == 0:
                    self.state = "nothing queued"
                    return True
                report = flush(store, config)
            self.flushes += 1
            self.sent += report.sent
            self.state = f"xAPI: {report}"
            return not report.remaining
        except InputError as exc:
            self.state = f"xAPI not delivered: {exc}"
        except Exception as exc:  # a thread must not die on a database or network surprise
            self.state = f"xAPI not delivered: {type(exc).__name__}: {exc}"
        return False
