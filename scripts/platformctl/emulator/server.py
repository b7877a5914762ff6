"""Process entry point of the embedded emulator: moto's WSGI app behind `CompatMiddleware`.

Run as `python -m platformctl.emulator.server --host 127.0.0.1 --port 5000`; `platformctl emulator
start` does that in the background and manages the pidfile.
"""

from __future__ import annotations

import argparse
import os

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from platformctl.emulator.compat import CompatMiddleware
from platformctl.emulator.firehose_delivery import FirehoseIcebergEngine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    # AWS-managed policies (e.g. AmazonAPIGatewayPushToCloudWatchLogs) must exist to be attached.
    os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    engine = FirehoseIcebergEngine(f"http://{args.host}:{args.port}")
    app = CompatMiddleware(DomainDispatcherApplication(create_backend_app), firehose=engine)
    server = make_server(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    server.serve_forever()


if __name__ == "__main__":
    main()
