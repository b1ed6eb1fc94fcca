"""Checks that a generated scenario folder honours CONTRACTS section 2 and that its truth is
the leak the simulation actually applied. Runs on Net1 over three days (a few seconds).

    python3 -m pytest tools/scenarios/test_generate.py -q
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import filecmp
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest
import wntr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from bwscen import networks, writer  # noqa: E402
from bwscen.scenario import STEP_S, ScenarioConfig, generate  # noqa: E402

FILE_NAME = re.compile(r"^(?P<logger>[A-Z]{2}\d{3})_(?P<time>\d{8}T\d{4})(_rcvd\d{8}T\d{4})?\.csv$")


def tiny(out: str, **changes) -> ScenarioConfig:
    config = ScenarioConfig(network="Net1", seed=7, out=out, history_days=2, after_days=1, burst_size_pct=10.0)
    return dataclasses.replace(config, **changes)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("scenarios") / "net1-tiny")
    return generate(tiny(folder))


@pytest.fixture(scope="module")
def twin_without_burst(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("scenarios") / "net1-tiny-n")
    return generate(tiny(folder, burst=False, burst_size_pct=None))


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def read_registry(folder: str) -> list[dict]:
    with open(os.path.join(folder, "loggers.csv"), encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_drop(folder: str) -> dict[tuple[str, str], str]:
    """(logger_id, timestamp) -> value text, failing on any file that breaks the format."""
    readings = {}
    for name in os.listdir(os.path.join(folder, "drop")):
        assert FILE_NAME.match(name), name
        with open(os.path.join(folder, "drop", name), encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        assert lines[0] == "logger_id,channel,timestamp,value", name
        assert len(lines) == 2, f"{name}: one reading per file"
        logger, channel, timestamp, value = lines[1].split(",")
        assert name.startswith(logger + "_")
        assert channel == ("flow" if logger.startswith("FM") else "pressure")
        assert (logger, timestamp) not in readings, f"duplicate reading {logger} {timestamp}"
        readings[(logger, timestamp)] = value
    return readings


def test_folder_has_the_contract_files(scenario):
    assert sorted(os.listdir(scenario.folder)) == ["drop", "loggers.csv", "network.inp", "scenario.json", "truth.json"]
    with open(os.path.join(scenario.folder, "network.inp"), "rb") as copied, \
            open(networks.CATALOG["Net1"].inp_path, "rb") as original:
        assert copied.read() == original.read(), "network.inp is the network as the utility has it (no leak)"


def test_registry_columns_units_and_elements(scenario):
    with open(os.path.join(scenario.folder, "loggers.csv"), encoding="utf-8") as handle:
        assert handle.readline().strip() == "logger_id,channel,quantity,element,dma,sign,unit"
    wn = wntr.network.WaterNetworkModel(os.path.join(scenario.folder, "network.inp"))
    rows = read_registry(scenario.folder)
    flows = [r for r in rows if r["quantity"] == "flow"]
    pressures = [r for r in rows if r["quantity"] == "pressure"]
    assert flows and pressures and len(flows) + len(pressures) == len(rows)
    for row in flows:
        assert row["channel"] == "flow" and row["unit"] == "l/s" and row["sign"] in ("1", "-1")
        assert row["element"] in wn.link_name_list
    for row in pressures:
        assert row["channel"] == "pressure" and row["unit"] == "m" and row["sign"] == ""
        assert row["element"] in wn.junction_name_list
    assert len({r["element"] for r in pressures}) == len(pressures), "one logger per junction"
    assert {r["dma"] for r in rows} == {"DMA-1"}


def test_scenario_json_describes_the_data(scenario):
    with open(os.path.join(scenario.folder, "scenario.json"), encoding="utf-8") as handle:
        info = json.load(handle)
    assert set(info) == {"name", "start", "step_s", "days", "history_until"}
    start = parse_time(info["start"])
    assert info["step_s"] == 900 and info["days"] == 3
    assert parse_time(info["history_until"]) == start + dt.timedelta(days=2)
    stamps = {parse_time(ts) for _, ts in read_drop(scenario.folder)}
    assert min(stamps) == start
    assert max(stamps) == start + dt.timedelta(days=3) - dt.timedelta(seconds=STEP_S)
    assert all((s - start).total_seconds() % STEP_S == 0 for s in stamps)


def test_values_have_logger_decimals_and_few_files_are_missing(scenario):
    rows = read_registry(scenario.folder)
    readings = read_drop(scenario.folder)
    decimals = {r["logger_id"]: (3 if r["quantity"] == "flow" else 2) for r in rows}
    for (logger, _), value in readings.items():
        assert re.fullmatch(r"-?\d+\.\d{%d}" % decimals[logger], value), value
    expected = len(rows) * 3 * 96
    assert 0.85 * expected <= len(readings) <= expected


def share_within_meter_noise(result, rows: list[dict], readings: dict, expected: np.ndarray) -> tuple[float, int]:
    """Share of the complete steps at which the signed sum of the meters in `rows` is
    `expected` (l/s per step) within meter noise, and how many steps were compared."""
    meters = [(r["logger_id"], int(r["sign"])) for r in rows if r["quantity"] == "flow"]
    within, compared = 0, 0
    for k, moment in enumerate(result.times):
        stamp = writer.iso(moment)
        if not all((m, stamp) in readings for m, _ in meters):
            continue
        values = [float(readings[(m, stamp)]) for m, _ in meters]
        signed = sum(sign * v for (_, sign), v in zip(meters, values))
        # Each meter is off by at most 1 % (1 s.d.) plus its rounding; allow 4 s.d.
        tolerance = 4 * np.sqrt(sum((0.01 * v) ** 2 for v in values)) + 0.001 * len(values)
        compared += 1
        within += abs(signed - expected[k]) <= tolerance
    return within / max(compared, 1), compared


def test_signed_flow_sum_is_consumption_plus_leak_within_meter_noise(scenario):
    share, compared = share_within_meter_noise(scenario, read_registry(scenario.folder), read_drop(scenario.folder),
                                               scenario.consumer_lps + scenario.leak_lps)
    assert compared > 200
    assert share > 0.99


def test_truth_is_the_leak_the_simulation_applied(scenario, twin_without_burst):
    with open(os.path.join(scenario.folder, "truth.json"), encoding="utf-8") as handle:
        truth = json.load(handle)
    (burst,) = truth["bursts"]
    assert set(burst) >= {"node", "start", "size_lps", "mean_demand_lps"}
    wn = wntr.network.WaterNetworkModel(os.path.join(scenario.folder, "network.inp"))
    assert burst["node"] in wn.junction_name_list
    start_step = scenario.times.index(parse_time(burst["start"]))
    assert start_step >= 2 * 96, "the burst starts at or after history_until"

    # Same seed without burst: same demands, so the whole extra inflow is the leak.
    meters = [c for c in scenario.channels if c.quantity == "flow"]
    assert [c.element for c in meters] == [c.element for c in twin_without_burst.channels if c.quantity == "flow"]
    signs = np.array([c.sign for c in meters], dtype=float)
    extra = scenario.clean[:, : len(meters)] @ signs - twin_without_burst.clean[:, : len(meters)] @ signs
    assert np.allclose(extra[:start_step], 0.0, atol=1e-3)
    assert extra[start_step:].min() > 0.0
    assert burst["size_lps"] == pytest.approx(extra[start_step:].mean(), abs=0.01)
    # 10 % of the mean inflow was asked for; pressure-dependent, so not exactly.
    assert burst["size_lps"] / burst["mean_demand_lps"] == pytest.approx(0.10, rel=0.15)
    history_inflow = twin_without_burst.clean[:start_step, : len(meters)] @ signs
    assert burst["mean_demand_lps"] == pytest.approx(history_inflow[: 2 * 96].mean(), rel=0.01)


def test_a_repaired_burst_ends_in_the_flows_and_in_the_truth(twin_without_burst, tmp_path):
    repaired = generate(tiny(str(tmp_path / "net1-tiny-r"), burst_duration_h=6))
    with open(os.path.join(repaired.folder, "truth.json"), encoding="utf-8") as handle:
        (burst,) = json.load(handle)["bursts"]
    start, end = parse_time(burst["start"]), parse_time(burst["end"])
    assert end - start == dt.timedelta(hours=6)
    start_step, end_step = repaired.times.index(start), repaired.times.index(end)
    meters = [c for c in repaired.channels if c.quantity == "flow"]
    signs = np.array([c.sign for c in meters], dtype=float)
    extra = repaired.clean[:, : len(meters)] @ signs - twin_without_burst.clean[:, : len(meters)] @ signs
    assert extra[start_step:end_step].min() > 0.0
    # After the repair the network draws what it would have drawn without the burst (up to
    # the tanks, which refill what the leak took).
    assert np.abs(extra[end_step:]).mean() < 0.1 * extra[start_step:end_step].mean()
    assert burst["size_lps"] == pytest.approx(extra[start_step:end_step].mean(), abs=0.01)


def test_no_burst_scenario_has_empty_truth(twin_without_burst):
    with open(os.path.join(twin_without_burst.folder, "truth.json"), encoding="utf-8") as handle:
        assert json.load(handle) == {"bursts": []}
    assert not twin_without_burst.leak_lps.any()


def test_same_seed_gives_byte_identical_files(scenario, tmp_path):
    again = generate(tiny(str(tmp_path / "again"), name=scenario.name))
    compared = filecmp.dircmp(scenario.folder, again.folder)
    assert not compared.diff_files and not compared.left_only and not compared.right_only
    drop = filecmp.dircmp(os.path.join(scenario.folder, "drop"), os.path.join(again.folder, "drop"))
    assert not drop.left_only and not drop.right_only
    _, mismatch, errors = filecmp.cmpfiles(drop.left, drop.right, drop.common_files, shallow=False)
    assert not mismatch and not errors

    other = generate(tiny(str(tmp_path / "other"), seed=8, name=scenario.name))
    first_flows = [v for (logger, _), v in sorted(read_drop(scenario.folder).items()) if logger == "FM001"][:96]
    other_flows = [v for (logger, _), v in sorted(read_drop(other.folder).items()) if logger == "FM001"][:96]
    assert first_flows != other_flows, "another seed gives other data"


def test_other_units_are_converted_and_registered(tmp_path):
    result = generate(tiny(str(tmp_path / "units"), flow_unit="m3/h", pressure_unit="kPa", burst=False,
                           burst_size_pct=None, missing_share=0.0, outage_probability=0.0,
                           flow_noise_pct=(0.0, 0.0), pressure_noise_m=0.0, pressure_bias_m=0.0))
    rows = read_registry(result.folder)
    assert {r["unit"] for r in rows} == {"m3/h", "kPa"}
    readings = read_drop(result.folder)
    for index, channel in enumerate(result.channels):
        value = float(readings[(channel.logger_id, writer.iso(result.times[5]))])
        factor = 3.6 if channel.quantity == "flow" else 9.80665
        assert value == pytest.approx(result.clean[5, index] * factor, abs=0.06)


def test_format_value_prints_no_negative_zero():
    assert writer.format_value(-0.0001, "flow", "l/s") == "0.000"
    assert writer.format_value(1.0, "flow", "m3/h") == "3.60"
    assert writer.format_value(-12.3456, "flow", "l/s") == "-12.346"
    assert writer.format_value(10.0, "pressure", "psi") == "14.22"


def test_a_finer_pattern_is_averaged_onto_the_window_and_a_coarser_one_held():
    # L-Town's patterns are 5-minute: each 15-minute window draws their mean.
    assert networks.resample_pattern([1.0, 2.0, 3.0, 4.0, 5.0, 9.0], 300, 900) == [2.0, 6.0]
    assert networks.resample_pattern([1.0, 2.0], 3600, 900) == [1.0] * 4 + [2.0] * 4
    with pytest.raises(ValueError, match="neither divides"):
        networks.resample_pattern([1.0, 2.0], 600, 900)


def test_command_line_refuses_contradicting_options(tmp_path):
    command = [sys.executable, os.path.join(HERE, "generate.py"), "--network", "Net1", "--seed", "1",
               "--out", str(tmp_path / "x"), "--no-burst", "--burst-node", "10"]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 2 and "--no-burst" in done.stderr
    command = [sys.executable, os.path.join(HERE, "generate.py"), "--network", "Nope", "--seed", "1",
               "--out", str(tmp_path / "y")]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 2 and "unknown network" in done.stderr


def test_suite_lists_enough_scenarios_over_enough_networks():
    from generate_suite import load_suite

    entries = load_suite()
    assert len(entries) >= 40
    assert len({e["network"] for e in entries}) >= 3
    assert all(e["network"] in networks.CATALOG for e in entries)
    bursts = [e for e in entries if e.get("burst", True)]
    assert len(bursts) < len(entries), "some scenarios have no burst"
    for e in bursts:
        assert 1.0 <= e["burst_size_pct"] <= 20.0
    bands = {e["band"] for e in bursts}
    assert bands == {"<2 %", "2-4 %", "4-10 %", "10-20 %"}


@pytest.fixture(scope="module")
def divided(tmp_path_factory):
    folder = str(tmp_path_factory.mktemp("scenarios") / "net3-divided")
    config = ScenarioConfig(network="Net3", seed=11, out=folder, history_days=2, after_days=1,
                            burst_size_pct=10.0, dmas=2)
    return generate(config)


def test_a_divided_network_meters_each_dma_on_its_own(divided):
    rows = read_registry(divided.folder)
    assert {r["dma"] for r in rows} == {"DMA-1", "DMA-2"}
    for dma in ("DMA-1", "DMA-2"):
        assert {r["quantity"] for r in rows if r["dma"] == dma} == {"flow", "pressure"}, dma
    # A link between the two DMAs is read into one and out of the other.
    by_link: dict[str, list[dict]] = {}
    for r in rows:
        if r["quantity"] == "flow":
            by_link.setdefault(r["element"], []).append(r)
    shared = [meters for meters in by_link.values() if len(meters) == 2]
    assert shared, "the two DMAs touch"
    for a, b in shared:
        assert {a["dma"], b["dma"]} == {"DMA-1", "DMA-2"} and int(a["sign"]) == -int(b["sign"])

    # Each DMA's signed meter sum is what its own junctions draw, plus the leak if it is there.
    readings = read_drop(divided.folder)
    burst_node = divided.truth["bursts"][0]["node"]
    burst_dma = next(name for name, junctions in divided.dma_junctions.items() if burst_node in junctions)
    for dma, consumer in divided.dma_consumer_lps.items():
        expected = consumer + (divided.leak_lps if dma == burst_dma else 0.0)
        share, compared = share_within_meter_noise(divided, [r for r in rows if r["dma"] == dma], readings, expected)
        assert compared > 200 and share > 0.99, dma
    # The burst's size is a share of its own DMA's mean inflow, not of the whole network's.
    history = 2 * 96
    own = float(divided.dma_consumer_lps[burst_dma][:history].mean())
    assert divided.mean_demand_lps == pytest.approx(own)
    assert own < 0.95 * float(divided.consumer_lps[:history].mean())
    # No junction is in two DMAs, and each DMA has its own pressure loggers.
    every = [j for junctions in divided.dma_junctions.values() for j in junctions]
    assert len(every) == len(set(every))
    for r in rows:
        if r["quantity"] == "pressure":
            assert r["element"] in divided.dma_junctions[r["dma"]], r


# The "network-pattern" demand style (the development scenarios' demand), checked on its plan
# alone: no EPANET run is needed to see what the junctions are asked to draw.

def pattern_plan(days: int = 21, **knobs):
    from bwscen import demands

    wn = networks.load_model(networks.CATALOG["Net3"])
    networks.prepare_for_long_run(wn, days * 86400)
    start = dt.datetime(2026, 3, 2, tzinfo=dt.timezone.utc)  # a Monday
    plan = demands.plan_pattern_demands(wn, start, days * 96, 1.0, demands.PatternDemandKnobs(**knobs),
                                        np.random.default_rng(5))
    return wn, plan


def test_network_pattern_style_draws_base_demands_on_the_networks_own_pattern():
    wn, plan = pattern_plan(group_noise_sd=0.0, group_shift_sd_h=0.0, day_factor_sd=0.0, weekend_volume=(1.0, 1.0))
    base = {name: sum(d.base_value for d in j.demand_timeseries_list) for name, j in wn.junctions()}
    # Junction 203 is a large consumer whose own pattern carries its volume; it keeps its base value.
    assert plan.junction_demand["203"][0] == pytest.approx(base["203"])
    pattern = np.asarray(wn.get_pattern("1").multipliers)[:96]
    # Base demand times the pattern, as EPANET would draw it (Net3's pattern has a mean of 1.07).
    assert plan.total.mean() == pytest.approx(sum(v for v in base.values() if v > 0) * pattern.mean(), rel=1e-6)
    first_day = plan.total[:96] / plan.total[:96].mean()
    assert np.corrcoef(first_day, pattern)[0, 1] > 0.95


def test_network_pattern_style_holds_each_days_level_and_moves_weekends_an_hour_later():
    _, plan = pattern_plan(group_noise_sd=0.0, group_shift_sd_h=0.0)
    days = plan.total.reshape(21, 96)
    monday, saturday = days[0], days[5]
    # A day's level holds from midnight to midnight: two weekdays differ by one factor only.
    ratio = days[1] / monday
    assert np.ptp(ratio) < 1e-9
    assert abs(ratio[0] - 1.0) > 1e-4, "day levels vary"
    # Saturday is Monday's shape an hour (four windows) later, at its own level.
    later = np.roll(monday, 4)
    assert np.ptp(saturday / later) < 1e-9


def test_network_pattern_styles_noise_has_no_memory():
    _, noisy = pattern_plan()
    _, clean = pattern_plan(group_noise_sd=0.0)
    residual = noisy.total / clean.total - 1.0
    assert 0.005 < residual.std() < 0.05
    assert abs(np.corrcoef(residual[1:], residual[:-1])[0, 1]) < 0.1


def test_pattern_suite_lists_every_band_and_scenarios_without_burst():
    from generate_suite import load_suite

    entries = load_suite(os.path.join(HERE, "suite-pattern.json"))
    assert {e["demand_style"] for e in entries} == {"network-pattern"}
    assert all(e["network"] in networks.CATALOG for e in entries)
    bursts = [e for e in entries if e.get("burst", True)]
    assert 0 < len(bursts) < len(entries)
    assert {e["band"] for e in bursts} == {"<2 %", "2-4 %", "4-10 %", "10-20 %"}


def test_heldout_suites_use_only_networks_development_never_saw():
    from generate_suite import load_suite

    suites = [load_suite(os.path.join(HERE, name)) for name in ("suite-heldout.json", "suite-wide.json")]
    used = [{e["network"] for e in entries} for entries in suites]
    # Each held-out network belongs to one suite, and none is a development network.
    assert used[0] | used[1] == set(networks.HELDOUT) and not used[0] & used[1]
    assert not set(networks.HELDOUT) & set(networks.CATALOG)
    for entries in suites:
        assert {e["demand_style"] for e in entries} == {"network-pattern"}
        for name in {e["network"] for e in entries}:
            mine = [e for e in entries if e["network"] == name]
            assert any(not e.get("burst", True) for e in mine) and any(e.get("burst", True) for e in mine)


def test_a_heldout_network_not_yet_fetched_says_how_to_fetch_it(tmp_path, monkeypatch):
    monkeypatch.setattr(networks, "HELDOUT_FOLDER", str(tmp_path))
    with pytest.raises(ValueError, match="fetch_networks.py"):
        networks.resolve("ky8")
    (tmp_path / "ky8.inp").write_text("[JUNCTIONS]\n")
    assert networks.resolve("ky8").inp_path == str(tmp_path / "ky8.inp")


def test_repairs_suite_repairs_every_burst_on_several_networks():
    from generate_suite import load_suite

    entries = load_suite(os.path.join(HERE, "suite-repairs.json"))
    assert all(e.get("burst", True) and e["burst_duration_h"] > 0 for e in entries)
    assert len({e["network"] for e in entries}) >= 3
    assert len({e["seed"] for e in entries}) == len(entries)
