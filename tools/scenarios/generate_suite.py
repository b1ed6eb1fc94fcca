#!/usr/bin/env python3
"""Generates the scenarios listed in suite.json (beside this file) into one folder.

    python3 tools/scenarios/generate_suite.py --out /tmp/bw-suite --jobs 2
    python3 tools/scenarios/generate_suite.py --out /tmp/bw-suite --only net3-b01 ky4-n01
    python3 tools/scenarios/generate_suite.py --list

Each entry gives a scenario's name, network and seed, and any generator option by its
ScenarioConfig field name (burst, burst_size_pct, burst_duration_h, after_days,
flow_unit, pressure_unit, pressure_loggers, ...); `band` is a label only. The output is
the same on every run: `burstwatch eval` reads the folder as a suite."""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import gzip
import json
import os
import subprocess
import sys
import tarfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bwscen.scenario import ScenarioConfig, generate  # noqa: E402

SUITE_FILE = os.path.join(HERE, "suite.json")
LABELS = {"name", "band", "note"}


def load_suite(path: str = SUITE_FILE) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        suite = json.load(handle)
    defaults = suite.get("defaults", {})
    entries = [{**defaults, **entry} for entry in suite["scenarios"]]
    names = [entry["name"] for entry in entries]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ValueError(f"{path}: duplicate scenario names {sorted(duplicates)}")
    fields = {f.name for f in dataclasses.fields(ScenarioConfig)}
    for entry in entries:
        unknown = set(entry) - fields - LABELS
        if unknown:
            raise ValueError(f"{path}: scenario {entry['name']}: unknown keys {sorted(unknown)}")
    return entries


def config_for(entry: dict, out_root: str) -> ScenarioConfig:
    options = {k: v for k, v in entry.items() if k not in LABELS}
    if isinstance(options.get("flow_noise_pct"), list):
        options["flow_noise_pct"] = tuple(options["flow_noise_pct"])
    return ScenarioConfig(out=os.path.join(out_root, entry["name"]), name=entry["name"], **options)


def pack(folder: str) -> str:
    """`<folder>.tar.gz` holding `<name>/...` like the development scenarios, with sorted
    members and no timestamp in the gzip header, so packing is reproducible too; the
    folder is removed."""
    root, name = os.path.split(folder.rstrip("/"))
    target = os.path.join(root, name + ".tar.gz")
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as zipped, \
            tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for directory, subfolders, files in os.walk(folder):
            subfolders.sort()
            relative = os.path.relpath(directory, root)
            tar.add(directory, arcname=relative, recursive=False, filter=_owned_by_root)
            for file_name in sorted(files):
                tar.add(os.path.join(directory, file_name), arcname=os.path.join(relative, file_name),
                        filter=_owned_by_root)
    subprocess.run(["rm", "-rf", folder], check=True)
    return target


def _owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    if info.isdir():
        info.mtime = 0
    return info


def _run_one(entry: dict, out_root: str, tar: bool) -> dict:
    try:
        result = generate(config_for(entry, out_root))
    except Exception as error:  # One bad entry must not stop the others; it is reported.
        return {"name": entry["name"], "error": f"{type(error).__name__}: {error}"}
    if tar:
        pack(result.folder)
    burst = result.truth["bursts"][0] if result.truth["bursts"] else None
    return {"name": result.name, "network": result.network, "files": result.file_count,
            "seconds": result.seconds, "burst": burst, "mean_demand_lps": result.mean_demand_lps,
            "warnings": result.warnings}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", help="folder for the scenarios (created; scenarios in it are replaced)")
    p.add_argument("--only", nargs="+", metavar="NAME", help="generate these scenarios only")
    p.add_argument("--jobs", type=int, default=1, help="scenarios generated at once (1)")
    p.add_argument("--tar", action="store_true", help="pack each scenario as <name>.tar.gz (as the development ones)")
    p.add_argument("--suite", default=SUITE_FILE, help="suite file (default: suite.json beside this script)")
    p.add_argument("--list", action="store_true", help="list the suite's scenarios and exit")
    args = p.parse_args(argv)
    try:
        entries = load_suite(args.suite)
    except (OSError, ValueError, KeyError) as error:
        print(f"generate_suite: {error}", file=sys.stderr)
        return 2
    if args.only:
        missing = sorted(set(args.only) - {e["name"] for e in entries})
        if missing:
            print(f"generate_suite: not in the suite: {', '.join(missing)}", file=sys.stderr)
            return 2
        entries = [e for e in entries if e["name"] in set(args.only)]
    if args.list:
        for e in entries:
            burst = f"burst {e.get('burst_size_pct')} % ({e.get('band', '')})" if e.get("burst", True) else "no burst"
            print(f"{e['name']:12} {e['network']:6} seed {e['seed']:<5} {burst}")
        return 0
    if not args.out:
        print("generate_suite: --out is required", file=sys.stderr)
        return 2

    os.makedirs(args.out, exist_ok=True)
    began = time.monotonic()
    failures = 0
    with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(_run_one, e, args.out, args.tar) for e in entries]
        for future in concurrent.futures.as_completed(futures):
            row = future.result()
            if "error" in row:
                failures += 1
                print(f"FAILED {row['name']}: {row['error']}", flush=True)
                continue
            b = row["burst"]
            what = "no burst"
            if b:
                what = f"burst {b['size_lps']} l/s = {100 * b['size_lps'] / row['mean_demand_lps']:.1f} % at {b['node']}"
            print(f"{row['name']:12} {row['network']:6} {row['files']:7d} files  {what}  ({row['seconds']:.1f} s)",
                  flush=True)
            for warning in row["warnings"]:
                print(f"    warning: {warning}", flush=True)
    size = subprocess.run(["du", "-sh", args.out], capture_output=True, text=True).stdout.split("\t")[0]
    print(f"{len(entries) - failures} scenario(s) in {args.out}, {time.monotonic() - began:.0f} s, {size} on disk"
          + (f"; {failures} FAILED" if failures else ""))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
