#!/usr/bin/env python3
"""The national benchmark: every jobcenter of the country on one PostgreSQL installation.

    python3 bench/national.py            # seed (or reuse) the national database and measure
    python3 bench/national.py --reseed   # drop it and seed it again
    python3 bench/national.py --quick    # a tenth of the size, short runs (a smoke test)

Seeds 98 jobcenters with 300,000 companies and 5,000,000 activities in all on the local
PostgreSQL (`BENCH_PG_URL`, default postgres://postgres@127.0.0.1:5432/postgres): one large
jobcenter with a tenth of them (a city), the other 97 sharing the rest evenly. Then it starts
the release binary as one instance and as three instances sharing `SECRET_KEY`, each time
behind haproxy (Debian's package, installed with apt-get when missing) balancing round-robin
with /readyz as its health check, and loads the key pages of the large jobcenter and of a
typical one with `oha`: maximum throughput, and p99 latency at half of it. The database is kept
between runs (`jc_national`), as seeding it takes a while; the results are written to
bench/RESULTS-national.md.

Needs: the Rust toolchain, a local PostgreSQL, haproxy and oha (both installed when missing).
Nothing here runs under `cargo test`.
"""

import argparse
import datetime
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as bench  # noqa: E402  (the single-instance benchmark's helpers)

JOBCENTERS = 98
COMPANIES = 300_000
ACTIVITIES = 5_000_000
CITY_SHARE = 10  # the large jobcenter holds 1/CITY_SHARE of the companies and activities
DB_NAME = "jc_national"
LB_PORT = 18480
SECRET = "national-benchmark-secret-key-0123456789abcdef"


def ensure_haproxy():
    if shutil.which("haproxy") is None:
        print("installing haproxy (apt-get) ...", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "haproxy"], check=True)


def sizes(scale):
    """(slug, name, companies, activities) of every jobcenter; the first is the city."""
    companies, activities = COMPANIES // scale, ACTIVITIES // scale
    city = (companies // CITY_SHARE, activities // CITY_SHARE)
    rest = (companies - city[0], activities - city[1])
    out = [("jc-001", "Jobcenter Storby", *city)]
    for i in range(1, JOBCENTERS):
        share = lambda total: total // (JOBCENTERS - 1) + (1 if i <= total % (JOBCENTERS - 1) else 0)
        out.append((f"jc-{i + 1:03}", f"Jobcenter Kommune {i + 1}", share(rest[0]), share(rest[1])))
    return out


class NationalDb:
    def __init__(self):
        self.name = DB_NAME
        self.url = bench.PG_ADMIN.rsplit("/", 1)[0] + "/" + self.name
        self.dir = tempfile.mkdtemp(prefix="jc-national-")

    def query(self, sql):
        out = bench.sh(["psql", self.url, "-At", "-F", "\t", "-c", sql]).stdout
        return [line.split("\t") for line in out.splitlines() if line]

    def exists(self):
        rows = bench.sh(["psql", bench.PG_ADMIN, "-At", "-c",
                         f"SELECT 1 FROM pg_database WHERE datname = '{self.name}'"]).stdout
        return rows.strip() == "1"

    def cli(self, *args, stdin=None):
        env = bench.env_for(self)
        return subprocess.run([bench.BIN, *args], input=stdin, text=True, check=True, env=env,
                              stdout=subprocess.DEVNULL)


def seed(db, plan):
    """Creates and fills every jobcenter; returns the seconds it took."""
    bench.sh(["psql", bench.PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {db.name}"])
    bench.sh(["psql", bench.PG_ADMIN, "-qc", f"CREATE DATABASE {db.name}"])
    started = time.monotonic()
    db.cli("migrate")
    for n, (slug, name, _, _) in enumerate(plan):
        db.cli("jobcenter", "add", "--name", name, "--municipality", f"{101 + n * 8:03}"[-3:],
               "--slug", slug)
    for n, (slug, _, companies, activities) in enumerate(plan):
        print(f"  seeding {slug}: {companies:,} companies, {activities:,} activities", flush=True)
        subprocess.run([bench.BIN, "seed-demo", "--jobcenter", slug, "--companies", str(companies),
                        "--activities", str(activities), "--placements", str(max(companies // 10, 10)),
                        "--campaigns", "5", "--requests", str(max(companies // 10, 10)),
                        "--seed", str(n + 1), "--password-stdin"],
                       input=bench.PASSWORD + "\n", text=True, check=True, env=bench.env_for(db),
                       stdout=subprocess.DEVNULL)
    db.query("VACUUM (ANALYZE)")
    db.query("CHECKPOINT")
    seconds = time.monotonic() - started
    # Kept with the database, for the reports of the runs that reuse it.
    db.query(f"COMMENT ON DATABASE {db.name} IS 'seeded in {seconds:.0f} s'")
    return seconds


def start_instances(db, count):
    procs = []
    for i in range(count):
        env = bench.env_for(db)
        env.update({"SECRET_KEY": SECRET, "DATA_DIR": tempfile.mkdtemp(prefix=f"jc-national-{i}-")})
        procs.append(subprocess.Popen([bench.BIN, "serve", "--bind", f"127.0.0.1:{LB_PORT + 1 + i}"],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    cfg = os.path.join(db.dir, f"haproxy-{count}.cfg")
    servers = "\n".join(f"    server app{i} 127.0.0.1:{LB_PORT + 1 + i} check" for i in range(count))
    with open(cfg, "w") as f:
        f.write(f"""global
    maxconn 2000
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option http-keep-alive
frontend crm
    bind 127.0.0.1:{LB_PORT}
    default_backend app
backend app
    balance roundrobin
    option httpchk GET /readyz
    default-server inter 1s
{servers}
""")
    procs.append(subprocess.Popen(["haproxy", "-db", "-f", cfg], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL))
    started = time.monotonic()
    # Ready when every instance answers through the balancer (its health checks have passed).
    while True:
        ok = 0
        for i in range(count):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{LB_PORT + 1 + i}/readyz", timeout=1) as r:
                    ok += r.status == 200
            except OSError:
                pass
        if ok == count:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{LB_PORT}/healthz", timeout=1) as r:
                    if r.status == 200:
                        time.sleep(2.5)  # haproxy's checks mark every server up
                        return procs
            except OSError:
                pass
        if any(p.poll() is not None for p in procs):
            stop(procs)
            raise SystemExit("an instance or haproxy did not start")
        if time.monotonic() - started > 120:
            stop(procs)
            raise SystemExit("the instances did not answer within two minutes")
        time.sleep(0.1)


def stop(procs):
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            p.kill()


def pages(db, slug):
    jc = db.query(f"SELECT id FROM jobcenters WHERE slug = '{slug}'")[0][0]
    busiest = db.query(f"SELECT company_id FROM activities WHERE jobcenter_id = {jc} "
                       "GROUP BY company_id ORDER BY count(*) DESC LIMIT 1")[0][0]
    campaign = db.query(f"SELECT t.campaign_id FROM campaign_targets t JOIN campaigns c ON c.id = t.campaign_id "
                        f"WHERE c.jobcenter_id = {jc} GROUP BY t.campaign_id ORDER BY count(*) DESC LIMIT 1")[0][0]
    consultant, manager = f"konsulent1@{slug}.jobcenter.dk", f"leder1@{slug}.jobcenter.dk"
    return [
        ("Start page /", "/", consultant),
        ("Company list, page 1", "/companies", consultant),
        ("Company search", "/companies?q=bageri", consultant),
        ("Company page (busiest company)", f"/companies/{busiest}", consultant),
        ("Follow-ups", "/follow-ups", consultant),
        ("Activity list (everyone's)", "/activities?consultant=all", manager),
        ("Campaign with the most targets", f"/campaigns/{campaign}", manager),
        ("Request inbox", "/requests", manager),
        ("Overview, this half-year", "/dashboard", manager),
        ("Goals of this half-year", "/goals", manager),
    ]


def measure(db, instances, jobcenters, seconds):
    procs = start_instances(db, instances)
    try:
        results = {}
        base = bench.oha("/static/app.css", None, seconds=seconds)
        for slug, label in jobcenters:
            sessions = {}
            rows = []
            for name, path, who in pages(db, slug):
                if who not in sessions:
                    sessions[who] = bench.Session(who)
                print(f"[{instances} instance(s)] {label}: {name}", flush=True)
                full = bench.oha(path, sessions[who].cookie, seconds=seconds)
                half = bench.oha(path, sessions[who].cookie, seconds=seconds,
                                 rate=max(int(full["rps"] / 2), 1))
                rows.append({"name": name, "max": full, "half": half})
            results[label] = rows
        return {"instances": instances, "base": base, "pages": results}
    finally:
        stop(procs)


def report(runs, seed_s, plan, db, seconds):
    one, many = runs
    size = db.query("SELECT pg_size_pretty(pg_database_size(current_database()))")[0][0]
    counted = db.query("SELECT (SELECT count(*) FROM jobcenters), (SELECT count(*) FROM companies), "
                       "(SELECT count(*) FROM activities)")[0]
    city, typical = plan[0], plan[1]
    lines = ["# National benchmark", "",
             "Written by `python3 bench/national.py` (see its docstring).", "",
             f"Measured {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} on {bench.machine()}, "
             f"{bench.sh(['psql', bench.PG_ADMIN, '-Atc', 'SHOW server_version']).stdout.strip()}, "
             f"everything on the same cores (database, app instances, haproxy and oha); {seconds} s per run.",
             "",
             f"The database: {int(counted[0]):,} jobcenters, {int(counted[1]):,} companies, "
             f"{int(counted[2]):,} activities, {size}. The large jobcenter (`{city[0]}`) holds "
             f"{city[2]:,} companies and {city[3]:,} activities; a typical one (`{typical[0]}`) "
             f"{typical[2]:,} and {typical[3]:,}.",
             (f"Seed time: {seed_s / 60:.1f} minutes (`seed-demo` per jobcenter, one after the other, "
              "then VACUUM ANALYZE)." if seed_s is not None else "Seed time: unknown (seeded before it was recorded)."),
             "",
             f"The baseline, a static asset through the balancer: {one['base']['rps']:.0f} req/s with one "
             f"instance, {many['base']['rps']:.0f} with {many['instances']}.", ""]
    for label in one["pages"]:
        lines += [f"## {label}", "",
                  f"| page | req/s, 1 instance | req/s, {many['instances']} instances | p99 ms at half rate, 1 | "
                  f"p99 ms at half rate, {many['instances']} | errors |",
                  "| --- | ---: | ---: | ---: | ---: | --- |"]
        for a, b in zip(one["pages"][label], many["pages"][label]):
            codes = set(a["max"]["codes"]) | set(b["max"]["codes"]) | set(a["half"]["codes"]) | set(b["half"]["codes"])
            errors = {**a["max"]["errors"], **b["max"]["errors"]}
            bad = sorted(c for c in codes if c != "200")
            lines.append(f"| {a['name']} | {a['max']['rps']:.0f} | {b['max']['rps']:.0f} | {a['half']['p99']:.1f} | "
                         f"{b['half']['p99']:.1f} | {', '.join(bad) or 'none'}{' ' + str(errors) if errors else ''} |")
        lines.append("")
    worst = max(r["half"]["p99"] for run in runs for rows in run["pages"].values() for r in rows)
    lines += ["## Targets", "",
              f"- {bench.verdict(worst <= bench.TARGET_P99_MS)} every read page p99 ≤ {bench.TARGET_P99_MS:.0f} ms "
              f"at half its maximum rate (worst: {worst:.1f} ms)", ""]
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reseed", action="store_true", help="drop the national database and seed it again")
    ap.add_argument("--quick", action="store_true", help="a tenth of the size and short runs")
    ap.add_argument("--instances", type=int, default=3, help="instances of the second run (default 3)")
    args = ap.parse_args()
    bench.ensure_tools()
    ensure_haproxy()
    bench.BASE = f"http://127.0.0.1:{LB_PORT}"
    scale, seconds = (10, 3) if args.quick else (1, 6)
    plan = sizes(scale)
    db = NationalDb()
    if args.quick:
        db.name += "_quick"
        db.url += "_quick"
    if args.reseed or not db.exists():
        print(f"seeding {len(plan)} jobcenters ...", flush=True)
        seed_s = seed(db, plan)
        print(f"seeded in {seed_s:.0f} s", flush=True)
    else:
        said = db.query(f"SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '{db.name}'")
        found = re.search(r"seeded in (\d+) s", said[0][0] if said and said[0] else "")
        seed_s = float(found.group(1)) if found else None
    jobcenters = [(plan[0][0], f"The large jobcenter ({plan[0][0]})"),
                  (plan[1][0], f"A typical jobcenter ({plan[1][0]})")]
    runs = [measure(db, n, jobcenters, seconds) for n in (1, args.instances)]
    text = report(runs, seed_s, plan, db, seconds)
    print(text)
    if not args.quick:
        path = os.path.join(bench.ROOT, "bench", "RESULTS-national.md")
        with open(path, "w") as f:
            f.write(text)
        print(f"written to {path}")


if __name__ == "__main__":
    sys.exit(main())
