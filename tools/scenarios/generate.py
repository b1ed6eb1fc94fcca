#!/usr/bin/env python3
"""Generates one burstwatch scenario folder (CONTRACTS section 2) from a network and a seed.

    python3 tools/scenarios/generate.py --network Net3 --seed 7 --out /tmp/net3-b7
    python3 tools/scenarios/generate.py --network ky4 --seed 8 --out /tmp/ky4-n8 --no-burst

The same arguments always give byte-identical files. See README.md beside this file."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bwscen import demands, networks, writer  # noqa: E402
from bwscen.scenario import ScenarioConfig, generate  # noqa: E402


def _moment(text: str) -> dt.datetime:
    """An ISO 8601 date or date-time; naive means UTC."""
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _range(text: str) -> tuple[float, float]:
    low, _, high = text.partition(",")
    return float(low), float(high or low)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--network", required=True, help=f"one of {', '.join(networks.CATALOG)}; a held-out one "
                   f"({', '.join(networks.HELDOUT)}, after fetch_networks.py); or an .inp path")
    p.add_argument("--seed", required=True, type=int)
    p.add_argument("--out", required=True, help="scenario folder to write (replaced if it exists)")
    p.add_argument("--name", help="scenario name (default: <network>-b<seed>, or -n<seed> without burst)")
    p.add_argument("--start", type=_moment, help="first reading, a midnight UTC (default: drawn from the seed in 2026)")
    p.add_argument("--history-days", type=int, default=14, help="burst-free days before history_until (14)")
    p.add_argument("--after-days", type=int, default=7, help="days after history_until (7)")
    burst = p.add_argument_group("burst")
    burst.add_argument("--no-burst", action="store_true", help="a scenario without burst")
    burst.add_argument("--burst-size-pct", type=float,
                       help="target leak as %% of the DMA's mean inflow over the history (default: log-uniform 1-20)")
    burst.add_argument("--burst-node", help="junction id (default: drawn among junctions keeping --min-burst-pressure-m)")
    burst.add_argument("--burst-start", type=_moment,
                       help="on a 15-minute step at or after history_until (default: drawn, leaving >= 2 days to see it)")
    burst.add_argument("--burst-duration-h", type=float, help="hours until the leak stops (default: to the end)")
    burst.add_argument("--min-burst-pressure-m", type=float, default=10.0,
                       help="drawn burst nodes never fall below this pressure without burst (10)")
    sensors = p.add_argument_group("loggers")
    sensors.add_argument("--pressure-loggers", type=int, help="count (default: sqrt(junctions), 3-20, per DMA)")
    sensors.add_argument("--dmas", type=int, default=1,
                         help="DMAs to divide the network into, every link between two metered (1)")
    sensors.add_argument("--flow-unit", choices=sorted(writer.FLOW_UNITS), default="l/s")
    sensors.add_argument("--pressure-unit", choices=sorted(writer.PRESSURE_UNITS), default="m")
    sensors.add_argument("--flow-noise-pct", type=_range, default=(0.5, 1.0),
                         help="relative flow noise, each meter's drawn in LOW,HIGH %% (0.5,1.0)")
    sensors.add_argument("--pressure-noise-m", type=float, default=0.03, help="pressure noise s.d., m (0.03)")
    sensors.add_argument("--pressure-bias-m", type=float, default=0.05, help="s.d. of each logger's fixed offset, m (0.05)")
    sensors.add_argument("--missing-share", type=float, default=0.003, help="share of files lost at random (0.003)")
    sensors.add_argument("--outage-probability", type=float, default=0.1,
                         help="chance that a logger has one 1-8 hour outage (0.1)")
    sensors.add_argument("--late-share", type=float, default=0.002,
                         help="share of files that arrive 30 min-3 h late, named ..._rcvd<arrival>.csv (0.002)")
    demand = p.add_argument_group("demand")
    demand.add_argument("--demand-style", choices=demands.STYLES, default="synthetic",
                        help="synthetic: a drawn diurnal profile, AR(1) noise, day factors smoothed over "
                             "midnight (the --day-factor-sd ... knobs); network-pattern: the network's own "
                             "pattern, day factors that hold for a day, white noise, like shared/scenarios")
    knobs = demands.DemandKnobs()
    demand.add_argument("--day-factor-sd", type=float, default=knobs.day_factor_sd,
                        help=f"s.d. of the daily volume factor ({knobs.day_factor_sd})")
    demand.add_argument("--group-noise-sd", type=float, default=knobs.group_noise_sd,
                        help=f"s.d. of each demand group's short-term noise ({knobs.group_noise_sd})")
    demand.add_argument("--junction-scale-sd", type=float, default=knobs.junction_scale_sd,
                        help=f"s.d. (log) of each junction's fixed demand scale ({knobs.junction_scale_sd})")
    demand.add_argument("--background-share", type=float, default=knobs.background_share,
                        help=f"constant share of demand: background leakage and night use ({knobs.background_share})")
    p.add_argument("--quiet", action="store_true", help="print nothing but errors")
    return p


def config_from(args: argparse.Namespace) -> ScenarioConfig:
    return ScenarioConfig(
        network=args.network, seed=args.seed, out=args.out, name=args.name, start=args.start,
        history_days=args.history_days, after_days=args.after_days, burst=not args.no_burst,
        burst_size_pct=args.burst_size_pct, burst_node=args.burst_node, burst_start=args.burst_start,
        burst_duration_h=args.burst_duration_h, min_burst_pressure_m=args.min_burst_pressure_m,
        pressure_loggers=args.pressure_loggers, dmas=args.dmas, flow_unit=args.flow_unit, pressure_unit=args.pressure_unit,
        flow_noise_pct=args.flow_noise_pct, pressure_noise_m=args.pressure_noise_m,
        pressure_bias_m=args.pressure_bias_m, missing_share=args.missing_share,
        outage_probability=args.outage_probability, late_share=args.late_share,
        demand=dataclasses.replace(demands.DemandKnobs(), day_factor_sd=args.day_factor_sd,
                                   group_noise_sd=args.group_noise_sd, junction_scale_sd=args.junction_scale_sd,
                                   background_share=args.background_share),
        demand_style=args.demand_style)


def summary(result) -> str:
    bursts = result.truth["bursts"]
    what = "no burst"
    if bursts:
        b = bursts[0]
        share = 100 * b["size_lps"] / result.mean_demand_lps
        what = f"burst at {b['node']} from {b['start']}: {b['size_lps']} l/s ({share:.1f} % of {result.mean_demand_lps:.1f} l/s)"
    return f"{result.name}: {result.network}, {result.file_count} files, {what}, {result.seconds:.1f} s"


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.no_burst and any(v is not None for v in (args.burst_size_pct, args.burst_node, args.burst_start,
                                                       args.burst_duration_h)):
        print("generate: --no-burst cannot be combined with --burst-* options", file=sys.stderr)
        return 2
    try:
        result = generate(config_from(args))
    except ValueError as error:
        print(f"generate: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(summary(result))
        for warning in result.warnings:
            print(f"  warning: {warning}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
