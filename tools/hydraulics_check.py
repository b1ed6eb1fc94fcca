#!/usr/bin/env python3
"""EPANET (through WNTR) reference figures for burstwatch's SteadyStateHydraulics and
OperatingPointSignature.

The steady state is the one the Swift solver computes: base demands (patterns and the
demand multiplier's time variation ignored), tanks at their initial level, link statuses
from [PIPES]/[STATUS] with every control and rule removed, one hydraulic step at time 0.

  tools/hydraulics_check.py steady NETWORK.inp OUT_PREFIX
      writes OUT_PREFIX-heads.csv (node,head_m) and OUT_PREFIX-flows.csv (link,flow_lps)
  tools/hydraulics_check.py drops NETWORK.inp OUT.csv [--count 30] [--share 0.05] [--seed 1]
      for COUNT random junctions, the head drop at every node when that junction draws an
      extra SHARE of the network's total demand: OUT.csv (burst_node,extra_lps,node,drop_m)

  tools/hydraulics_check.py burst SCENARIO_DIR OUT.csv
      the head drop at every node one hour into the scenario's burst (truth.json), from two
      extended-period runs of its network.inp (patterns, controls and tanks as in the file),
      with and without the burst: the drop a localiser sees in a simulated world, in the
      format of `drops`

Needs python3 with wntr (1.5.0 used).
"""
import argparse
import csv
import os
import random
import tempfile

import wntr


def base_conditions(path):
    wn = wntr.network.WaterNetworkModel(path)
    for name in list(wn.control_name_list):
        wn.remove_control(name)
    # A demand without a pattern would get EPANET's default pattern "1" if the file has
    # one, so every demand gets a constant pattern of its own instead.
    wn.add_pattern("bw_base", [1.0])
    for _, junction in wn.junctions():
        for demand in junction.demand_timeseries_list:
            demand.pattern_name = "bw_base"
    for _, reservoir in wn.reservoirs():
        reservoir.head_pattern_name = None
    for _, pump in wn.pumps():
        pump.speed_pattern_name = None
    wn.options.hydraulic.pattern = "bw_base"
    wn.options.time.duration = 0
    wn.options.time.report_timestep = 3600
    wn.options.time.hydraulic_timestep = 3600
    return wn


# EPANET's scratch files (.inp, .rpt, .bin) go to one temporary folder, not next to the output.
SCRATCH = tempfile.mkdtemp(prefix="hydraulics_check-")


def solve(wn, prefix):
    prefix = os.path.join(SCRATCH, os.path.basename(prefix))
    results = wntr.sim.EpanetSimulator(wn).run_sim(file_prefix=prefix)
    heads = results.node["head"].iloc[0]
    flows = results.link["flowrate"].iloc[0]
    return heads, flows


def steady(args):
    wn = base_conditions(args.network)
    heads, flows = solve(wn, args.out_prefix + "-tmp")
    with open(args.out_prefix + "-heads.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["node", "head_m"])
        for name, value in heads.items():
            w.writerow([name, f"{value:.5f}"])
    with open(args.out_prefix + "-flows.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["link", "flow_lps"])
        for name, value in flows.items():
            w.writerow([name, f"{value * 1000:.5f}"])


def drops(args):
    wn = base_conditions(args.network)
    base, _ = solve(wn, args.out + "-tmp")
    junctions = [name for name, j in wn.junctions()]
    total = sum(max(j.base_demand, 0) for _, j in wn.junctions())
    extra = args.share * total  # m3/s
    rng = random.Random(args.seed)
    chosen = rng.sample(junctions, min(args.count, len(junctions)))
    with open(args.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["burst_node", "extra_lps", "node", "drop_m"])
        for node in chosen:
            junction = wn.get_node(node)
            junction.add_demand(extra, "bw_base", "burst")
            heads, _ = solve(wn, args.out + "-tmp")
            del junction.demand_timeseries_list[-1]
            for name in junctions:
                w.writerow([node, f"{extra * 1000:.4f}", name, f"{base[name] - heads[name]:.6f}"])


def burst(args):
    import datetime
    import json

    def when(text):
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))

    scenario = json.load(open(os.path.join(args.scenario, "scenario.json")))
    truth = json.load(open(os.path.join(args.scenario, "truth.json")))["bursts"][0]
    start = (when(truth["start"]) - when(scenario["start"])).total_seconds()
    path = os.path.join(args.scenario, "network.inp")
    heads = []
    for with_burst in (False, True):
        wn = wntr.network.WaterNetworkModel(path)
        step = wn.options.time.hydraulic_timestep
        end = int((start + 3600) // step * step)
        wn.options.time.duration = end
        wn.options.time.report_timestep = step
        if with_burst:
            pattern_step = wn.options.time.pattern_timestep
            first = int(start // pattern_step)
            wn.add_pattern("bw_burst", [0.0] * first + [1.0] * (int(end // pattern_step) + 2 - first))
            wn.get_node(truth["node"]).add_demand(truth["size_lps"] / 1000, "bw_burst", "burst")
        results = wntr.sim.EpanetSimulator(wn).run_sim(file_prefix=os.path.join(SCRATCH, "burst"))
        heads.append(results.node["head"].iloc[-1])
    junctions = [name for name, _ in wntr.network.WaterNetworkModel(path).junctions()]
    with open(args.out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["burst_node", "extra_lps", "node", "drop_m"])
        for name in junctions:
            w.writerow([truth["node"], f"{truth['size_lps']:.4f}", name, f"{heads[0][name] - heads[1][name]:.6f}"])


def main():
    import atexit
    import shutil
    atexit.register(shutil.rmtree, SCRATCH, True)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("steady")
    s.add_argument("network")
    s.add_argument("out_prefix")
    s.set_defaults(run=steady)
    d = sub.add_parser("drops")
    d.add_argument("network")
    d.add_argument("out")
    d.add_argument("--count", type=int, default=30)
    d.add_argument("--share", type=float, default=0.05)
    d.add_argument("--seed", type=int, default=1)
    d.set_defaults(run=drops)
    b = sub.add_parser("burst")
    b.add_argument("scenario")
    b.add_argument("out")
    b.set_defaults(run=burst)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
