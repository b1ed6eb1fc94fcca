#!/usr/bin/env python3
"""The pressure drop each burst really caused at its loggers, against the drop the detector
measured: how good is the evidence the localiser is given?

    python3 tools/true_drops.py --trace /tmp/trace.jsonl [--suite SUITE.json] [SCENARIO ...]

`--trace` is a file `LocalisationTrace/record` wrote (README, "Measuring the localiser"):
per burst scenario of the suite, the evidence (drop and noise per logger) of the last area
its DMA published, with the event's estimated start and the time of that area. For each
record (or only the SCENARIOs named), the scenario is simulated again by the generator
(tools/scenarios, same seed, so the same demands, loggers and tanks) with and without its
burst, noise-free, and the true drop at each logger is the mean pressure difference of the
two runs over the event's span. Prints per logger the true drop and the evidence, and per
scenario their correlation and how many loggers the burst made *rise* (tanks and pumps
answering it: no steady-state signature has those). `--json OUT` keeps the figures.

Needs python3 with wntr (tools/scenarios/requirements.txt).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import logging
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "scenarios"))

from generate_suite import config_for, load_suite  # noqa: E402
from bwscen import scenario as bwscenario  # noqa: E402

STEP_S = bwscenario.STEP_S


def true_drops(entry: dict, record: dict) -> dict:
    """Simulates `entry` with and without its burst; the mean drop per logger over the span."""
    config = config_for(entry, "/nonexistent")
    spec = bwscenario.networks.resolve(config.network)
    start = bwscenario.start_of(config)
    # The generator's own simulation step (private, but the only way to the clean values
    # of both runs with the same demands and loggers).
    with_burst = bwscenario._simulate(config, spec, start)
    without = bwscenario._simulate(dataclasses.replace(config, burst=False), spec, start)
    first = dt.datetime.fromtimestamp(record["startEstimate"] / 1e6, dt.timezone.utc)
    last = dt.datetime.fromtimestamp(record["detectedAt"] / 1e6, dt.timezone.utc)
    lower = int((first - start).total_seconds() // STEP_S)
    upper = int((last - start).total_seconds() // STEP_S)
    difference = without.run.node_pressures - with_burst.run.node_pressures
    drops = difference[lower:upper + 1].mean(axis=0)
    return {"nodes": [logger.node for logger in with_burst.loggers], "true": drops.tolist(),
            "windows": upper - lower + 1}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trace", required=True, help="LocalisationTrace/record's output (JSON lines)")
    parser.add_argument("--json", help="write the figures here")
    parser.add_argument("--suite", help="the suite file the trace's scenarios come from "
                                        "(default: tools/scenarios/suite.json)")
    parser.add_argument("scenarios", nargs="*", help="only these (default: every record)")
    args = parser.parse_args()
    logging.getLogger("wntr.epanet.toolkit").setLevel(logging.ERROR)
    entries = {entry["name"]: entry for entry in (load_suite(args.suite) if args.suite else load_suite())}
    with open(args.trace, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    kept = {}
    for record in records:
        name = record["scenario"]
        if args.scenarios and name not in args.scenarios:
            continue
        if name not in entries:
            print(f"{name}: not in {args.suite or 'tools/scenarios/suite.json'}, skipped", file=sys.stderr)
            continue
        truth = true_drops(entries[name], record)
        evidence = dict(zip(record["nodes"], record["drops"]))
        pairs = [(t, evidence[n]) for n, t in zip(truth["nodes"], truth["true"]) if n in evidence]
        true_values, measured = np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs])
        correlation = float(np.corrcoef(true_values, measured)[0, 1]) if len(pairs) > 2 else float("nan")
        rising = int((true_values < -0.01).sum())
        print(f"{name}: {truth['windows']} windows, correlation {correlation:.2f}, "
              f"{rising} of {len(pairs)} loggers rose")
        for node, value in zip(truth["nodes"], truth["true"]):
            print(f"  {node:14s} true {value:8.3f}  evidence {evidence.get(node, float('nan')):8.3f}")
        kept[name] = {**truth, "evidence": [evidence.get(n) for n in truth["nodes"]], "correlation": correlation,
                      "rising": rising}
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(kept, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
