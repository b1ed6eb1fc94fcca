#!/usr/bin/env python3
"""The import method burstwatch replaces, as the original study ran it.

A multiprocessing pool maps a read-file function over the logger files with a chunk
size; the main process then executes one INSERT per file into `readings` (the same
table shape burstwatch writes: logger_id, channel, ts, value in l/s or m, unique on
logger_id, channel, ts) and commits once at the end.

    BURSTWATCH_BENCH_DSN=postgresql://... python3 bench/original_method.py --dir FILES \
        --registry loggers.csv --processes 2 --chunksize 100

Prints one JSON line: {"seconds": ..., "files": ..., "rows": ...}. The time runs from
listing the folder to the commit, as the study timed it (interpreter start-up excluded).
"""
import argparse
import csv
import json
import os
import sys
import time
from multiprocessing import Pool

import psycopg2

# Factors to l/s (flow) and metres of head (pressure), as burstwatch converts.
UNIT_FACTORS = {
    "l/s": 1.0,
    "m3/h": 1000.0 / 3600.0,
    "MLD": 1_000_000.0 / 86_400.0,
    "gpm": 3.785411784 / 60.0,
    "m": 1.0,
    "bar": 100.0 / 9.80665,
    "kPa": 1.0 / 9.80665,
    "psi": 0.45359237 / 0.64516,
}

REGISTRY = {}


def load_registry(path):
    """(logger_id, channel) -> factor to SI, from a loggers.csv."""
    with open(path, newline="") as handle:
        return {(row["logger_id"], row["channel"]): UNIT_FACTORS[row["unit"]] for row in csv.DictReader(handle)}


def init_worker(registry):
    global REGISTRY
    REGISTRY = registry


def read_file(path):
    """Parses one logger file into rows (logger_id, channel, timestamp text, value in SI)."""
    rows = []
    with open(path, newline="") as handle:
        for record in csv.reader(handle):
            if not record or record[0].strip().lower() == "logger_id":
                continue
            logger_id, channel, timestamp, value = (field.strip() for field in record)
            factor = REGISTRY.get((logger_id, channel))
            if factor is None:
                continue
            rows.append((logger_id, channel, timestamp, float(value) * factor))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", required=True, help="folder of logger files")
    # The DSN may hold a password, so burstwatch hands it over in the environment,
    # never on the command line (where `ps` shows it to every user).
    parser.add_argument("--dsn", default=os.environ.get("BURSTWATCH_BENCH_DSN"),
                        help="libpq connection string or URL (default: $BURSTWATCH_BENCH_DSN)")
    parser.add_argument("--registry", required=True, help="loggers.csv with each channel's unit")
    parser.add_argument("--processes", type=int, default=os.cpu_count())
    parser.add_argument("--chunksize", type=int, default=100)
    args = parser.parse_args()
    if not args.dsn:
        parser.error("give --dsn or set BURSTWATCH_BENCH_DSN")
    registry = load_registry(args.registry)

    started = time.perf_counter()
    paths = sorted(os.path.join(args.dir, name) for name in os.listdir(args.dir))
    with Pool(args.processes, initializer=init_worker, initargs=(registry,)) as pool:
        parsed = pool.map(read_file, paths, chunksize=args.chunksize)
    connection = psycopg2.connect(args.dsn)
    cursor = connection.cursor()
    rows = 0
    for file_rows in parsed:
        if not file_rows:
            continue
        # One INSERT per file, all of the file's rows in it.
        values = ", ".join(["(%s, %s, %s, %s)"] * len(file_rows))
        cursor.execute(
            "INSERT INTO readings (logger_id, channel, ts, value) VALUES " + values + " ON CONFLICT DO NOTHING",
            [field for row in file_rows for field in row],
        )
        rows += len(file_rows)
    connection.commit()
    connection.close()
    elapsed = time.perf_counter() - started
    print(json.dumps({"seconds": elapsed, "files": len(paths), "rows": rows}))


if __name__ == "__main__":
    sys.exit(main())
