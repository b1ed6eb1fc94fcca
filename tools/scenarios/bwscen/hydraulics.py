"""Runs EPANET 2.2 (the engine inside wntr) step by step through its toolkit.

Stepping the engine ourselves lets a burst be an emitter that appears at a chosen time:
EPANET has no time-varying emitters in its input file, but its toolkit can set a node's
emitter coefficient between two hydraulic steps. An emitter is a pressure-dependent
leak, Q = C * p^0.5, so a burst grows or shrinks with the pressure around it. Only the
logged elements are read at each 15-minute report time, so a run costs little more
than EPANET's own solve, even on thousands of nodes.

The model is written in LPS units, so the toolkit speaks l/s and metres."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass

import numpy as np
import wntr
from wntr.epanet.toolkit import ENepanet

STEP_S = 900
# EPANET 2.2 toolkit codes.
EN_EMITTER = 3
EN_DEMAND = 9
EN_PRESSURE = 11
EN_FLOW = 8
EN_DURATION = 0
# The most the emitter is enlarged to make up for the pressure drop its leak causes.
MAX_CORRECTION = 1.3


@dataclass(frozen=True)
class LeakPlan:
    node: str
    start_step: int
    # Exclusive; the run's step count when the burst lasts to the end.
    end_step: int
    target_lps: float


@dataclass
class RunResult:
    # step x meter, l/s, EPANET sign (start node to end node).
    link_flows: np.ndarray
    # step x logger node, m.
    node_pressures: np.ndarray
    # Leak flow per step, l/s (zeros without a burst).
    leak_lps: np.ndarray
    emitter_coefficient: float = 0.0
    typical_pressure_m: float = float("nan")
    warnings: tuple[str, ...] = ()


def write_model(wn, folder: str) -> str:
    path = os.path.join(folder, "model.inp")
    wn.options.hydraulic.emitter_exponent = 0.5
    wntr.network.write_inpfile(wn, path, units="LPS")
    return path


def screen_pressures(inp_path: str, junctions: list[str], hours: int, skip_hours: int = 0) -> np.ndarray:
    """Every junction's lowest pressure over the first `hours` but the first `skip_hours`
    (sampled hourly), m, from a run without burst: keeps loggers and bursts off junctions
    that run (nearly) empty."""
    with _Engine(inp_path) as en:
        en.ENsettimeparam(EN_DURATION, hours * 3600)
        index = [en.ENgetnodeindex(j) for j in junctions]
        lowest = np.full(len(junctions), np.inf)
        for t in en.steps():
            if t % 3600 == 0 and t >= skip_hours * 3600:
                values = np.array([en.ENgetnodevalue(i, EN_PRESSURE) for i in index])
                lowest = np.minimum(lowest, values)
        return lowest


def run(inp_path: str, steps: int, meter_links: list[str], logger_nodes: list[str],
        leak: LeakPlan | None, consumer_lps_at_leak_node: np.ndarray | None, warmup_steps: int = 0) -> RunResult:
    """Simulates `warmup_steps` (discarded: tanks and pumps settle from the file's initial
    state) then `steps` report steps of 15 minutes, reading the meters' link flows and the
    loggers' pressures at each. With a leak (steps counted after the warm-up), sets the
    burst node's emitter at its start step, sized from the node's mean pressure over the
    day before less the drop the leak itself causes, and clears it at its end step. `consumer_lps_at_leak_node` covers the
    warm-up too."""
    total = warmup_steps + steps
    flows = np.zeros((steps, len(meter_links)))
    pressures = np.zeros((steps, len(logger_nodes)))
    leak_lps = np.zeros(steps)
    leak_pressure = np.zeros(total)
    coefficient, typical = 0.0, float("nan")
    with _Engine(inp_path) as en:
        en.ENsettimeparam(EN_DURATION, (total - 1) * STEP_S)
        link_index = [en.ENgetlinkindex(link) for link in meter_links]
        node_index = [en.ENgetnodeindex(node) for node in logger_nodes]
        leak_index = en.ENgetnodeindex(leak.node) if leak else None

        def solve(t: int) -> int:
            nonlocal coefficient, typical
            step = t // STEP_S - warmup_steps
            if leak is None or not (leak.start_step <= step < leak.end_step or coefficient > 0.0):
                return en.ENrunH()
            if coefficient == 0.0:
                first = warmup_steps + leak.start_step
                typical = float(leak_pressure[max(0, first - 96):first].mean())
                coefficient = _sized_emitter(en, leak_index, leak.target_lps, typical)
                en.ENsetnodevalue(leak_index, EN_EMITTER, coefficient)
            elif step >= leak.end_step:
                en.ENsetnodevalue(leak_index, EN_EMITTER, 0.0)
                coefficient = -coefficient  # Remembered, never set again.
            return en.ENrunH()

        for t in en.steps(solve):
            if t % STEP_S or t // STEP_S >= total:
                continue
            absolute = t // STEP_S
            if leak_index is not None:
                leak_pressure[absolute] = en.ENgetnodevalue(leak_index, EN_PRESSURE)
            k = absolute - warmup_steps
            if k < 0:
                continue
            flows[k] = [en.ENgetlinkvalue(i, EN_FLOW) for i in link_index]
            pressures[k] = [en.ENgetnodevalue(i, EN_PRESSURE) for i in node_index]
            if leak_index is not None:
                # EPANET's node demand includes the emitter's outflow.
                leak_lps[k] = en.ENgetnodevalue(leak_index, EN_DEMAND) - consumer_lps_at_leak_node[absolute]
        warnings = tuple(en.errcodelist)
    if leak is not None:
        leak_lps[: leak.start_step] = 0.0
        leak_lps[leak.end_step:] = 0.0
    return RunResult(flows, pressures, leak_lps, abs(coefficient), typical, warnings)


def _sized_emitter(en: "_Engine", node: int, target_lps: float, typical_m: float) -> float:
    """The emitter coefficient that gives about `target_lps` at the node's typical pressure
    once the leak itself has pulled that pressure down. The drop is measured by solving
    the current time without and with the leak (EPANET solves a time again until it is
    told to move on); a few rounds settle it."""
    en.ENsetnodevalue(node, EN_EMITTER, 0.0)
    en.ENrunH()
    without = en.ENgetnodevalue(node, EN_PRESSURE)
    plain = target_lps / np.sqrt(max(typical_m, 1.0))
    coefficient = plain
    for _ in range(4):
        en.ENsetnodevalue(node, EN_EMITTER, coefficient)
        en.ENrunH()
        drop = without - en.ENgetnodevalue(node, EN_PRESSURE)
        # Capped: where the network cannot carry the leak at all, a larger emitter only
        # drives the pressure towards zero (and EPANET towards non-convergence).
        coefficient = min(target_lps / np.sqrt(max(typical_m - drop, 1.0)), MAX_CORRECTION * plain)
    return coefficient


class _Engine(ENepanet):
    """An open EPANET project with its hydraulics initialised; closed on exit."""

    def __init__(self, inp_path: str):
        super().__init__(version=2.2)
        self._scratch = tempfile.TemporaryDirectory(prefix="bwscen-epanet-")
        self.ENopen(inp_path, os.path.join(self._scratch.name, "run.rpt"), os.path.join(self._scratch.name, "run.bin"))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        try:
            self.ENcloseH()
        except Exception:
            pass
        self.ENclose()
        self._scratch.cleanup()
        return False

    def steps(self, solve=None):
        """Yields each hydraulic time EPANET solves, after solving it. `solve(t)`, when
        given, solves time t in place of a plain ENrunH (it may change parameters and
        solve the same time more than once) and returns ENrunH's time."""
        self.ENopenH()
        self.ENinitH(0)
        t = 0
        while True:
            t = solve(t) if solve else self.ENrunH()
            yield t
            step = self.ENnextH()
            if step <= 0:
                return
            t += step
