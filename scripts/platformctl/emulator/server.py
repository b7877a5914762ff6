"""Process entry point of the embedded emulator: moto's WSGI app behind `CompatMiddleware`.

Run as `python -m platformctl.emulator.server --host 127.0.0.1 --port 5000`; `platformctl emulator
start` does that in the background and manages the pidfile.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from platformctl.emulator import s3_transport_conditions
from platformctl.emulator.compat import CompatMiddleware
from platformctl.emulator.firehose_delivery import FirehoseIcebergEngine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    # AWS-managed policies (e.g. AmazonAPIGatewayPushToCloudWatchLogs) must exist to be attached.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    s3_transport_conditions.install()
    engine = FirehoseIcebergEngine(f"http://{args.host}:{args.port}")
    app = CompatMiddleware(DomainDispatcherApplication(create_backend_app), firehose=engine)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)

    def stop(_signum: int, _frame: object) -> None:
        # shutdown() waits for serve_forever() to return, which runs on this (the main) thread.
        threading.Thread(target=server.shutdown, name="shutdown").start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    engine.start()
    try:
        server.serve_forever()
    finally:
        server.server_close()
        if not engine.close():
            print("firehose: the flusher did not stop within 10 s (a delivery was still running)", file=sys.stderr)


if __name__ == "__main__":
    main()
