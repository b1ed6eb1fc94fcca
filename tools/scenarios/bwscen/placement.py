"""Where the loggers go.

The DMA is every junction that belongs to a part of the network with consumers: the
junctions that link to each other (not through a reservoir or tank) form parts, and a
part without any demand (e.g. the suction and discharge nodes of a transfer pump between
two reservoirs) is left out. The DMA's boundary is every link with exactly one end in
it, so the signed sum of the flow meters on those links is, by mass balance, exactly
what the DMA's junctions draw: consumption plus leakage.

With `dmas` > 1 that DMA is split into that many connected DMAs (`split_dma`), the way a
utility divides a town: every link between two of them is metered on both sides (the
same pipe read into one DMA and out of the other), so each DMA's signed meter sum is
again exactly what its own junctions draw. The hydraulics are the undivided network's."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, dijkstra


DMA_NAME = "DMA-1"


def dma_name(part: int) -> str:
    return f"DMA-{part + 1}"


@dataclass(frozen=True)
class FlowMeter:
    logger_id: str
    link: str
    # 1 when a positive EPANET flow (start node to end node) enters the DMA.
    sign: int
    dma: str = DMA_NAME


@dataclass(frozen=True)
class PressureLogger:
    logger_id: str
    node: str
    dma: str = DMA_NAME


def dma_junctions(wn, demand_junctions: set[str]) -> list[str]:
    """Junctions (file order) of the parts of the network that have a consumer."""
    junctions = list(wn.junction_name_list)
    index = {name: i for i, name in enumerate(junctions)}
    rows, cols = [], []
    for link_name in wn.link_name_list:
        link = wn.get_link(link_name)
        a, b = index.get(link.start_node_name), index.get(link.end_node_name)
        if a is not None and b is not None:
            rows.append(a)
            cols.append(b)
    n = len(junctions)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    _, part = connected_components(graph, directed=False)
    with_consumers = {part[index[j]] for j in demand_junctions}
    return [j for j in junctions if part[index[j]] in with_consumers]


def flow_meters(wn, dma: list[str], name: str = DMA_NAME, first_number: int = 1) -> list[FlowMeter]:
    """One meter on each link with exactly one end in the DMA, numbered FM001, FM002, ...
    (from `first_number`): the sources first (reservoirs, then tanks, then any junction
    outside, each in file order), and each one's links in file order."""
    inside = set(dma)
    outside = list(wn.reservoir_name_list) + list(wn.tank_name_list)
    outside += [j for j in wn.junction_name_list if j not in inside]
    meters: list[FlowMeter] = []
    for node in outside:
        for link_name in _links_in_file_order(wn, node):
            link = wn.get_link(link_name)
            start, end = link.start_node_name, link.end_node_name
            if (start in inside) == (end in inside):
                continue
            sign = 1 if end in inside else -1
            meters.append(FlowMeter(f"FM{first_number + len(meters):03d}", link_name, sign, name))
    if not meters:
        raise ValueError("the DMA has no link to a reservoir or tank, so it has no metered inflow")
    return meters


def split_dma(wn, dma: list[str], parts: int, seed_candidates: list[str],
              rng: np.random.Generator) -> list[list[str]]:
    """Splits the DMA's junctions into `parts` DMAs (each in file order): seeds spread by
    farthest-point placement along the pipes among `seed_candidates` (junctions fit for a
    logger, so every DMA can have one), then every junction joins the seed that reaches it
    first, all seeds growing at once along the links (through tanks, never through a
    reservoir). A DMA is thus connected, if need be through a tank (whose links are metered)."""
    if parts <= 1:
        return [list(dma)]
    if parts > len(seed_candidates):
        raise ValueError(f"cannot split the DMA into {parts}: only {len(seed_candidates)} junctions fit for a logger")
    reservoirs = set(wn.reservoir_name_list)
    neighbours: dict[str, list[tuple[str, float]]] = {}
    for link_name in wn.link_name_list:
        link = wn.get_link(link_name)
        a, b = link.start_node_name, link.end_node_name
        if a in reservoirs or b in reservoirs:
            continue
        length = max(float(getattr(link, "length", 1.0) or 1.0), 0.01)
        neighbours.setdefault(a, []).append((b, length))
        neighbours.setdefault(b, []).append((a, length))
    seeds = [p.node for p in pressure_loggers(wn, parts, seed_candidates, rng)]
    label: dict[str, int] = {}
    heap = [(0.0, index, seed) for index, seed in enumerate(seeds)]
    while heap:
        distance, part, node = heapq.heappop(heap)
        if node in label:
            continue
        label[node] = part
        for other, length in neighbours.get(node, []):
            if other not in label:
                heapq.heappush(heap, (distance + length, part, other))
    # A junction no seed reaches (a piece fed only by a reservoir) joins the first DMA.
    return [[j for j in dma if label.get(j, 0) == part] for part in range(parts)]


def _links_in_file_order(wn, node: str) -> list[str]:
    order = {name: index for index, name in enumerate(wn.link_name_list)}
    return sorted(wn.get_links_for_node(node), key=order.__getitem__)


def default_pressure_logger_count(junction_count: int) -> int:
    """About the square root of the junction count, between 3 and 20: ten for Net3 (as
    in the development scenarios), 20 for the Kentucky networks."""
    return int(min(20, max(3, round(junction_count ** 0.5))))


def pressure_loggers(wn, count: int, candidates: list[str], rng: np.random.Generator, name: str = DMA_NAME,
                     first_number: int = 1) -> list[PressureLogger]:
    """Greedy farthest-point placement along the pipes: a random first junction, then
    each next one the candidate farthest (network distance) from those already chosen."""
    if count <= 0:
        return []
    if not candidates:
        raise ValueError("no junction is fit for a pressure logger")
    graph = NetworkDistances(wn)
    candidate_index = np.array([graph.index[name] for name in candidates])
    chosen = [int(rng.integers(len(candidates)))]
    nearest = graph.from_node(candidates[chosen[0]])[candidate_index]
    while len(chosen) < min(count, len(candidates)):
        # Unreachable candidates (another zone) come first: they are the farthest of all.
        score = np.where(np.isfinite(nearest), nearest, np.inf)
        score[chosen] = -1.0
        best = int(np.argmax(score))
        chosen.append(best)
        nearest = np.minimum(nearest, graph.from_node(candidates[best])[candidate_index])
    return [PressureLogger(f"PL{first_number + i:03d}", candidates[c], name) for i, c in enumerate(chosen)]


class NetworkDistances:
    """Shortest distances along the network, links weighted by pipe length (pumps and
    valves count as 1 m), in either direction."""

    def __init__(self, wn):
        names = list(wn.node_name_list)
        self.index = {name: i for i, name in enumerate(names)}
        # Parallel links (e.g. pumps side by side) would be summed by the sparse matrix:
        # keep the shortest of each node pair instead.
        shortest: dict[tuple[int, int], float] = {}
        for link_name in wn.link_name_list:
            link = wn.get_link(link_name)
            # A zero weight would read as "no edge" to the sparse graph.
            length = max(float(getattr(link, "length", 1.0) or 1.0), 0.01)
            a, b = self.index[link.start_node_name], self.index[link.end_node_name]
            key = (min(a, b), max(a, b))
            shortest[key] = min(length, shortest.get(key, np.inf))
        rows = [a for a, _ in shortest] + [b for _, b in shortest]
        cols = [b for _, b in shortest] + [a for a, _ in shortest]
        weights = list(shortest.values()) * 2
        n = len(names)
        self.matrix = coo_matrix((weights, (rows, cols)), shape=(n, n)).tocsr()

    def from_node(self, name: str) -> np.ndarray:
        return dijkstra(self.matrix, directed=False, indices=self.index[name])
