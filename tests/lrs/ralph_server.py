"""Start Ralph (``ralph-malph`` 5.1.0, the open-source LRS of France Université Numérique) on
127.0.0.1 with its filesystem backend: ``python tests/lrs/ralph_server.py PORT DIR USER PASS``.

Ralph 5.1.0's filesystem LRS backend writes every POST with the operation type CREATE, which
refuses to write to a file that exists: only the first POST is ever stored (every later one is
a 500).  The same holds for 4.x; 3.x has no filesystem LRS backend at all.  So this launcher
makes APPEND the backend's default operation type, the one change needed for a working
server with no database service (the backend's reads and the API are Ralph's own, untouched).
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    port, folder, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    import bcrypt

    auth = os.path.join(folder, "auth.json")
    with open(auth, "w", encoding="utf-8") as f:
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()
        json.dump(
            [
                {
                    "agent": {"mbox": "mailto:station@example.org"},
                    "scopes": ["all"],
                    "username": user,
                    "hash": hashed,
                }
            ],
            f,
        )
    os.environ.update(
        {
            "RALPH_AUTH_FILE": auth,
            "RALPH_APP_DIR": folder,
            "RALPH_RUNSERVER_BACKEND": "fs",
            "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": folder,
            "RALPH_BACKENDS__DATA__FS__DEFAULT_DIRECTORY_PATH": folder,
        }
    )
    from ralph.backends.data.base import BaseOperationType
    from ralph.backends.lrs.fs import FSLRSBackend

    FSLRSBackend.default_operation_type = BaseOperationType.APPEND
    import uvicorn

    uvicorn.run("ralph.api:app", host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
