"""Writes a scenario folder (CONTRACTS section 2) the way the development scenarios do:
one reading per data file named `<logger>_<YYYYMMDDTHHMM>.csv`, with a header row,
values in the logger's registered unit with a fixed number of decimals, and JSON files
indented by one space without a final newline."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass

import numpy as np

DMA = "DMA-1"

# Factor from l/s or m (of water column, 9806.65 Pa) to the unit, and the decimals a logger
# of that unit reports (about 1 cm of pressure, 0.1 % of a small flow). A US gallon is
# 3.785411784 l and a psi 6894.757293168 Pa, exactly.
FLOW_UNITS = {"l/s": (1.0, 3), "m3/h": (3.6, 2), "MLD": (0.0864, 4), "gpm": (60 / 3.785411784, 1)}
PRESSURE_UNITS = {"m": (1.0, 2), "bar": (0.0980665, 3), "kPa": (9.80665, 1), "psi": (9806.65 / 6894.757293168, 2)}


@dataclass(frozen=True)
class Channel:
    logger_id: str
    quantity: str  # "flow" or "pressure"
    element: str
    sign: int | None
    unit: str
    dma: str = DMA


@dataclass(frozen=True)
class DataFile:
    """One reading as it lands in drop/: `late_by_steps` > 0 marks a file that arrived
    that many steps after its reading time (named with `_rcvd<arrival>`)."""
    channel_index: int
    step: int
    value_si: float
    late_by_steps: int = 0


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def compact(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M")


def format_value(value_si: float, quantity: str, unit: str) -> str:
    factor, decimals = (FLOW_UNITS if quantity == "flow" else PRESSURE_UNITS)[unit]
    text = f"{value_si * factor:.{decimals}f}"
    # "-0.000" reads as odd in a logger file; a logger would print zero.
    return text[1:] if text.startswith("-") and float(text) == 0.0 else text


def _json(payload) -> str:
    return json.dumps(payload, indent=1)


def write_folder(folder: str, network_inp: str, channels: list[Channel], scenario: dict, truth: dict,
                 files: list[DataFile], start: dt.datetime, step_s: int) -> None:
    if os.path.exists(folder):
        shutil.rmtree(folder)
    os.makedirs(os.path.join(folder, "drop"))
    shutil.copyfile(network_inp, os.path.join(folder, "network.inp"))
    lines = ["logger_id,channel,quantity,element,dma,sign,unit"]
    for c in channels:
        sign = "" if c.sign is None else str(c.sign)
        lines.append(f"{c.logger_id},{c.quantity},{c.quantity},{c.element},{c.dma},{sign},{c.unit}")
    _write_text(os.path.join(folder, "loggers.csv"), "\n".join(lines) + "\n")
    _write_text(os.path.join(folder, "scenario.json"), _json(scenario))
    _write_text(os.path.join(folder, "truth.json"), _json(truth))
    # Fixed times on the folder's own files too, so that a packed scenario is reproducible.
    for name in ("network.inp", "loggers.csv", "scenario.json", "truth.json"):
        os.utime(os.path.join(folder, name), (start.timestamp(), start.timestamp()))

    drop = os.path.join(folder, "drop")
    step = dt.timedelta(seconds=step_s)
    for f in files:
        c = channels[f.channel_index]
        moment = start + f.step * step
        name = f"{c.logger_id}_{compact(moment)}"
        # A logger uploads a little after its reading; a late file much later.
        arrival = moment + dt.timedelta(seconds=60 + step_s * f.late_by_steps)
        if f.late_by_steps:
            name += f"_rcvd{compact(arrival)}"
        path = os.path.join(drop, name + ".csv")
        value = format_value(f.value_si, c.quantity, c.unit)
        _write_text(path, f"logger_id,channel,timestamp,value\n{c.logger_id},{c.quantity},{iso(moment)},{value}\n")
        stamp = arrival.timestamp()
        os.utime(path, (stamp, stamp))


def _write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def plan_files(clean: np.ndarray, channels: list[Channel], rng: np.random.Generator, *,
               flow_noise_range: tuple[float, float], pressure_noise_m: float, pressure_bias_m: float,
               missing_share: float, outage_probability: float, late_share: float) -> tuple[list[DataFile], np.ndarray]:
    """Adds sensor noise to the clean readings (step x channel, l/s or m), then drops some
    (isolated misses and, for some loggers, one outage of 1-8 hours) and marks a few as
    late. Returns the files and the noisy values (NaN where missing)."""
    steps, count = clean.shape
    noisy = clean.copy()
    for index, c in enumerate(channels):
        if c.quantity == "flow":
            relative = rng.uniform(*flow_noise_range)
            noisy[:, index] = clean[:, index] * (1.0 + rng.normal(0.0, relative, steps))
        else:
            bias = rng.normal(0.0, pressure_bias_m)
            noisy[:, index] = clean[:, index] + bias + rng.normal(0.0, pressure_noise_m, steps)
    present = rng.random((steps, count)) >= missing_share
    for index in range(count):
        if rng.random() < outage_probability:
            length = int(rng.integers(4, 33))
            first = int(rng.integers(0, max(1, steps - length)))
            present[first:first + length, index] = False
    late = (rng.random((steps, count)) < late_share) & present
    late_by = np.where(late, rng.integers(2, 13, (steps, count)), 0)
    files = [DataFile(index, k, float(noisy[k, index]), int(late_by[k, index]))
             for index in range(count) for k in range(steps) if present[k, index]]
    noisy[~present] = np.nan
    return files, noisy
