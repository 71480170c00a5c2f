"""moto's server, as the functions' tests (and anyone else's) run it.

Usage: python moto_serve.py HOST PORT

Two differences from `moto_server`, both needed for honest tests:

* Requests are applied one at a time. moto's threaded server runs requests concurrently
  without a lock, and its TransactWriteItems snapshots and restores whole tables around each
  transaction, so two concurrent transactions can undo each other's writes: exactly the
  oversell a concurrency test looks for, caused by the emulator. DynamoDB applies each request
  atomically; serialising requests gives the emulator that property. Connections are still
  accepted concurrently (threaded server), so clients really race.
* The server exits when its standard input closes, i.e. when the test process that started
  it exits, however it exits. No orphaned servers, no held ports.
"""

import os
import sys
import threading

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    os.environ.setdefault("MOTO_PORT", str(port))
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            return list(app(environ, start_response))

    def exit_with_parent() -> None:
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=exit_with_parent, daemon=True).start()
    run_simple(
        host,
        port,
        serialised,
        threaded=True,
        request_handler=MotoRequestHandler,
    )


if __name__ == "__main__":
    main()
