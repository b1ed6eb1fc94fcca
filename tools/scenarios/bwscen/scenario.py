"""One scenario from one seed: network, demands, loggers, burst, hydraulics, files.

Every random choice draws from its own stream, derived from the seed and the choice's
name, so the same seed always gives the same files, and adding a knob to one part does
not reshuffle the others."""

from __future__ import annotations

import datetime as dt
import logging
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from . import demands, hydraulics, networks, placement, writer

STEP_S = 900
STEPS_PER_DAY = 86400 // STEP_S
FIRST_START = dt.datetime(2026, 1, 5, tzinfo=dt.timezone.utc)
# Simulated before the first reading and thrown away, so that tanks and pumps have left
# the network file's arbitrary initial state.
WARMUP_DAYS = 2
# Days (after the warm-up) of the first run that screens junction pressures.
SCREEN_DAYS = 7
# An imbalance (share of the mean demand) that only a failed EPANET step produces.
FAILED_BALANCE = 0.02


@dataclass
class ScenarioConfig:
    network: str
    seed: int
    out: str
    name: str | None = None
    # Midnight UTC; by default drawn from the seed in January to August 2026 (weekdays
    # vary, and the data stay in the past for a live run).
    start: dt.datetime | None = None
    history_days: int = 14
    after_days: int = 7
    burst: bool = True
    # Percent of the DMA's mean inflow over the history; by default log-uniform in 1-20 %.
    burst_size_pct: float | None = None
    burst_node: str | None = None
    burst_start: dt.datetime | None = None
    # None: the burst lasts to the end of the scenario.
    burst_duration_h: float | None = None
    pressure_loggers: int | None = None
    # DMAs the network is divided into (placement.split_dma); the burst's size is a share of
    # its own DMA's mean inflow.
    dmas: int = 1
    flow_noise_pct: tuple[float, float] = (0.5, 1.0)
    pressure_noise_m: float = 0.03
    pressure_bias_m: float = 0.05
    missing_share: float = 0.003
    outage_probability: float = 0.1
    late_share: float = 0.002
    flow_unit: str = "l/s"
    pressure_unit: str = "m"
    min_burst_pressure_m: float = 10.0
    demand: demands.DemandKnobs = field(default_factory=demands.DemandKnobs)
    # "synthetic" (`demand`) or "network-pattern" (`pattern_demand`): demands.STYLES.
    demand_style: str = "synthetic"
    pattern_demand: demands.PatternDemandKnobs = field(default_factory=demands.PatternDemandKnobs)

    @property
    def days(self) -> int:
        return self.history_days + self.after_days

    @property
    def steps(self) -> int:
        return self.days * STEPS_PER_DAY


@dataclass
class ScenarioResult:
    name: str
    folder: str
    network: str
    start: dt.datetime
    times: list[dt.datetime]
    channels: list[writer.Channel]
    clean: np.ndarray  # step x channel, l/s or m, before noise
    observed: np.ndarray  # step x channel after noise, NaN where the file is missing
    consumer_lps: np.ndarray  # per step: what the junctions draw besides the leak
    leak_lps: np.ndarray
    truth: dict
    mean_demand_lps: float
    mass_balance_error: float  # max |signed meter sum - consumption - leak| / mean consumption
    file_count: int
    seconds: float
    warnings: list[str]
    # Per DMA (by name): its junctions, and what they draw besides the leak (l/s per step).
    dma_junctions: dict[str, list[str]] = field(default_factory=dict)
    dma_consumer_lps: dict[str, np.ndarray] = field(default_factory=dict)


def stream(seed: int, purpose: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(purpose.encode())])


def default_name(network: str, seed: int, burst: bool) -> str:
    return f"{network.lower()}-{'b' if burst else 'n'}{seed}"


def start_of(config: ScenarioConfig) -> dt.datetime:
    """The scenario's first moment (UTC): the one given, or a day drawn from its seed."""
    start = config.start or FIRST_START + dt.timedelta(days=int(stream(config.seed, "start").integers(0, 240)))
    return start.astimezone(dt.timezone.utc)


def generate(config: ScenarioConfig) -> ScenarioResult:
    """Simulates the scenario and writes its folder to `config.out` (replacing it)."""
    began = time.monotonic()
    logging.getLogger("wntr.epanet.toolkit").setLevel(logging.ERROR)
    spec = networks.resolve(config.network)
    if config.flow_unit not in writer.FLOW_UNITS or config.pressure_unit not in writer.PRESSURE_UNITS:
        raise ValueError(f"units {config.flow_unit!r}/{config.pressure_unit!r}: flow in {sorted(writer.FLOW_UNITS)}, "
                         f"pressure in {sorted(writer.PRESSURE_UNITS)}")
    name = config.name or default_name(spec.name, config.seed, config.burst)
    start = start_of(config)
    if start.time() != dt.time(0):
        raise ValueError(f"start {start.isoformat()} must be at midnight UTC (the model's clock starts at 0:00)")

    sim = _simulate(config, spec, start)
    warnings = sim.warnings + _balance_warnings(name, sim)

    channels = [writer.Channel(m.logger_id, "flow", m.link, m.sign, config.flow_unit, m.dma) for m in sim.meters]
    channels += [writer.Channel(p.logger_id, "pressure", p.node, None, config.pressure_unit, p.dma)
                 for p in sim.loggers]
    clean = np.hstack([sim.run.link_flows, sim.run.node_pressures])
    files, observed = writer.plan_files(
        clean, channels, stream(config.seed, "sensors"),
        flow_noise_range=(config.flow_noise_pct[0] / 100, config.flow_noise_pct[1] / 100),
        pressure_noise_m=config.pressure_noise_m, pressure_bias_m=config.pressure_bias_m,
        missing_share=config.missing_share, outage_probability=config.outage_probability,
        late_share=config.late_share)

    times = [start + dt.timedelta(seconds=k * STEP_S) for k in range(config.steps)]
    truth = _truth(sim, times)
    scenario = {"name": name, "start": writer.iso(start), "step_s": STEP_S, "days": config.days,
                "history_until": writer.iso(times[config.history_days * STEPS_PER_DAY])}
    writer.write_folder(config.out, spec.inp_path, channels, scenario, truth, files, start, STEP_S)
    return ScenarioResult(name, config.out, spec.name, start, times, channels, clean, observed, sim.consumer_lps,
                          sim.run.leak_lps, truth, sim.mean_demand_lps, sim.imbalance, len(files),
                          time.monotonic() - began, warnings,
                          {placement.dma_name(i): part for i, part in enumerate(sim.parts)},
                          {placement.dma_name(i): c for i, c in enumerate(sim.part_consumer_lps)})


@dataclass
class _Simulation:
    meters: list[placement.FlowMeter]
    loggers: list[placement.PressureLogger]
    leak: hydraulics.LeakPlan | None
    run: hydraulics.RunResult
    consumer_lps: np.ndarray
    # The burst's DMA's mean consumption over the history (the whole DMA's without a burst).
    mean_demand_lps: float
    warnings: list[str]
    # Per DMA: its junctions, what they draw besides the leak (l/s per step), and the mean of
    # that over the history.
    parts: list[list[str]] = field(default_factory=list)
    part_consumer_lps: list[np.ndarray] = field(default_factory=list)
    part_mean_lps: list[float] = field(default_factory=list)

    @property
    def imbalance(self) -> float:
        """Largest |signed meter sum - consumption - leak| of any DMA, as a share of that
        DMA's mean demand."""
        worst = 0.0
        for index, (part, consumer) in enumerate(zip(self.parts, self.part_consumer_lps)):
            name = placement.dma_name(index)
            signs = np.array([m.sign if m.dma == name else 0 for m in self.meters], dtype=float)
            leak = self.run.leak_lps if self.leak is not None and self.leak.node in part else 0.0
            mean = max(self.part_mean_lps[index], 1e-9)
            worst = max(worst, float(np.abs(self.run.link_flows @ signs - consumer - leak).max() / mean))
        return worst


def _simulate(config: ScenarioConfig, spec: networks.NetworkSpec, start: dt.datetime) -> _Simulation:
    """Demands, loggers and burst placed, then the hydraulics run (clean values)."""
    steps = config.steps
    history_steps = config.history_days * STEPS_PER_DAY
    wn = networks.load_model(spec)
    warmup = WARMUP_DAYS * STEPS_PER_DAY
    networks.prepare_for_long_run(wn, (warmup + steps - 1) * STEP_S)
    plan_start = start - dt.timedelta(days=WARMUP_DAYS)
    if config.demand_style == "network-pattern":
        plan = demands.plan_pattern_demands(wn, plan_start, warmup + steps, spec.demand_multiplier,
                                            config.pattern_demand, stream(config.seed, "demands"))
    elif config.demand_style == "synthetic":
        plan = demands.plan_demands(wn, plan_start, warmup + steps, spec.demand_multiplier, config.demand,
                                    stream(config.seed, "demands"))
    else:
        raise ValueError(f"demand style {config.demand_style!r}: use one of {', '.join(demands.STYLES)}")
    demands.install(wn, plan)
    consumer_lps = plan.total[warmup:] * 1000.0
    mean_demand_lps = float(consumer_lps[:history_steps].mean())

    dma = placement.dma_junctions(wn, set(plan.junction_demand))
    warnings: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bwscen-") as scratch:
        inp_path = hydraulics.write_model(wn, scratch)
        # A week shows how each junction's pressure goes with the daily and weekly cycle
        # and the tanks' fill cycle, at a fraction of a full run's cost on Net6.
        screened_hours = min((warmup + steps - 1) * STEP_S // 3600, (WARMUP_DAYS + SCREEN_DAYS) * 24)
        lowest = hydraulics.screen_pressures(inp_path, dma, hours=screened_hours, skip_hours=WARMUP_DAYS * 24)
        lowest = dict(zip(dma, lowest))
        # Loggers sit at consumers' connections that keep some pressure.
        fit_for_logger = {j for j in dma if j in plan.junction_demand and lowest[j] > 0.0}
        parts = placement.split_dma(wn, dma, config.dmas, [j for j in dma if j in fit_for_logger],
                                    stream(config.seed, "dmas"))
        meters: list[placement.FlowMeter] = []
        for index, part in enumerate(parts):
            meters += placement.flow_meters(wn, part, placement.dma_name(index), len(meters) + 1)
        loggers = _place_pressure_loggers(config, wn, parts, fit_for_logger)
        # One DMA draws the plan's total as it is (summing its junctions again would change the
        # last bits, and the files of a seed must not change).
        part_consumer_lps = [consumer_lps] if len(parts) == 1 else \
            [sum(plan.demand_at(j)[warmup:] for j in part) * 1000.0 for part in parts]
        part_mean_lps = [float(consumer[:history_steps].mean()) for consumer in part_consumer_lps]

        def mean_inflow_of(node: str) -> float:
            """The history's mean inflow of the DMA that holds `node`."""
            return part_mean_lps[next(index for index, junctions in enumerate(parts) if node in junctions)]

        leak = None
        if config.burst:
            leak = _plan_leak(config, start, lowest, mean_inflow_of, history_steps, steps, warnings)
            mean_demand_lps = mean_inflow_of(leak.node)
        consumer_at_leak = plan.demand_at(leak.node) * 1000.0 if leak else None
        run = hydraulics.run(inp_path, steps, [m.link for m in meters], [p.node for p in loggers],
                             leak, consumer_at_leak, warmup_steps=warmup)
    warnings += _summarise_engine_warnings(run.warnings)
    return _Simulation(meters, loggers, leak, run, consumer_lps, mean_demand_lps, warnings, parts, part_consumer_lps,
                       part_mean_lps)


def _place_pressure_loggers(config: ScenarioConfig, wn, parts: list[list[str]],
                            fit: set[str]) -> list[placement.PressureLogger]:
    """Each DMA gets its own loggers, as many as its size calls for (a count given in the
    configuration is shared out by size), numbered across all DMAs."""
    loggers: list[placement.PressureLogger] = []
    rng = stream(config.seed, "pressure-loggers")
    junctions = sum(len(part) for part in parts)
    for index, part in enumerate(parts):
        count = config.pressure_loggers
        if count is None:
            count = placement.default_pressure_logger_count(len(part))
        elif len(parts) > 1:
            count = max(1, round(count * len(part) / junctions))
        loggers += placement.pressure_loggers(wn, count, [j for j in part if j in fit], rng,
                                              placement.dma_name(index), len(loggers) + 1)
    return loggers


def _balance_warnings(name: str, sim: _Simulation) -> list[str]:
    """Refuses a run with a failed EPANET step; warns about a leak the network cannot carry."""
    warnings = []
    imbalance = sim.imbalance
    if imbalance > FAILED_BALANCE:
        # Only a step EPANET failed to solve breaks the balance this much: its numbers are
        # garbage, and a scenario must not carry them.
        raise ValueError(f"{name}: the signed meter sum misses consumption + leak by up to {100 * imbalance:.0f} % "
                         "of the mean demand (EPANET did not converge at some step): try another seed or burst size")
    if imbalance > 0.005:
        warnings.append(f"signed meter sum differs from consumption + leak by up to {100 * imbalance:.2f} % "
                        "of the mean demand: the meters may not close the DMA")
    if sim.leak is not None:
        during = sim.run.leak_lps[sim.leak.start_step:sim.leak.end_step]
        if during.min() < 0.5 * during.mean():
            warnings.append(f"the leak fell to {during.min():.1f} l/s at times (mean {during.mean():.1f} l/s): "
                            "the network around the burst cannot carry it")
    return warnings


def _truth(sim: _Simulation, times: list[dt.datetime]) -> dict:
    truth: dict = {"bursts": []}
    leak = sim.leak
    if leak is None:
        return truth
    end = min(leak.end_step, len(times))
    burst = {"node": leak.node, "start": writer.iso(times[leak.start_step]),
             "size_lps": round(float(sim.run.leak_lps[leak.start_step:end].mean()), 2),
             "mean_demand_lps": round(sim.mean_demand_lps, 2)}
    if end < len(times):
        # Not in the contract (its three fields stay as they are); `burstwatch eval` reads it to
        # score the closing, and treats an event opened after it as a false alarm.
        burst["end"] = writer.iso(times[end])
    truth["bursts"].append(burst)
    return truth


def _plan_leak(config: ScenarioConfig, start: dt.datetime, lowest: dict[str, float],
               mean_inflow_of: Callable[[str], float], history_steps: int, steps: int,
               warnings: list[str]) -> hydraulics.LeakPlan:
    """`mean_inflow_of(node)`: what the size is a share of, the mean inflow of the node's own DMA."""
    rng = stream(config.seed, "burst")
    size_pct = config.burst_size_pct
    if size_pct is None:
        size_pct = float(np.exp(rng.uniform(np.log(1.0), np.log(20.0))))
    if config.burst_node is not None:
        if config.burst_node not in lowest:
            raise ValueError(f"burst node {config.burst_node!r} is not a junction of {config.network}'s DMA")
        node = config.burst_node
        low = lowest[node]
        if low < config.min_burst_pressure_m:
            warnings.append(f"burst node {node} falls to {low:.1f} m: its leak will be small and erratic")
    else:
        fit = [j for j, p in lowest.items() if p >= config.min_burst_pressure_m]
        if not fit:
            raise ValueError(f"no junction keeps {config.min_burst_pressure_m} m of pressure for a burst")
        node = fit[int(rng.integers(len(fit)))]
    if config.burst_start is not None:
        offset = (config.burst_start.astimezone(dt.timezone.utc) - start).total_seconds()
        start_step = int(offset // STEP_S)
        if offset % STEP_S or not history_steps <= start_step < steps:
            raise ValueError("burst start must be on a 15-minute step at or after history_until and before the end")
    else:
        # Leave at least two days (or half of the rest) to see the burst.
        room = steps - history_steps - min(2 * STEPS_PER_DAY, (steps - history_steps) // 2)
        start_step = history_steps + int(rng.integers(max(1, room)))
    end_step = steps
    if config.burst_duration_h is not None:
        end_step = min(steps, start_step + max(1, int(round(config.burst_duration_h * 3600 / STEP_S))))
    return hydraulics.LeakPlan(node, start_step, end_step, size_pct / 100.0 * mean_inflow_of(node))


def _summarise_engine_warnings(messages: tuple[str, ...]) -> list[str]:
    """EPANET warns once per time step ("At 17:30:00, system has negative pressures - ...");
    one line per kind of warning, with its count and first time, is enough."""
    kinds: dict[str, list[str]] = {}
    for message in messages:
        when, _, what = message.partition(",")
        kinds.setdefault(what.strip() or when, []).append(when.replace("At", "").strip())
    return [f"EPANET: {what} ({len(times)} step(s), first at {times[0]} h of the run, warm-up included)"
            for what, times in kinds.items()]
