#!/usr/bin/env python3
"""How often a DMA's net inflow waits for a silent meter, and how well the others tell it.

    python3 tools/silent_meters.py outages SCENARIO_FOLDER ...
    python3 tools/silent_meters.py estimate SCENARIO_FOLDER

`outages`: per burst scenario, how many windows of the burst's first 6 hours had their net
inflow (every flow meter) complete more than an hour late, by the data files' names (a file
is taken to arrive at the time its name carries), and the worst delay ("inf": never).

`estimate`: per flow meter, left out of each complete window of the week after the history,
the error of the best linear estimate of the net inflow from the other meters' sum (moments
per hour of the day from the history's complete windows within 3 hours, as
`InflowImputation` learns them): its RMS, the spread the moments state, and the lag-one
correlation of the errors. Needs numpy.
"""
from __future__ import annotations

import argparse
import collections
import csv
import datetime as dt
import json
import math
import os
import sys

WINDOW = dt.timedelta(minutes=15)


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ")


def flow_meters(folder: str) -> list[dict]:
    with open(os.path.join(folder, "loggers.csv"), encoding="utf-8") as handle:
        return [row for row in csv.DictReader(handle) if row["quantity"] == "flow"]


def rows_of(folder: str, meters: set[str], near: dt.datetime | None = None):
    """(logger, reading time, value, arrival time) of every flow reading (within 2 days of `near`)."""
    for name in os.listdir(os.path.join(folder, "drop")):
        logger = name.split("_")[0]
        if logger not in meters:
            continue
        arrival = dt.datetime.strptime(name.split("_")[1][:13], "%Y%m%dT%H%M")
        if near is not None and abs((arrival - near).total_seconds()) > 2 * 86400:
            continue
        with open(os.path.join(folder, "drop", name), encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                yield logger, parse_time(row["timestamp"]), float(row["value"]), arrival


def outages(folders: list[str]) -> None:
    for folder in folders:
        with open(os.path.join(folder, "truth.json"), encoding="utf-8") as handle:
            bursts = json.load(handle)["bursts"]
        if not bursts:
            continue
        start = parse_time(bursts[0]["start"])
        meters = [row["logger_id"] for row in flow_meters(folder)]
        arrival: dict[str, dict[dt.datetime, dt.datetime]] = collections.defaultdict(dict)
        for logger, time, _, arrived in rows_of(folder, set(meters), near=start):
            arrival[logger][time] = min(arrival[logger].get(time, arrived), arrived)
        delays = []
        for k in range(24):
            window = start + k * WINDOW
            complete = max(arrival[m].get(window, dt.datetime.max) for m in meters)
            delays.append(math.inf if complete == dt.datetime.max else (complete - window).total_seconds() / 3600)
        late = sum(1 for d in delays if d > 1)
        print(f"{os.path.basename(folder)}: {len(meters)} meters, {late}/24 windows of the first 6 h "
              f"complete more than 1 h late, worst {max(delays):.1f} h")


def estimate(folder: str) -> None:
    import numpy as np

    meters = flow_meters(folder)
    ids = [row["logger_id"] for row in meters]
    signs = np.array([float(row["sign"] or 1) for row in meters])
    with open(os.path.join(folder, "scenario.json"), encoding="utf-8") as handle:
        scenario = json.load(handle)
    origin, history = parse_time(scenario["start"]), parse_time(scenario["history_until"])
    count = int(scenario["days"]) * 96
    flows = np.full((count, len(ids)), np.nan)
    column = {logger: k for k, logger in enumerate(ids)}
    for logger, time, value, _ in rows_of(folder, set(ids)):
        index = int((time - origin).total_seconds() // 900)
        if 0 <= index < count:
            flows[index, column[logger]] = value * signs[column[logger]]
    learned = int((history - origin).total_seconds() // 900)
    slots = np.arange(count) % 96
    train = ~np.isnan(flows[:learned]).any(axis=1)
    judged = np.arange(learned, min(learned + 7 * 96, count))
    judged = judged[~np.isnan(flows[judged]).any(axis=1)]
    x, x_slots = flows[:learned][train], slots[:learned][train]
    truth = flows[judged].sum(axis=1)
    print(f"{os.path.basename(folder)}: {len(ids)} meters, mean net inflow {truth.mean():.1f} l/s")
    for k, logger in enumerate(ids):
        present = np.ones(len(ids))
        present[k] = 0
        predicted, stated = np.zeros(len(judged)), np.zeros(len(judged))
        for hour in range(24):
            centre = hour * 4 + 2
            distance = np.minimum((x_slots + 0.5 - centre) % 96, (centre - x_slots - 0.5) % 96)
            moments = x[distance <= 14]
            mean, cov = moments.mean(axis=0), np.cov(moments.T)
            cross, variance = cov.sum(axis=0) @ present, present @ cov @ present
            beta = cross / variance if variance > 1e-9 else 0.0
            rows = slots[judged] // 4 == hour
            known = flows[judged][rows] @ present
            predicted[rows] = mean.sum() + beta * (known - mean @ present)
            stated[rows] = max(cov.sum() - (cross * cross / variance if variance > 1e-9 else 0.0), 0.0)
        error = predicted - truth
        lag_one = np.corrcoef(error[:-1], error[1:])[0, 1] if error.std() > 1e-9 else 0.0
        print(f"  {logger}: mean {np.nanmean(flows[:learned, k]):9.2f} l/s  error rms {np.sqrt((error ** 2).mean()):8.2f}"
              f"  stated {np.sqrt(stated.mean()):8.2f}  lag-one {lag_one:5.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["outages", "estimate"])
    parser.add_argument("folders", nargs="+", help="scenario folders")
    args = parser.parse_args()
    if args.mode == "outages":
        outages(args.folders)
    else:
        for folder in args.folders:
            estimate(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
