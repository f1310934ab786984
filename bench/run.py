"""`make bench`: ping throughput against a bare baseline, deadline-to-mail
latency, and the dashboard's server times.

1. Throughput. The app runs under gunicorn from the Procfile's web line
   (gthread workers, no access log) against a fresh database (SQLite, or
   PostgreSQL with --db postgres), and `/api/push/<uuid>?...` and `/ping/<uuid>`
   are each driven at every --connections count (16 and 64).
   bench/baseline_app.py (one INSERT per request, the app's pragmas on SQLite,
   autocommit on PostgreSQL) is served and driven identically, the two
   interleaved round by round because this machine is small and noisy; the
   median round of each is reported. PING_RETENTION is set far above what a
   run sends, so no ping is pruned and every 200 must be a row in `pings`.
   --hardening adds the app without rate limits and on sync workers.
2. Deadline to mail. A real `python worker.py` (sweep + RQ delivery) mails an
   aiosmtpd sink in this process; --checks checks (300) are pinged once, with
   deadlines spread over ~4..18 s, and each DOWN mail's arrival is compared
   with its check's alert_after.
3. Dashboard. The checks list and its idle refresh at 1,000 and 10,000
   checks, timed in this process against a logged-in request that reads
   nothing (dashboard.py).

Everything listens on 127.0.0.1 and lives in a temporary folder; every process
started here is stopped at the end, on errors and on Ctrl-C too. The summary
is printed and written to bench/results/latest.json. The exit status is 1 only
when something was lost, doubled or early (pings, mails); missing a speed
target on a noisy machine is reported, not failed.

This file parses the options, runs the parts and reports; the work is in
processes.py (starting and stopping what the bench runs), throughput.py
(part 1), latency.py (part 2) and dashboard.py (part 3).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

# The repo root (for webapp), bench/, this file's folder (for the modules
# beside it), and tests/ (for its support module, imported by its own name: a
# test dependency installs a top-level package named `tests`), before anything
# below is imported.
_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(_ROOT), str(_ROOT / "bench"), str(_ROOT / "tests")]

from dashboard import measure_dashboard  # noqa: E402
from latency import measure_alert_latency  # noqa: E402
from processes import BENCH, ROOT, Children, bench_app, log, migrate, resolve_redis, tail  # noqa: E402,E501
from scale_out import measure_scale_out  # noqa: E402
from throughput import PING_RETENTION, ensure_wrk, measure_throughput  # noqa: E402

# Issue #18: pings at 90% of the one-INSERT baseline on SQLite, 80% of a bare
# psycopg INSERT on PostgreSQL, at every URL and connection count; p99 at 16
# connections within 25 ms.
TARGET_RATIO = {"sqlite": 0.90, "postgres": 0.80}
TARGET_P99_MS = 25
P99_AT_CONNECTIONS = 16
# What the rate limits, and the threaded workers that slow clients cannot
# starve, may cost the ping path (issue #12): at most 5 % each.
TARGET_HARDENING_RATIO = 0.95
TARGET_MAIL_P99 = 0.25  # seconds after the deadline (issue #18)
TARGET_BURST_S = 2.0  # the last of a burst of checks due at once, flipped
# Issue #17: an idle refresh of the checks list within 1.5x of a logged-in
# request that reads nothing, at every size; the list of 1,000 checks in 150 ms.
TARGET_IDLE_RATIO = 1.5
TARGET_LIST_MS = 150
DASHBOARD_CHECKS = (1000, 10000)
# Above this share of "other" CPU in a round, the machine was shared with more
# than the kernel's own networking work.
BUSY_MACHINE_PCT = 25


# --- the report ------------------------------------------------------------------

def target(name: str, goal: str, met: bool, measured: str, correctness: bool = False) -> dict:
    # Correctness targets fail the run; speed targets are reported only.
    return {"target": name, "goal": goal, "met": bool(met), "measured": measured,
            "correctness": correctness}


def throughput_targets(tp: dict) -> list[dict]:
    goal = TARGET_RATIO[tp["db"]]
    out = []
    for name, c in tp["configs"].items():
        out.append(target(f"app / baseline, {name}", f">= {goal:.0%}", c["ratio"] >= goal,
                          f"{c['ratio']:.0%}"))
        if c["connections"] == P99_AT_CONNECTIONS:
            p99 = c["app"]["p99_ms"]
            out.append(target(f"app p99, {name}", f"<= {TARGET_P99_MS} ms", p99 <= TARGET_P99_MS,
                              f"{p99:.1f} ms"))
    if "limits_ratio" in tp:
        out += [
            target("app / app without rate limits", f">= {TARGET_HARDENING_RATIO:.0%}",
                   tp["limits_ratio"] >= TARGET_HARDENING_RATIO, f"{tp['limits_ratio']:.0%}"),
            target("app / app on sync workers", f">= {TARGET_HARDENING_RATIO:.0%}",
                   tp["threaded_ratio"] >= TARGET_HARDENING_RATIO, f"{tp['threaded_ratio']:.0%}"),
        ]
    out.append(target("every 200 stored", "0 lost", tp["lost"] == 0 and tp["consistent"],
                      f"{tp['lost']} lost, {tp['stored']['rows']} rows for "
                      f"{tp['answered_200']} 200s", correctness=True))
    return out


def alert_targets(mail: dict) -> list[dict]:
    p99 = mail["p99_s"]
    return [
        target("deadline-to-mail p99", f"< {TARGET_MAIL_P99} s",
               p99 is not None and p99 < TARGET_MAIL_P99,
               "no mail" if p99 is None else f"{p99:.3f} s"),
        *([target(f"burst of {mail['burst']['checks']:,} due at once, all flipped",
                  f"within {TARGET_BURST_S:.0f} s",
                  mail["burst"]["flipped"] == mail["burst"]["checks"]
                  and mail["burst"]["last_flip_s"] <= TARGET_BURST_S,
                  f"{mail['burst']['flipped']} flipped, the last "
                  f"{mail['burst']['last_flip_s'] or 0:.2f} s after")] if mail["burst"] else []),
        target("one DOWN mail per check", f"{mail['checks']} mails, none early",
               mail["missing"] == mail["duplicates"] == mail["unexpected"] == mail["early"] == 0,
               f"{mail['down_mails']} checks mailed, {mail['duplicates']} duplicates, "
               f"{mail['early']} early, {mail['unexpected']} unexpected", correctness=True),
    ]


def scale_out_targets(so: dict) -> list[dict]:
    return [
        target("scale-out: every 200 stored", "0 lost", so["lost"] == 0,
               f"{so['lost']} lost, {so['stored']} rows for {so['answered_200']} 200s",
               correctness=True),
        target(f"scale-out: {so['doomed']:,} checks down, each flipped and mailed once",
               f"{so['doomed']:,} and {so['doomed']:,}",
               so["flipped_once"] == so["mailed_once"] == so["doomed"]
               and so["flipped_twice"] == so["mailed_twice"] == 0,
               f"flipped once {so['flipped_once']}, twice {so['flipped_twice']}; mailed once "
               f"{so['mailed_once']}, twice {so['mailed_twice']}", correctness=True),
    ]


def scale_out_report(so: dict) -> list[str]:
    one, two = so["one_server"], so["two_servers"]
    return [
        f"Scale-out (PostgreSQL, {so['checks']:,} checks, two worker.py, web servers of the "
        "Procfile's line on their own ports, wrk splitting its connections)",
        f"  one web server: {one['pings_per_s']:.0f} pings/s (p99 {one['p99_ms']:.0f} ms); "
        f"two: {two['pings_per_s']:.0f} pings/s (p99 {two['p99_ms']:.0f} ms): "
        f"{so['two_vs_one']:.2f}x",
        f"  {so['answered_200']} answered 200, {so['stored']} stored; {so['doomed']:,} checks "
        f"down during the second phase: {so['flipped_once']} flipped once, "
        f"{so['mailed_once']} mailed once",
        "",
    ]


def dashboard_targets(rows: list[dict]) -> list[dict]:
    out = [target(f"idle refresh at {r['checks']:,} checks", f"<= {TARGET_IDLE_RATIO}x floor",
                  r["idle_vs_floor"] <= TARGET_IDLE_RATIO, f"{r['idle_vs_floor']:.2f}x")
           for r in rows]
    out += [target("list page of 1,000 checks", f"<= {TARGET_LIST_MS} ms",
                   r["page_ms"] <= TARGET_LIST_MS, f"{r['page_ms']:.0f} ms")
            for r in rows if r["checks"] == 1000]
    return out


def dashboard_report(rows: list[dict]) -> list[str]:
    table = [("checks", "floor", "idle refresh (204)", "ratio", "list page", "changed refresh")]
    table += [(f"{r['checks']:,}", f"{r['floor_ms']:.1f} ms", f"{r['idle_ms']:.1f} ms",
               f"{r['idle_vs_floor']:.2f}x", f"{r['page_ms']:.0f} ms", f"{r['changed_ms']:.0f} ms")
              for r in rows]
    width = [max(len(t[i]) for t in table) for i in range(len(table[0]))]
    return [
        "Dashboard server time (in process, median of the rounds; floor: a logged-in request "
        "that reads nothing; the list shows 100 rows a page)",
        *["  " + "  ".join(c.rjust(w) for c, w in zip(t, width, strict=True)) for t in table],
        "",
    ]


def throughput_report(result: dict) -> list[str]:
    tp, load, machine = result["throughput"], result["load"], result["machine"]
    rows = [("", "", "pings/s (median)", "best", "p50", "p99", "server CPU/ping",
             "other CPU (max)")]
    for name, c in tp["configs"].items():
        for server in ("app", "app-nolimit", "app-sync", "baseline"):
            if server in c:
                r = c[server]
                rows.append((name, server, f"{r['pings_per_s']:.0f}",
                             f"{r['best_pings_per_s']:.0f}", f"{r['p50_ms']:.1f} ms",
                             f"{r['p99_ms']:.1f} ms", f"{r['server_cpu_ms_per_ping']:.2f} ms",
                             f"{r['other_cpu_pct']:.0f}%"))
    width = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    busy = max(c[s]["other_cpu_pct"] for c in tp["configs"].values()
               for s in ("app", "baseline")) > BUSY_MACHINE_PCT
    ratios = "; ".join(f"{name}: {c['ratio']:.0%}" for name, c in tp["configs"].items())
    return [
        f"Throughput on {tp['db']} ({machine['cores']} cores, {machine['web_workers']} gunicorn "
        f"gthread workers x {machine['web_threads']} threads, {load['rounds']} x "
        f"{load['seconds']} s rounds per configuration, load by {load['generator']}; push: "
        "/api/push/<uuid>?status=up&msg=bench&value=1, ping: /ping/<uuid>, cN: N connections)",
        *["  " + "  ".join(c.rjust(w) for c, w in zip(r, width, strict=True)) for r in rows],
        f"  app / baseline: {ratios}",
        *([f"  app / app without rate limits: {tp['limits_ratio']:.0%}; app / app on sync "
           f"workers: {tp['threaded_ratio']:.0%}"] if "limits_ratio" in tp else []),
        f"  stored: {tp['answered_200']} answered 200; check n_pings {tp['stored']['n_pings']}, "
        f"pings rows {tp['stored']['rows']} (PING_RETENTION={PING_RETENTION}, nothing pruned); "
        f"{tp['stored_unanswered']} stored whose 200 came after the load generator stopped",
        *([f"  note: other processes took over {BUSY_MACHINE_PCT}% of the CPU in some rounds, "
           "so pings/s is low; CPU per ping is the steadier figure"] if busy else []),
        "",
    ]


def alert_report(mail: dict) -> list[str]:
    def ms(s):
        return "-" if s is None else f"{s * 1000:.0f} ms"

    return [
        f"Deadline to DOWN mail ({mail['checks']} checks beside {mail['idle_checks']:,} not due, "
        "real worker, default SWEEP_INTERVAL)",
        f"  p50 {ms(mail['p50_s'])}   p99 {ms(mail['p99_s'])}   max {ms(mail['max_s'])}   "
        f"min {ms(mail['min_s'])}",
        f"  of which deadline -> sweep flip: p50 {ms(mail['sweep_p50_s'])}, "
        f"p99 {ms(mail['sweep_p99_s'])}; "
        f"flip -> mail received: p50 {ms(mail['delivery_p50_s'])}, "
        f"p99 {ms(mail['delivery_p99_s'])}",
        f"  mails {mail['mails']}: {mail['down_mails']} checks, {mail['missing']} missing, "
        f"{mail['duplicates']} duplicates, {mail['early']} before the deadline",
        *([f"  burst: {mail['burst']['checks']:,} checks due in the same second: "
           f"{mail['burst']['flipped']:,} flipped, p50 {ms(mail['burst']['p50_flip_s'])}, "
           f"the last {ms(mail['burst']['last_flip_s'])} after"] if mail["burst"] else []),
        "  (for comparison, not measured here: issue #2 quotes Healthchecks' 2 s poll loop"
        " at p50 1.1 s, max 2.1 s on this kind of machine)",
        "",
    ]


def report(result: dict) -> str:
    lines = [""]
    if "throughput" in result:
        lines += throughput_report(result)
    if "alert_latency" in result:
        lines += alert_report(result["alert_latency"])
    if "dashboard" in result:
        lines += dashboard_report(result["dashboard"])
    if "scale_out" in result:
        lines += scale_out_report(result["scale_out"])
    lines.append("Targets")
    lines += [f"  [{'met' if t['met'] else 'MISSED'}] {t['target']}: {t['goal']} "
              f"(measured {t['measured']})"
              for t in result["targets"]]
    return "\n".join(lines)


def run_dashboard(tmp: Path, redis_url: str, args) -> list[dict]:
    url = f"sqlite:///{tmp / 'dashboard.db'}"
    migrate({**os.environ, "DATABASE_URL": url, "REDIS_URL": redis_url})
    app = bench_app(url, redis_url, RATELIMIT_ENABLED=False)
    return measure_dashboard(app, list(DASHBOARD_CHECKS), rounds=3 * args.rounds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5, help="length of one load round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of each server, interleaved")
    parser.add_argument("--connections", type=lambda text: [int(n) for n in text.split(",")],
                        default=[16, 64], help="connection counts, comma-separated (16,64)")
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite",
                        help="the database of the throughput run (postgres: the server at "
                             "BENCH_POSTGRES_URL, else 127.0.0.1:5432 as user postgres)")
    parser.add_argument("--scale-out", action="store_true",
                        help="only the scale-out run: PostgreSQL, two web servers, two workers")
    parser.add_argument("--hardening", action="store_true",
                        help="also run the app without rate limits and on sync workers")
    parser.add_argument("--checks", type=int, default=300, help="checks in the latency run")
    parser.add_argument("--idle-checks", type=int, default=100_000,
                        help="checks in the database beside them, not due")
    parser.add_argument("--burst", type=int, default=1000, help="checks due in one second")
    parser.add_argument("--only", choices=("throughput", "alerts", "dashboard"),
                        help="run one part only")
    parser.add_argument("--client", choices=("wrk", "python"), default="wrk",
                        help="load generator (python: the fallback used when wrk is missing)")
    args = parser.parse_args()
    # SIGTERM unwinds like Ctrl-C, so the cleanup below runs; SIGINT is set
    # too because a shell starts background jobs with it ignored.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)

    # --scale-out is a run of its own: the parts above would share its machine.
    only = "scale-out" if args.scale_out else args.only
    result = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cores": os.cpu_count(),
                    "web_workers": int(os.environ.get("WEB_CONCURRENCY") or 4),
                    "web_threads": int(os.environ.get("WEB_THREADS") or 8)},
    }
    with contextlib.ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix="hb-bench-"))
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        redis_url = resolve_redis(tmp / "valkey", stack)
        # Registered after Redis, so stopped before an embedded Valkey is.
        children = Children()
        stack.callback(children.stop_all)
        try:
            if only == "scale-out":
                log("Scale-out: two web servers and two workers on PostgreSQL ...")
                result["scale_out"] = measure_scale_out(tmp, redis_url, children, stack,
                                                        ensure_wrk(), args)
            if only in (None, "throughput"):
                wrk = ensure_wrk() if args.client == "wrk" else None
                result["load"] = {"generator": "wrk" if wrk else "python asyncio client",
                                  "connections": args.connections, "seconds": args.seconds,
                                  "rounds": args.rounds}
                log("Throughput: baseline and app interleaved ...")
                result["throughput"] = measure_throughput(tmp, redis_url, children, wrk, args)
            if only in (None, "alerts"):
                log("Deadline-to-mail latency ...")
                result["alert_latency"] = measure_alert_latency(tmp, redis_url, children, stack,
                                                                args)
            if only in (None, "dashboard"):
                log("Dashboard server times ...")
                result["dashboard"] = run_dashboard(tmp, redis_url, args)
        except Exception:
            for log_file in sorted(tmp.glob("*.log")):
                print(f"--- {log_file.name} (last lines)\n{tail(log_file)}", file=sys.stderr)
            raise
    result["targets"] = (
        (throughput_targets(result["throughput"]) if "throughput" in result else [])
        + (alert_targets(result["alert_latency"]) if "alert_latency" in result else [])
        + (dashboard_targets(result["dashboard"]) if "dashboard" in result else [])
        + (scale_out_targets(result["scale_out"]) if "scale_out" in result else []))
    log(report(result))
    out = BENCH / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    log(f"\nwritten to {out.relative_to(ROOT)}")
    return 0 if all(t["met"] for t in result["targets"] if t["correctness"]) else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit("interrupted; everything the bench started is stopped")
