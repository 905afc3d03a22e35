#!/usr/bin/env python3
"""libckpt quickstart: a vault, a checkpoint, and the checkpoint read back.

    CKPT_LIBRARY=build/lib/libckpt.so.1 PYTHONPATH=bindings/python \\
        python3 examples/quickstart.py [STORE_FILE]

STORE_FILE is the embedded backend's SQLite store; without it the store goes
into a temporary directory that is removed at the end.  Prints three JSON
documents on stdout (headings on stderr): the vault, the new checkpoint, and
the checkpoint queried back once it is available.
"""

from __future__ import annotations

import json
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any, Dict, List

import ckpt


def show(title: str, document: Dict[str, Any]) -> None:
    # Headings go to stderr so that stdout is a stream of JSON documents (jq reads it).
    print(f"# {title}", file=sys.stderr, flush=True)
    print(json.dumps(document, indent=2, sort_keys=True), flush=True)


def quickstart(store: str) -> None:
    with ckpt.Client(path=store) as client:
        server = {"id": str(uuid.uuid4()), "type": "OS::Nova::Server", "name": "web-1", "size": 40}
        vault = client.create_vault("quickstart", size_gb=100, resources=[server])
        show("vault", vault)

        created = client.create_checkpoint(vault["vault"]["id"], name="quickstart", incremental=False)
        show("checkpoint (just created)", created)

        checkpoint_id = created["checkpoint"]["id"]
        client.wait_checkpoint(checkpoint_id, timeout=60)
        queried = client.get_checkpoint(checkpoint_id)
        if queried["checkpoint"]["status"] != "available":
            raise SystemExit(f"quickstart: unexpected status {queried['checkpoint']['status']}")
        show("checkpoint (queried back)", queried)


def main(argv: List[str]) -> int:
    if len(argv) > 1:
        quickstart(argv[1])
    else:
        with tempfile.TemporaryDirectory(prefix="ckpt-quickstart-") as tmp:
            quickstart(str(Path(tmp) / "store.db"))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except ckpt.Error as e:
        print(f"quickstart: {e}", file=sys.stderr)
        sys.exit(1)
