#!/usr/bin/env python3
"""Benchmark of jobcenter-crm's key pages at two database sizes.

    python3 bench/run.py                 # SQLite, sizes 5k/100k and 50k/1M
    python3 bench/run.py --postgres      # the same on the local PostgreSQL
    python3 bench/run.py --quick         # 2k/20k and 5k/100k, short runs (a smoke test)

For each size it seeds a fresh database with `seed-demo`, starts the release binary pinned to
core 0, signs in, and loads every page with `oha` pinned to core 1: first as fast as it goes
(throughput), then at half that rate (latency under load). A static asset served through the
same middleware is the baseline of the same run, measured again between the pages (a shared
machine's speed drifts); every page is reported as requests/s, p50 and p99 latency and its
ratio to the mean of the baseline runs just before and after it, with the server's peak RSS.
The results are written to bench/RESULTS.md (one section per database), which the README
links to.

Needs: the Rust toolchain; oha (installed with `cargo install oha --locked` when missing).
Nothing here runs under `cargo test`.
"""

import argparse
import base64
import datetime
import http.cookiejar
import json
import os
import platform
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.join(ROOT, "target", "release", "jobcenter-crm")
PORT = 18471
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "benchmark-adgangskode"
CONSULTANT = "konsulent1@demo.jobcenter.dk"
MANAGER = "leder1@demo.jobcenter.dk"
PG_ADMIN = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")

TARGET_RATIO = 0.10  # every read page ≥ 10 % of the baseline's throughput
TARGET_P99_MS = 25.0  # p99 at half the page's maximum rate
TARGET_GROWTH = 2.0  # p99 from the small to the large size
TARGET_WRITES = 500  # activities per second with 32 clients on SQLite
TARGET_WRITE_P99_MS = 100.0  # p99 of logging an activity with 16 clients
TARGET_RSS_MB = 100
TARGET_STARTUP_S = 1.0


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, text=True, capture_output=True, **kw)


def ensure_tools():
    if shutil.which("oha") is None:
        print("installing oha (cargo install oha --locked) ...", flush=True)
        subprocess.run(["cargo", "install", "oha", "--locked"], check=True)
    print("building the release binary ...", flush=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], check=True, cwd=ROOT)


class Database:
    """A fresh database of one size: a SQLite file or a PostgreSQL database."""

    def __init__(self, postgres, label):
        self.postgres = postgres
        self.dir = tempfile.mkdtemp(prefix=f"jc-bench-{label}-")
        if postgres:
            self.name = f"jc_bench_{label}_{os.getpid()}"
            sh(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {self.name}"])
            sh(["psql", PG_ADMIN, "-qc", f"CREATE DATABASE {self.name}"])
            self.url = PG_ADMIN.rsplit("/", 1)[0] + "/" + self.name
        else:
            self.url = os.path.join(self.dir, "bench.db")

    def query(self, sql):
        if self.postgres:
            out = sh(["psql", self.url, "-AtF", "\t", "-c", sql]).stdout.strip()
            return [tuple(line.split("\t")) for line in out.splitlines() if line]
        with sqlite3.connect(self.url) as conn:
            return [tuple(str(v) for v in row) for row in conn.execute(sql)]

    def drop(self):
        if self.postgres:
            sh(["psql", PG_ADMIN, "-qc", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"])
        shutil.rmtree(self.dir, ignore_errors=True)


def env_for(db):
    env = dict(os.environ)
    # The public form's per-address limit is off: every submission comes from 127.0.0.1; the
    # API's per-token limit is far above what one token asks for here.
    env.update({"DATABASE_URL": db.url, "DATA_DIR": db.dir, "RUST_LOG": "warn", "CONTACT_FORM_LIMIT": "0",
                "API_RATE_LIMIT": "100000000"})
    return env


def seed(db, companies, activities):
    args = [
        BIN, "seed-demo", "--companies", str(companies), "--activities", str(activities),
        "--placements", str(max(companies // 10, 100)), "--campaigns", "20",
        "--requests", str(max(companies // 10, 100)),
        # 20,000 needs (about 100,000 referrals) with the large register.
        "--needs", str(max(companies * 2 // 5, 200)), "--seed", "1", "--password-stdin",
    ]
    started = time.monotonic()
    subprocess.run(args, input=PASSWORD + "\n", text=True, check=True, env=env_for(db),
                   stdout=subprocess.DEVNULL)
    return time.monotonic() - started


def start_server(db):
    started = time.monotonic()
    proc = subprocess.Popen(["taskset", "-c", "0", BIN, "serve", "--bind", f"127.0.0.1:{PORT}"],
                            env=env_for(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        try:
            with urllib.request.urlopen(BASE + "/healthz", timeout=1) as r:
                if r.status == 200:
                    return proc, time.monotonic() - started
        except OSError:
            pass
        if proc.poll() is not None:
            raise SystemExit("the server did not start")
        if time.monotonic() - started > 60:
            raise SystemExit("the server did not answer within a minute")
        time.sleep(0.02)


def peak_rss_mb(proc):
    with open(f"/proc/{proc.pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Session:
    """A signed-in browser: its cookie and the form token of its pages."""

    def __init__(self, email):
        jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
        page = self.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": PASSWORD}).encode()
        try:
            self.opener.open(BASE + "/login", data=data)
        except urllib.error.HTTPError as e:
            if e.code != 303:
                raise
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        home = self.get("/")
        self.csrf = re.search(r'name="csrf_token" value="([^"]+)"', home).group(1)
        self.token = self.api_token()

    def api_token(self):
        """A read-only API token of this user, made on the account page."""
        page = self.get("/account/tokens")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        expires = re.search(r'name="expires_on" value="([^"]+)"', page).group(1)
        data = urllib.parse.urlencode({"csrf_token": csrf, "name": "Benchmark", "scope": "read",
                                       "expires_on": expires}).encode()
        with self.opener.open(BASE + "/account/tokens", data=data) as r:
            made = r.read().decode()
        return re.search(r'name="new_token" value="([^"]+)"', made).group(1)

    def auth(self, path):
        """How a request to `path` signs in: the API takes the token, the pages the cookie."""
        if path.startswith("/api/"):
            return None, ["-H", f"Authorization: Bearer {self.token}"]
        return self.cookie, []

    def get(self, path):
        with self.opener.open(BASE + path) as r:
            return r.read().decode()


def oha(path, cookie, extra=(), seconds=8, connections=16, rate=None, method="GET", body=None,
        body_lines=None, requests=None):
    # -w: requests still running at the deadline finish and count, rather than being aborted.
    cmd = ["taskset", "-c", "1", "oha", "--no-tui", "--output-format", "json", "-w",
           "-c", str(connections), "--redirect", "0"]
    cmd += ["-n", str(requests)] if requests else ["-z", f"{seconds}s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    if rate:
        cmd += ["-q", str(rate)]
    if method != "GET":
        cmd += ["-m", method, "-T", "application/x-www-form-urlencoded"]
        cmd += ["-Z", body_lines] if body_lines else ["-d", body]
    cmd += list(extra) + [BASE + path]
    out = json.loads(sh(cmd).stdout)
    summary = out["summary"]
    pct = out.get("latencyPercentiles", {})
    codes = out.get("statusCodeDistribution", {})
    return {
        "rps": summary["requestsPerSec"],
        "p50": (pct.get("p50") or 0) * 1000,
        "p99": (pct.get("p99") or 0) * 1000,
        "codes": codes,
        "errors": out.get("errorDistribution", {}),
    }


def count(db, table):
    return int(db.query(f"SELECT count(*) FROM {table}")[0][0])


class Visitor:
    """A visitor of the public contact form: their form-token cookie and filled-in forms."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def cookie(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)

    def filled_in_form(self):
        """A form fetched from the server (a fresh stamp) and filled in, as a request body."""
        with self.opener.open(BASE + "/kontakt/demo") as r:
            page = r.read().decode()
        field = lambda name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)
        return urllib.parse.urlencode({
            "csrf_token": field("csrf_token"), "stamp": field("stamp"),
            "company_name": "Benchmark Bageri ApS", "cvr": "", "p_number": "", "contact_name": "Mette Hansen",
            "email": "mette@bageri.dk", "phone": "", "topic": "recruitment",
            "message": "Vi søger to medarbejdere til sommeren. Kan I hjælpe?", "preferred_time": "formiddag",
            "consent": "1", "homepage": "",
        })


def deep_page_cursor(db):
    """The cursor of the company list after the row in the middle of the register."""
    rows = db.query("SELECT count(*) FROM companies")
    offset = int(rows[0][0]) // 2
    key, cid = db.query(f"SELECT name_search, id FROM companies ORDER BY name_search, id LIMIT 1 OFFSET {offset}")[0]
    raw = json.dumps({"key": key, "id": int(cid)}, ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def pages(db):
    busiest = db.query("SELECT company_id FROM activities GROUP BY company_id ORDER BY count(*) DESC LIMIT 1")[0][0]
    campaign = db.query("SELECT campaign_id FROM campaign_targets GROUP BY campaign_id ORDER BY count(*) DESC LIMIT 1")[0][0]
    return [
        ("Baseline: /static/app.css", "/static/app.css", CONSULTANT),
        ("Start page /", "/", CONSULTANT),
        ("Company list, page 1", "/companies", CONSULTANT),
        ("Company list, deep page", "/companies?after=" + deep_page_cursor(db), CONSULTANT),
        ("Company search", "/companies?q=bageri", CONSULTANT),
        (f"Company page (busiest company)", f"/companies/{busiest}", CONSULTANT),
        ("Follow-ups", "/follow-ups", CONSULTANT),
        ("Activity list (everyone's)", "/activities?consultant=all", MANAGER),
        ("Campaign with the most targets", f"/campaigns/{campaign}", MANAGER),
        ("Request inbox", "/requests", MANAGER),
        ("API: company list, page 1", "/api/v1/companies", CONSULTANT),
        ("API: company search", "/api/v1/companies?q=bageri", CONSULTANT),
        ("API: activity list (everyone's)", "/api/v1/activities", MANAGER),
        ("Open recruitment needs", "/needs", CONSULTANT),
        ("Needs: småjob of at most 15 hours", "/needs?kind=smaajob&max_hours=15", CONSULTANT),
        ("Overview, this half-year", "/dashboard", MANAGER),
        ("Overview, last full year", f"/dashboard?period={datetime.date.today().year - 1}", MANAGER),
        ("Goals of this half-year", "/goals", MANAGER),
        ("Public contact form", "/kontakt/demo", CONSULTANT),
    ]


def run_size(label, companies, activities, postgres, seconds):
    db = Database(postgres, label)
    try:
        print(f"[{label}] seeding {companies} companies, {activities} activities ...", flush=True)
        seed_s = seed(db, companies, activities)
        if postgres:
            # The load leaves a checkpoint's worth of dirty pages; write them now rather than
            # while the first pages are measured.
            db.query("CHECKPOINT")
        proc, startup_s = start_server(db)
        try:
            sessions = {CONSULTANT: Session(CONSULTANT), MANAGER: Session(MANAGER)}
            results = []
            # The machine's speed drifts (shared cores): the baseline is measured again around
            # every page, and each page is compared with the mean of the runs just before and
            # just after it, rather than with one run minutes away.
            (base_name, base_path, base_who), *page_list = pages(db)
            base_cookie = sessions[base_who].cookie
            base_seconds = max(2, seconds // 2)
            bases = [oha(base_path, base_cookie, seconds=base_seconds)["rps"]]
            for name, path, who in page_list:
                print(f"[{label}] {name}", flush=True)
                cookie, extra = sessions[who].auth(path)
                full = oha(path, cookie, extra, seconds=seconds)
                bases.append(oha(base_path, base_cookie, seconds=base_seconds)["rps"])
                half = oha(path, cookie, extra, seconds=seconds, rate=max(int(full["rps"] / 2), 1))
                full["base_rps"] = (bases[-2] + bases[-1]) / 2
                results.append({"name": name, "path": path, "max": full, "half": half})
            print(f"[{label}] {base_name}", flush=True)
            full = oha(base_path, base_cookie, seconds=seconds)
            half = oha(base_path, base_cookie, seconds=seconds, rate=max(int(full["rps"] / 2), 1))
            full["base_rps"] = full["rps"]
            results.insert(0, {"name": base_name, "path": base_path, "max": full, "half": half,
                               "base_runs": bases})
            # Writes: 32 clients logging activities at once.
            s = sessions[CONSULTANT]
            company, user = db.query(
                "SELECT c.id, u.id FROM companies c JOIN users u ON u.email = '%s' ORDER BY c.id LIMIT 1" % CONSULTANT)[0]
            body = urllib.parse.urlencode({
                "csrf_token": s.csrf, "company_id": company, "user_id": user, "kind": "phone",
                "occurred_on": datetime.date.today().isoformat(), "summary": "Opkald (benchmark)",
            })
            print(f"[{label}] writes: log an activity, 32 clients", flush=True)
            before = count(db, "activities")
            writes = oha("/activities", s.cookie, seconds=seconds, connections=32, method="POST", body=body)
            writes["created"] = count(db, "activities") - before
            # The write tail: how long the slowest writers wait with fewer and more clients.
            for clients in (16, 64):
                print(f"[{label}] writes: log an activity, {clients} clients", flush=True)
                writes[f"c{clients}"] = oha("/activities", s.cookie, seconds=seconds,
                                            connections=clients, method="POST", body=body)
            # The public form: every submission needs a form of its own (a signed stamp that is
            # also its idempotency key), fetched beforehand and at least 3 s old, as a person's.
            # oha picks a random line per request, so there are four forms per request.
            n = 500 if seconds < 5 else 2000
            print(f"[{label}] writes: the public contact form, 32 clients ({n} submissions)", flush=True)
            lines_path = os.path.join(db.dir, "contact-forms.txt")
            visitor = Visitor()
            with open(lines_path, "w") as f:
                for _ in range(4 * n):
                    f.write(visitor.filled_in_form() + "\n")
            time.sleep(3)
            before = count(db, "contact_requests")
            form = oha("/kontakt/demo", visitor.cookie(), connections=32, method="POST",
                       body_lines=lines_path, requests=n)
            form["created"] = count(db, "contact_requests") - before
            rss = peak_rss_mb(proc)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
        return {"label": label, "companies": companies, "activities": activities, "seed_s": seed_s,
                "startup_s": startup_s, "pages": results, "writes": writes, "form": form, "rss_mb": rss}
    finally:
        db.drop()


def machine():
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}"


def verdict(ok):
    return "✅" if ok else "❌"


def report(runs, backend):
    small, large = runs
    lines = [f"## {backend}", "",
             f"Measured {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')} on {machine()}; server on core 0, "
             f"oha on core 1. Sizes: small {small['companies']:,} companies / {small['activities']:,} activities, "
             f"large {large['companies']:,} / {large['activities']:,}.", ""]
    for run in runs:
        bases = run["pages"][0]["base_runs"]
        lines += [f"### {run['label']}: {run['companies']:,} companies, {run['activities']:,} activities", "",
                  "| page | req/s | p50 ms | p99 ms | baseline req/s around it | ratio to baseline | p99 ms at half rate |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for p in run["pages"]:
            m, h = p["max"], p["half"]
            lines.append(f"| {p['name']} | {m['rps']:.0f} | {m['p50']:.1f} | {m['p99']:.1f} | "
                         f"{m['base_rps']:.0f} | {m['rps'] / m['base_rps']:.3f} | {h['p99']:.1f} |")
        lines += ["", f"The baseline's runs between the pages: {', '.join(f'{b:.0f}' for b in bases)} req/s."]
        w, f = run["writes"], run["form"]
        lines += ["", f"Writes, 32 clients: log an activity {w['rps']:.0f}/s, p99 {w['p99']:.1f} ms, "
                      f"status codes {w['codes']}, errors {w['errors'] or 'none'}, {w['created']:,} activities saved; "
                      f"the public contact form {f['rps']:.0f}/s, p99 {f['p99']:.1f} ms, status codes {f['codes']}, "
                      f"errors {f['errors'] or 'none'}, {f['created']:,} requests saved (a replayed form is answered, not saved twice).",
                  "Logging an activity, " + "; ".join(
                      f"{c} clients: {w[f'c{c}']['rps']:.0f}/s, p50 {w[f'c{c}']['p50']:.1f} ms, p99 {w[f'c{c}']['p99']:.1f} ms"
                      for c in (16, 64)) + ".",
                  f"Seed time {run['seed_s']:.1f} s; start-up on the populated database {run['startup_s']:.2f} s; "
                  f"server peak RSS {run['rss_mb']:.0f} MB.", ""]
    lines += ["### From small to large", "", "| page | p99 small | p99 large | growth |", "| --- | ---: | ---: | ---: |"]
    growth_ok = True
    for i, (ps, pl) in enumerate(zip(small["pages"], large["pages"])):
        g = pl["half"]["p99"] / ps["half"]["p99"] if ps["half"]["p99"] else 0
        # The baseline (row 0) is no page: its sub-millisecond p99 only shows the machine's noise.
        growth_ok &= i == 0 or g <= TARGET_GROWTH
        lines.append(f"| {ps['name']} | {ps['half']['p99']:.1f} | {pl['half']['p99']:.1f} | {g:.2f}× |")
    reads = large["pages"][1:]
    short = [f"{p['name']} {p['max']['rps'] / p['max']['base_rps']:.3f}" for p in reads
             if p["max"]["rps"] / p["max"]["base_rps"] < TARGET_RATIO]
    ratio_ok = not short
    p99_ok = all(p["half"]["p99"] <= TARGET_P99_MS for p in reads)
    w = large["writes"]
    write_ok = (w["rps"] >= TARGET_WRITES and not w["errors"] and set(w["codes"]) <= {"303"}
                and w["created"] == w["codes"].get("303", 0))
    f = large["form"]
    form_ok = not f["errors"] and set(f["codes"]) <= {"303"} and f["created"] > 0
    lines += ["", "### Targets (large size)", "",
              f"- {verdict(ratio_ok)} every read page ≥ {TARGET_RATIO:.0%} of the baseline's throughput"
              + (f" (below: {', '.join(short)})" if short else ""),
              f"- {verdict(p99_ok)} every read page p99 ≤ {TARGET_P99_MS:.0f} ms at half its maximum rate",
              f"- {verdict(growth_ok)} no page's p99 grows more than {TARGET_GROWTH:.0f}× from small to large",
              f"- {verdict(write_ok)} logging activities with 32 clients: ≥ {TARGET_WRITES}/s, no errors"
              + ("" if backend == "SQLite" else " (the target is set for SQLite)"),
              f"- {verdict(w['c16']['p99'] <= TARGET_WRITE_P99_MS)} logging activities with 16 clients: p99 ≤ {TARGET_WRITE_P99_MS:.0f} ms"
              + ("" if backend == "SQLite" else " (the target is set for SQLite)"),
              f"- {verdict(form_ok)} the public contact form under 32 clients: no errors, every submission answered",
              f"- {verdict(large['rss_mb'] <= TARGET_RSS_MB)} peak RSS ≤ {TARGET_RSS_MB} MB",
              f"- {verdict(large['startup_s'] <= TARGET_STARTUP_S)} start-up on the populated database ≤ {TARGET_STARTUP_S:.0f} s",
              ""]
    return "\n".join(lines)


def write_results(section, backend):
    path = os.path.join(ROOT, "bench", "RESULTS.md")
    header = "# Benchmark results\n\nWritten by `python3 bench/run.py` (see its docstring). Each section is replaced when its database is measured again.\n\n"
    text = open(path).read() if os.path.exists(path) else header
    pattern = re.compile(rf"^## {re.escape(backend)}\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(section + "\n", text) if pattern.search(text) else text.rstrip() + "\n\n" + section + "\n"
    with open(path, "w") as f:
        f.write(text)
    print(f"written to {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--postgres", action="store_true", help="measure on the local PostgreSQL")
    ap.add_argument("--quick", action="store_true", help="small sizes and short runs")
    args = ap.parse_args()
    ensure_tools()
    if args.quick:
        sizes, seconds = [("small", 2000, 20000), ("large", 5000, 100000)], 3
    else:
        sizes, seconds = [("small", 5000, 100000), ("large", 50000, 1000000)], 8
    backend = "PostgreSQL" if args.postgres else "SQLite"
    runs = [run_size(label, c, a, args.postgres, seconds) for label, c, a in sizes]
    section = report(runs, backend)
    print(section)
    if not args.quick:
        write_results(section, backend)


if __name__ == "__main__":
    sys.exit(main())
