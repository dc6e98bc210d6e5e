#!/usr/bin/env python3
"""Importing a large municipality's CVR extract: 60,000 production units.

    python3 bench/population.py              # SQLite
    python3 bench/population.py --postgres   # the local PostgreSQL

Seeds a jobcenter with 5,000 companies and 100,000 activities (`seed-demo`), starts the release
binary pinned to core 0 and, as a manager, uploads a generated 60,000-row extract through
/population (the page a manager uses), then the same extract a month later (5 % of the units
renamed, 1 % ceased, 2 % gone, 2 % new). Meanwhile a consultant of the same database keeps
opening the company list, one request after the other, and every latency is kept: the
import's batches must never hold the write lock long enough to stall a page. The figures are
written to bench/RESULTS.md under "Population import".

Needs the Rust toolchain (it runs the release binary). Nothing here runs under `cargo test`.
"""

import argparse
import datetime
import os
import random
import re
import sys
import threading
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the page benchmark's helpers)

UNITS = 60_000
TARGET_SECONDS = 60.0
TARGET_STALL_MS = 250.0  # no page waits longer than this during an import
HEADER = ("P-nummer;CVR-nummer;Navn;Adresse;Postnr;By;Hovedbranche kode;Hovedbranche tekst;"
          "Antal ansatte;Startdato;Ophørsdato;Reklamebeskyttet")
BANDS = ["ANTAL_0_0", "ANTAL_1_1", "ANTAL_2_4", "ANTAL_5_9", "ANTAL_10_19", "ANTAL_20_49",
         "ANTAL_50_99", "ANTAL_100_199", "ANTAL_200_499", "ANTAL_1000_999999", ""]
INDUSTRIES = [("561010", "Restauranter"), ("471100", "Supermarkeder"), ("412000", "Opførelse af bygninger"),
              ("862100", "Almen lægepraksis"), ("960210", "Frisører"), ("494100", "Vejgodstransport"),
              ("620100", "Computerprogrammering"), ("016100", "Planteavl")]
POSTCODES = [("4600", "Køge"), ("4623", "Lille Skensved"), ("4632", "Bjæverskov"), ("4681", "Herfølge")]
WEIGHTS = [2, 7, 6, 5, 4, 3, 2, 1]


def cvr(n):
    """A valid CVR number from a running number."""
    first = 10_000_000 + n * 13
    while True:
        digits = [int(d) for d in str(first)[:7]]
        total = sum(w * d for w, d in zip(WEIGHTS, digits))
        check = (11 - total % 11) % 11
        if check != 10:
            return "".join(map(str, digits)) + str(check)
        first += 10


def extract(units):
    lines = [HEADER]
    for p, (cvr_no, name, band, industry, place, end, protected) in units.items():
        address = f"Vej {p % 300 + 1}"
        lines.append(f"{p};{cvr_no};{name};{address};{place[0]};{place[1]};{industry[0]};{industry[1]};"
                     f"{band};01-0{p % 9 + 1}-20{p % 20 + 5:02d};{end};{'Ja' if protected else 'Nej'}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def first_units(rng):
    units = {}
    for i in range(UNITS):
        p = 1_000_000_000 + i
        units[p] = (cvr(i // 2), f"Virksomhed {i} ApS", rng.choice(BANDS), rng.choice(INDUSTRIES),
                    rng.choice(POSTCODES), "", rng.random() < 0.02)
    return units


def a_month_later(rng, units):
    later = {}
    for p, u in units.items():
        roll = rng.random()
        if roll < 0.02:
            continue  # gone from the extract
        if roll < 0.07:
            u = (u[0], u[1].replace("ApS", "A/S"), *u[2:])
        elif roll < 0.08:
            u = (*u[:5], "30-11-2026", u[6])
        later[p] = u
    for i in range(UNITS, UNITS + UNITS // 50):
        later[1_000_000_000 + i] = (cvr(i), f"Ny virksomhed {i} ApS", rng.choice(BANDS),
                                    rng.choice(INDUSTRIES), rng.choice(POSTCODES), "", False)
    return later


def upload(session, content):
    page = session.get("/population")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    boundary = uuid.uuid4().hex
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{csrf}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"cvr.csv\"\r\n"
            f"Content-Type: text/csv\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(bench.BASE + "/population", data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    started = time.monotonic()
    with session.opener.open(req, timeout=600) as r:
        answer = r.read().decode()
    seconds = time.monotonic() - started
    facts = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", answer))
    return seconds, facts


class Prober(threading.Thread):
    """Opens a page again and again, one request at a time, and keeps every latency."""

    def __init__(self, session, path):
        super().__init__(daemon=True)
        self.session, self.path = session, path
        self.latencies, self.statuses = [], {}
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                with self.session.opener.open(bench.BASE + self.path, timeout=60) as r:
                    r.read()
                    status = r.status
            except urllib.error.HTTPError as e:
                status = e.code
            self.latencies.append((time.monotonic() - started) * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1
            time.sleep(0.005)


def summary(latencies):
    s = sorted(latencies)
    return {"n": len(s), "p50": s[len(s) // 2], "p99": s[int(len(s) * 0.99)], "max": s[-1]}


def probe(session, path, during):
    prober = Prober(session, path)
    prober.start()
    result = during()
    prober.stop.set()
    prober.join()
    return result, summary(prober.latencies), prober.statuses


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--postgres", action="store_true", help="measure on the local PostgreSQL")
    args = ap.parse_args()

    backend = "PostgreSQL" if args.postgres else "SQLite"
    rng = random.Random(1)
    first = first_units(rng)
    later = a_month_later(rng, first)
    db = bench.Database(args.postgres, "population")
    try:
        print("seeding 5,000 companies, 100,000 activities ...", flush=True)
        bench.seed(db, 5000, 100000)
        proc, _ = bench.start_server(db)
        try:
            manager, consultant = bench.Session(bench.MANAGER), bench.Session(bench.CONSULTANT)
            page = "/companies"
            print("the company list, nothing else running", flush=True)
            _, idle, _ = probe(consultant, page, lambda: time.sleep(8))
            runs = []
            for label, units in (("first import", first), ("a month later", later)):
                content = extract(units)
                print(f"{label}: {len(units):,} units, {len(content) / 1e6:.1f} MB", flush=True)
                (seconds, facts), during, statuses = probe(consultant, page, lambda: upload(manager, content))
                runs.append((label, len(units), len(content), seconds, facts, during, statuses))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
    finally:
        db.drop()
    lines = [f"## Population import, {backend}", "",
             f"Measured {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} on {bench.machine()} by "
             f"`python3 bench/population.py{' --postgres' if args.postgres else ''}`: a generated CVR extract "
             f"uploaded through /population by a manager, into a database with 5,000 companies and 100,000 "
             f"activities, while a consultant opens the company list one request after the other.", "",
             "| import | units | file | seconds | added | changed | ceased | gone | list p50 ms | p99 ms | slowest ms | list answers |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
             f"| (none: the list alone) | | | | | | | | {idle['p50']:.1f} | {idle['p99']:.1f} | {idle['max']:.1f} | {idle['n']} |"]
    ok_time, ok_stall = True, True
    for label, n, size, seconds, facts, during, statuses in runs:
        ok_time &= seconds <= TARGET_SECONDS
        ok_stall &= during["max"] <= TARGET_STALL_MS and set(statuses) <= {200}
        lines.append(f"| {label} | {n:,} | {size / 1e6:.1f} MB | {seconds:.1f} | {facts.get('Nye', '?')} | "
                     f"{facts.get('Ændrede', '?')} | {facts.get('Ophørt siden sidst', '?')} | "
                     f"{facts.get('Ikke længere med i udtrækket', '?')} | {during['p50']:.1f} | {during['p99']:.1f} | "
                     f"{during['max']:.1f} | {during['n']} ({', '.join(f'{k}: {v}' for k, v in statuses.items())}) |")
    lines += ["", f"- {bench.verdict(ok_time)} each import of {UNITS:,} units takes under {TARGET_SECONDS:.0f} s",
              f"- {bench.verdict(ok_stall)} no page request waits more than {TARGET_STALL_MS:.0f} ms while an "
              f"import runs (batches of 500 units, each its own write transaction), and every one answers 200", ""]
    section = "\n".join(lines)
    print(section)
    bench.write_results(section, f"Population import, {backend}")


if __name__ == "__main__":
    sys.exit(main())
