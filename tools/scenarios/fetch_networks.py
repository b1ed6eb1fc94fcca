#!/usr/bin/env python3
"""Fetches the held-out networks (bwscen.networks.HELDOUT) into their folder.

    python3 tools/scenarios/fetch_networks.py            # into ~/.cache/burstwatch/networks
    BURSTWATCH_HELDOUT_NETWORKS=DIR python3 tools/scenarios/fetch_networks.py

They come from the EPyT wheel on PyPI (its network collection), downloaded without its
dependencies and opened as the zip file it is: nothing is installed."""

from __future__ import annotations

import glob
import os
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bwscen import networks  # noqa: E402

EPYT = "epyt==2.3.5.3"


def main() -> int:
    os.makedirs(networks.HELDOUT_FOLDER, exist_ok=True)
    missing = [name for name in networks.HELDOUT if not os.path.isfile(networks.heldout_path(name))]
    if not missing:
        print(f"fetch_networks: all {len(networks.HELDOUT)} in {networks.HELDOUT_FOLDER}")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run([sys.executable, "-m", "pip", "download", EPYT, "--no-deps", "--quiet", "-d", folder],
                       check=True)
        wheel = glob.glob(os.path.join(folder, "*.whl"))[0]
        with zipfile.ZipFile(wheel) as archive:
            for name in missing:
                member = "epyt/networks/" + networks.HELDOUT[name][0]
                with archive.open(member) as source, open(networks.heldout_path(name), "wb") as target:
                    target.write(source.read())
                print(f"fetch_networks: {name} -> {networks.heldout_path(name)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
