"""Stochastic consumer demand, replacing the network's own demand patterns.

Each junction keeps the mean demand the network file gives it (base demand times the mean
of its pattern, times the catalog's multiplier), so the network's pumps and tanks keep
working as designed. What changes is the shape in time:

- "residential" junctions (those on the network's most common pattern) follow a
  synthetic diurnal profile, with a morning and an evening peak on weekdays and a later,
  flatter morning on weekends; its peak times and heights are drawn per scenario;
- junctions on any other pattern (large consumers, e.g. Net3's industry) keep their own
  schedule, repeated daily, with a smaller day-to-day variation;
- every day gets a random volume factor (autocorrelated from day to day), smoothed
  across midnight so that it adds no step to the flow;
- residential junctions are split into groups, each with its own peak timing, peak
  height and short-term noise, and each junction gets its own fixed scale; groups (not
  single junctions) keep the number of EPANET patterns small on large networks;
- a constant share of the mean demand stands for background leakage and night use.

A second style, "network-pattern", follows the development scenarios in shared/scenarios
instead (measured from their inflow: a shape that is the network's own pattern, a level
that changes at midnight and holds for the day with a s.d. of about 6 %, weekends an hour
later and lower, and a window-to-window noise with no memory): every consumer junction
draws its base demand on the network's most common pattern, and `PatternDemandKnobs`
sets the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

STEP_S = 900
STEPS_PER_DAY = 86400 // STEP_S


@dataclass(frozen=True)
class DemandKnobs:
    day_factor_sd: float = 0.04
    group_noise_sd: float = 0.15
    junction_scale_sd: float = 0.15
    background_share: float = 0.10
    max_groups: int = 64


STYLES = ("synthetic", "network-pattern")


@dataclass(frozen=True)
class PatternDemandKnobs:
    """The "network-pattern" style. Defaults measured on shared/scenarios' Net3 pair."""
    day_factor_sd: float = 0.05
    # Window-to-window noise of each group (white): with Net3's 64 groups the inflow's
    # residual is 2.7 % of its profile with the meters' noise, as in the development pair.
    group_noise_sd: float = 0.15
    # Each group's clock is off by a random shift (h), which also smooths an hourly pattern.
    group_shift_sd_h: float = 0.5
    weekend_shift_h: float = 1.0
    weekend_volume: tuple[float, float] = (0.88, 0.96)
    max_groups: int = 64


@dataclass
class DemandPlan:
    # Junction id -> (mean demand in m3/s, pattern name); junctions without demand are absent.
    junction_demand: dict[str, tuple[float, str]]
    # Pattern name -> multiplier per 15-minute step.
    patterns: dict[str, np.ndarray]
    # Total consumer demand per step, m3/s (what the DMA draws besides any leak).
    total: np.ndarray = field(default_factory=lambda: np.zeros(0))
    residential_pattern: str | None = None
    special_junctions: list[str] = field(default_factory=list)

    def demand_at(self, junction: str) -> np.ndarray:
        """The junction's consumer demand per step, m3/s."""
        if junction not in self.junction_demand:
            return np.zeros_like(self.total)
        mean, pattern = self.junction_demand[junction]
        return mean * self.patterns[pattern]


def plan_demands(wn, start: dt.datetime, steps: int, multiplier: float, knobs: DemandKnobs,
                 rng: np.random.Generator) -> DemandPlan:
    means, dominant = _mean_demands(wn, multiplier)
    _check_consumers(means)
    residential_pattern = _most_common(dominant.values())
    residential = [j for j in means if dominant[j] == residential_pattern and means[j] > 0]
    special = [j for j in means if dominant[j] != residential_pattern and means[j] > 0]

    day_factor = _smoothed_day_factors(steps, knobs.day_factor_sd, rng)
    plan = DemandPlan({}, {}, residential_pattern=residential_pattern, special_junctions=special)

    if residential:
        scales = np.exp(rng.normal(0.0, knobs.junction_scale_sd, len(residential)))
        raw = np.array([means[j] for j in residential]) * scales
        # The fixed scales move demand between junctions, never the total.
        raw *= sum(means[j] for j in residential) / raw.sum()
        group_count = min(len(residential), knobs.max_groups)
        groups = rng.permutation(len(residential)) % group_count
        shape = _ResidentialShape.draw(rng)
        for g in range(group_count):
            profile = shape.profile(start, steps, shift_h=rng.normal(0.0, 0.33),
                                    height=float(np.clip(rng.normal(1.0, 0.08), 0.7, 1.3)))
            noise = _ar1(steps, 0.9, knobs.group_noise_sd, rng)
            variable = profile * day_factor * np.maximum(0.0, 1.0 + noise)
            plan.patterns[f"bwres{g:03d}"] = knobs.background_share + (1.0 - knobs.background_share) * variable
        for j, mean, g in zip(residential, raw, groups):
            plan.junction_demand[j] = (float(mean), f"bwres{int(g):03d}")

    for index, j in enumerate(special):
        own = _own_schedule(wn, j, steps)
        factor = 1.0 + (day_factor - 1.0) * 0.5
        noise = _ar1(steps, 0.9, 0.03, rng)
        name = f"bwsp{index:03d}"
        plan.patterns[name] = own * factor * np.maximum(0.0, 1.0 + noise)
        plan.junction_demand[j] = (means[j], name)

    plan.total = _total(plan, steps)
    return plan


def plan_pattern_demands(wn, start: dt.datetime, steps: int, multiplier: float, knobs: PatternDemandKnobs,
                         rng: np.random.Generator) -> DemandPlan:
    """The "network-pattern" style: every junction with a demand draws its base demand (the
    sum of its demand entries' base values, times the catalog's multiplier) times the
    network's most common pattern, which repeats daily, an hour later and lower on weekends; each
    day's volume factor holds from midnight to midnight."""
    means, dominant = _base_demands(wn, multiplier)
    _check_consumers(means)
    pattern_name = _most_common(dominant.values())
    daily = _daily_shape(wn, pattern_name)
    days = steps // STEPS_PER_DAY + 2
    day_index = np.arange(steps) // STEPS_PER_DAY
    weekend = ((start.weekday() + day_index) % 7) >= 5
    day_factor = np.clip(1.0 + _ar1(days, 0.5, knobs.day_factor_sd, rng), 0.7, 1.3)[day_index]
    weekend_volume = rng.uniform(*knobs.weekend_volume)
    day_factor = np.where(weekend, day_factor * weekend_volume, day_factor)

    junctions = sorted(j for j, mean in means.items() if mean > 0)
    group_count = min(len(junctions), knobs.max_groups)
    groups = rng.permutation(len(junctions)) % group_count
    plan = DemandPlan({}, {}, residential_pattern=pattern_name)
    hours = (np.arange(steps) * STEP_S / 3600.0) % 24.0
    for g in range(group_count):
        shift = rng.normal(0.0, knobs.group_shift_sd_h) + np.where(weekend, knobs.weekend_shift_h, 0.0)
        shape = _periodic_interp(daily, hours - shift)
        noise = rng.normal(0.0, knobs.group_noise_sd, steps)
        plan.patterns[f"bwpat{g:03d}"] = shape * day_factor * np.maximum(0.0, 1.0 + noise)
    for j, g in zip(junctions, groups):
        plan.junction_demand[j] = (means[j], f"bwpat{int(g):03d}")
    plan.total = _total(plan, steps)
    return plan


def _base_demands(wn, multiplier: float) -> tuple[dict[str, float], dict[str, str | None]]:
    """Each junction's summed base demand and its largest entry's pattern (a large consumer
    whose pattern carries its volume keeps only its base value, as in the development
    scenarios)."""
    means: dict[str, float] = {}
    dominant: dict[str, str | None] = {}
    for name, junction in wn.junctions():
        entries = list(junction.demand_timeseries_list)
        total = sum(d.base_value for d in entries)
        if entries and total != 0.0:
            largest = max(entries, key=lambda d: abs(d.base_value))
            means[name] = total * multiplier
            dominant[name] = largest.pattern_name or wn.options.hydraulic.pattern
    return means, dominant


def _daily_shape(wn, pattern_name: str | None) -> np.ndarray:
    """One day of the pattern's multipliers on the 15-minute step (a shorter pattern repeats,
    a longer one is cut to its first day). Not normalised: a junction draws its base demand
    times the pattern, as EPANET would (Net6's pattern has a mean of 0.41, and its pipes
    carry only that); flat when there is no pattern."""
    multipliers = _pattern_multipliers(wn, pattern_name)
    if len(multipliers) < 2 or multipliers.mean() <= 0:
        return np.ones(STEPS_PER_DAY)
    return np.resize(multipliers, STEPS_PER_DAY)


def _periodic_interp(daily: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """The daily shape at fractional hours, linear between its steps, wrapping at midnight."""
    step_h = 24.0 / len(daily)
    position = (hours % 24.0) / step_h
    below = np.floor(position).astype(int) % len(daily)
    above = (below + 1) % len(daily)
    weight = position - np.floor(position)
    return daily[below] * (1.0 - weight) + daily[above] * weight


def _check_consumers(means: dict[str, float]) -> None:
    if not means:
        raise ValueError("the network has no consumer demand")
    negative = [name for name, mean in means.items() if mean < 0]
    if negative:
        raise ValueError(f"junction {negative[0]} has a negative demand (an unmetered source): not supported")


def _total(plan: DemandPlan, steps: int) -> np.ndarray:
    """What all junctions draw per step, m3/s (summed in the plan's order: the files of a
    seed must not change)."""
    total = np.zeros(steps)
    for mean, pattern in plan.junction_demand.values():
        total += mean * plan.patterns[pattern]
    return total


def install(wn, plan: DemandPlan) -> None:
    """Replaces every junction's demands in `wn` by the plan's."""
    for name, multipliers in plan.patterns.items():
        wn.add_pattern(name, [float(m) for m in multipliers])
    for name, junction in wn.junctions():
        junction.demand_timeseries_list.clear()
        if name in plan.junction_demand:
            mean, pattern = plan.junction_demand[name]
            junction.add_demand(mean, pattern)


def _pattern_multipliers(wn, pattern_name: str | None) -> np.ndarray:
    name = pattern_name or wn.options.hydraulic.pattern
    if name and name in wn.pattern_name_list:
        return np.asarray(wn.get_pattern(name).multipliers, dtype=float)
    return np.ones(1)


def _mean_demands(wn, multiplier: float) -> tuple[dict[str, float], dict[str, str | None]]:
    means: dict[str, float] = {}
    dominant: dict[str, str | None] = {}
    for name, junction in wn.junctions():
        best, best_share, total = None, -1.0, 0.0
        for demand in junction.demand_timeseries_list:
            share = demand.base_value * float(np.mean(_pattern_multipliers(wn, demand.pattern_name)))
            total += share
            if abs(share) > best_share:
                best, best_share = demand.pattern_name or wn.options.hydraulic.pattern, abs(share)
        if total != 0.0:
            means[name] = total * multiplier
            dominant[name] = best
    return means, dominant


def _most_common(values) -> str | None:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    # Ties go to the name that sorts first, so the choice never depends on dict order.
    return min(counts, key=lambda v: (-counts[v], str(v)))


def _own_schedule(wn, junction: str, steps: int) -> np.ndarray:
    """The junction's own demand shape (sum of its demand entries), normalised to mean 1,
    repeated over the run (patterns are already on the 15-minute step)."""
    entries = wn.get_node(junction).demand_timeseries_list
    length = int(np.lcm.reduce([len(_pattern_multipliers(wn, d.pattern_name)) for d in entries]))
    shape = np.zeros(length)
    for demand in entries:
        multipliers = _pattern_multipliers(wn, demand.pattern_name)
        shape += demand.base_value * np.tile(multipliers, length // len(multipliers))
    shape /= shape.mean()
    return np.resize(shape, steps)


def _ar1(steps: int, phi: float, sd: float, rng: np.random.Generator) -> np.ndarray:
    """A stationary AR(1) series with marginal standard deviation `sd`."""
    shocks = rng.normal(0.0, sd * np.sqrt(1.0 - phi * phi), steps)
    out = np.empty(steps)
    previous = rng.normal(0.0, sd)
    for k in range(steps):
        previous = phi * previous + shocks[k]
        out[k] = previous
    return out


def _smoothed_day_factors(steps: int, sd: float, rng: np.random.Generator) -> np.ndarray:
    days = steps // STEPS_PER_DAY + 2
    daily = np.clip(1.0 + _ar1(days, 0.5, sd, rng), 0.7, 1.3)
    centres = (np.arange(days) + 0.5) * STEPS_PER_DAY
    return np.interp(np.arange(steps), centres, daily)


@dataclass(frozen=True)
class _ResidentialShape:
    """Peaks (hour, width, height) over a base level, for weekdays and weekends."""
    base: float
    weekday: tuple[tuple[float, float, float], ...]
    weekend: tuple[tuple[float, float, float], ...]
    weekend_volume: float

    @staticmethod
    def draw(rng: np.random.Generator) -> "_ResidentialShape":
        def peak(hour, width, height):
            return (hour + rng.uniform(-0.5, 0.5), width * rng.uniform(0.85, 1.15), height * rng.uniform(0.8, 1.2))
        return _ResidentialShape(
            base=rng.uniform(0.3, 0.45),
            weekday=(peak(7.25, 1.3, 1.0), peak(12.5, 2.5, 0.35), peak(19.5, 2.0, 0.75)),
            weekend=(peak(9.5, 2.0, 0.7), peak(13.0, 3.0, 0.5), peak(19.5, 2.2, 0.7)),
            weekend_volume=rng.uniform(0.97, 1.10),
        )

    def profile(self, start: dt.datetime, steps: int, shift_h: float, height: float) -> np.ndarray:
        hours = (np.arange(steps) * STEP_S / 3600.0) % 24.0
        day_index = np.arange(steps) // STEPS_PER_DAY
        weekend = ((start.weekday() + day_index) % 7) >= 5
        weekday_curve = self._curve(self.weekday, hours - shift_h)
        weekend_curve = self._curve(self.weekend, hours - shift_h) * self.weekend_volume
        curve = np.where(weekend, weekend_curve, weekday_curve)
        # `height` stretches the peaks around the mean, keeping the daily volume.
        return 1.0 + height * (curve - 1.0)

    def _curve(self, peaks, hours: np.ndarray) -> np.ndarray:
        def value(h):
            total = np.full_like(h, self.base, dtype=float)
            for centre, width, amplitude in peaks:
                offset = (h - centre + 12.0) % 24.0 - 12.0
                total += amplitude * np.exp(-0.5 * (offset / width) ** 2)
            return total
        # Normalise on a fine grid of one whole day so the mean is exactly 1.
        grid = np.arange(0.0, 24.0, 0.25)
        return value(hours) / value(grid).mean()
