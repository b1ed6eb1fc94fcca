#!/usr/bin/env python3
"""Does the way a burst's flow splits between a DMA's meters say where it is?

    python3 tools/flow_split.py SCENARIO_FOLDER ...

A measurement, not part of burstwatch. A DMA fed through several meters takes a burst's extra
flow mostly through the meters nearest it, unlike its demand, which splits in its usual
shares. For each burst scenario (truth.json):

1. The observed split: each meter's signed flow, less what a regression on the net inflow
   (training windows within an hour of the same time of day) expects of it, averaged over the
   burst's first 4 hours after its first 30 minutes. Its noise is the spread of the same
   statistic on each training day (fitted on the other days), so z = residual / noise.
2. The predicted split: for every junction, a WNTR snapshot of network.inp at the burst's time
   of day with and without the burst's size drawn there; the change of each metered link's
   flow, less the meter's demand share of the change in net inflow.
3. Each junction's fit of the observed residuals by its predicted split times a free size
   (Student-t misfit, ν = 4, as `CandidateScoring`, plus the size's distance from the truth's in
   factors of 3), and the burst node's rank: the share of junctions that fit better, those that
   fit exactly as well counting half.

The truth's size and start stand in for the detector's estimates of them.

Prints per scenario the residuals, their noise and z per meter, and the rank. Needs wntr and
numpy (tools/scenarios/requirements.txt); about 2 minutes per 1,000 junctions.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import math
import os
import sys

import numpy as np

from silent_meters import WINDOW, flow_meters, parse_time, rows_of

POST_HOURS = 4.0
SKIP_WINDOWS = 2
NEIGHBOURS = 4  # windows either side of the same time of day in each training day


def observed_split(folder: str, meters: list[dict], start: dt.datetime):
    ids = [m["logger_id"] for m in meters]
    signs = np.array([float(m["sign"] or 1) for m in meters])
    scenario = json.load(open(os.path.join(folder, "scenario.json"), encoding="utf-8"))
    first, history = parse_time(scenario["start"]), parse_time(scenario["history_until"])
    values: dict[str, dict[dt.datetime, float]] = collections.defaultdict(dict)
    for logger, time, value, _ in rows_of(folder, set(ids)):
        values[logger][time] = value

    def signed(t: dt.datetime):
        row = [values[i].get(t) for i in ids]
        return None if any(v is None for v in row) else signs * np.array(row)

    post = [start + k * WINDOW for k in range(SKIP_WINDOWS, int(POST_HOURS * 4))]
    days = [first + dt.timedelta(days=d) for d in range((history - first).days)]

    def mean_residual(times, fit_days):
        total, count, share = np.zeros(len(ids)), 0, np.zeros(len(ids))
        for t in times:
            x = signed(t)
            if x is None:
                continue
            rows = [y for d in fit_days for k in range(-NEIGHBOURS, NEIGHBOURS + 1)
                    if (y := signed(dt.datetime.combine(d.date(), t.time()) + k * WINDOW)) is not None]
            if len(rows) < 8:
                continue
            table = np.array(rows)
            design = np.c_[np.ones(len(table)), table.sum(1)]
            coefficients, *_ = np.linalg.lstsq(design, table, rcond=None)
            total += x - (coefficients[0] + coefficients[1] * x.sum())
            share = coefficients[1]
            count += 1
        return total / max(count, 1), share

    residual, share = mean_residual(post, days)
    null = []
    for day in days:
        shift = dt.datetime.combine(day.date(), dt.time()) - dt.datetime.combine(start.date(), dt.time())
        null.append(mean_residual([t + shift for t in post], [d for d in days if d != day])[0])
    return residual, np.array(null).std(0) + 1e-6, share, signs


def predicted_splits(folder: str, meters: list[dict], start: dt.datetime, size_lps: float, signs, share):
    import wntr

    network = wntr.network.WaterNetworkModel(os.path.join(folder, "network.inp"))
    network.options.time.duration = 0
    network.options.time.pattern_start = start.hour * 3600 + start.minute * 60
    links = [m["element"] for m in meters]
    prefix = f"/tmp/flow_split_{os.getpid()}"

    def flows():
        result = wntr.sim.EpanetSimulator(network).run_sim(file_prefix=prefix)
        rates = result.link["flowrate"].iloc[0]
        return np.array([rates[link] * 1000 for link in links]) * signs

    base = flows()
    splits = {}
    for name in network.junction_name_list:
        junction = network.get_node(name)
        junction.demand_timeseries_list.append((size_lps / 1000, None))
        try:
            change = flows() - base
            splits[name] = change - share * change.sum()
        except Exception:  # a snapshot that does not solve says nothing about this junction
            pass
        del junction.demand_timeseries_list[-1]
    return splits


def rank(folder: str) -> None:
    burst = json.load(open(os.path.join(folder, "truth.json"), encoding="utf-8"))["bursts"][0]
    start = parse_time(burst["start"])
    meters = flow_meters(folder)
    residual, noise, share, signs = observed_split(folder, meters, start)
    print(f"{os.path.basename(folder)}: burst at {burst['node']}, {burst['size_lps']} l/s, {len(meters)} meters")
    print("  residual l/s " + " ".join(f"{v:7.2f}" for v in residual))
    print("  noise l/s    " + " ".join(f"{v:7.2f}" for v in noise))
    print("  z            " + " ".join(f"{v:7.1f}" for v in residual / noise))
    misfits = {}
    for node, split in predicted_splits(folder, meters, start, burst["size_lps"], signs, share).items():
        weights = 1 / noise ** 2
        size = max(0.0, float((weights * split * residual).sum() / max((weights * split * split).sum(), 1e-12)))
        r = (residual - size * split) / noise
        misfits[node] = float((5 * np.log1p(r * r / 4)).sum()) + (math.log(max(size, 1e-3)) / math.log(3)) ** 2
    truth = misfits[burst["node"]]
    # Junctions whose split is the burst node's own (a branch fed one way) tie with it: they
    # count half, as a fair draw among them would place it.
    tolerance = 1e-6 * max(abs(truth), 1)
    better = sum(1 for v in misfits.values() if v < truth - tolerance)
    tied = sum(1 for v in misfits.values() if abs(v - truth) <= tolerance) - 1
    rank = (better + tied / 2) / len(misfits)
    print(f"  burst node's rank {rank:.3f} ({better} of {len(misfits)} junctions fit better, {tied} as well)")


if __name__ == "__main__":
    for folder in sys.argv[1:]:
        rank(folder)
