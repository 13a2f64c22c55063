#!/usr/bin/env python3
"""Runs every dashboard query and every alert and recording expression against a real Prometheus.

    python3 prometheus/live_check.py PROMETHEUS_URL [--network NAME] [--allow-empty REGEX]...
                                     [--expect-firing ALERTNAME]... [--expect-silent ALERTNAME]...

PROMETHEUS_URL is a Prometheus (e.g. http://127.0.0.1:9090) that has loaded prometheus/rules and scraped a running
hashwatch fed with real data. Every expression of grafana/dashboards (panel targets, annotations, template
variables) is run as an instant query (Grafana's variables replaced: $network by --network, $profile by .+,
$__rate_interval by 5m) and must parse and return at least one series. Every expression of prometheus/rules must
parse, and each metric name it uses must have series (an alert's condition itself is normally false, so its result
may be empty). Prometheus's rules API, which Grafana reads to show the alerts (they are defined only there), must
serve every alert rule with its severity and annotations.

--allow-empty REGEX (repeatable) lets expressions whose text matches REGEX return nothing, and metric names that
match it be absent: what the run cannot have, e.g. the producers' hashwatch_source_* series when only the streams
app runs, or `offset 24h` on a Prometheus younger than a day (unless history was loaded with
`promtool tsdb create-blocks-from openmetrics`). --expect-firing and --expect-silent check what the alerts say
about the data (a replay of 2010 headers must fire NoNewBlock; a healthy pipeline must not fire HashwatchDown).
Prints one line per expression and
"live: N passed, M failed"; exits 1 on any failure.

This is the check the dashboards need against real data; it contacts only PROMETHEUS_URL.
"""
import argparse
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the repository
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_queries as cq  # noqa: E402  (the same expression collection as the structural checks)


def query(base, expr):
    """(ok, number of series or error text)."""
    url = base.rstrip("/") + "/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            body = json.load(r)
    except urllib.error.HTTPError as e:
        try:
            return False, json.load(e).get("error", str(e))
        except ValueError:
            return False, str(e)
    except OSError as e:
        return False, f"cannot reach {base}: {e}"
    if body.get("status") != "success":
        return False, body.get("error", "query failed")
    result = body["data"]["result"]
    return True, len(result) if isinstance(result, list) else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("prometheus")
    ap.add_argument("--network", default="mainnet")
    ap.add_argument("--allow-empty", action="append", default=[], metavar="REGEX")
    ap.add_argument("--expect-firing", action="append", default=[], metavar="ALERTNAME",
                    help="this alert must be firing (waits up to --wait seconds for it)")
    ap.add_argument("--expect-silent", action="append", default=[], metavar="ALERTNAME",
                    help="this alert must be neither pending nor firing")
    ap.add_argument("--wait", type=float, default=150.0)
    args = ap.parse_args()
    allowed = [re.compile(r) for r in args.allow_empty]

    root = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    cq.ROOT = root
    # Collect quietly: the structural checks themselves are check_queries.py's business.
    cq.ok = cq.fail = lambda msg: None
    uid = cq.datasource_uid()
    anchors, readme = cq.readme_anchors()
    panels = []
    cq.check_dashboards(uid, panels)
    rules = []
    alerts, _ = cq.check_prometheus_rules(rules, anchors, readme)

    passed = failed = 0

    def result(good, line):
        nonlocal passed, failed
        print(("ok - " if good else "FAIL - ") + line)
        if good:
            passed += 1
        else:
            failed += 1

    def subst(expr):
        expr = expr.replace("$network", args.network).replace("${network}", args.network)
        expr = expr.replace("$profile", ".+").replace("${profile}", ".+")
        return cq.substitute_grafana_vars(expr)

    for where, expr in panels:
        e = subst(expr)
        good, n = query(args.prometheus, e)
        if not good:
            result(False, f"{where}: does not run: {n} [{e}]")
        elif n == 0 and not any(r.search(e) for r in allowed):
            result(False, f"{where}: no series [{e}]")
        else:
            result(True, f"{where}: {n} series" + ("" if n else " (allowed empty)"))

    seen = set()
    for where, expr in rules:
        good, n = query(args.prometheus, expr)
        if not good:
            result(False, f"{where}: does not run: {n}")
            continue
        missing = []
        for name in sorted(cq.metric_names_in(expr)):
            if name in seen:
                continue
            ok_name, count = query(args.prometheus, f'count({{__name__="{name}"}})')
            if ok_name and count:
                seen.add(name)
            elif not any(r.search(name) for r in allowed):
                missing.append(name)
        result(not missing, f"{where}: runs ({n} series)" + (f"; no series of {missing}" if missing else ""))

    # What Grafana shows as data-source-managed rules (manageAlerts on the Prometheus datasource) is Prometheus's
    # rules API: every alert of prometheus/rules must be served there, at each of its severities, with the
    # annotations Grafana displays.
    try:
        with urllib.request.urlopen(args.prometheus.rstrip("/") + "/api/v1/rules?type=alert", timeout=30) as r:
            groups = json.load(r)["data"]["groups"]
    except (OSError, ValueError, KeyError) as e:
        groups = None
        result(False, f"/api/v1/rules (what Grafana lists) cannot be read: {e}")
    if groups is not None:
        served = {}
        for g in groups:
            for rule in g.get("rules", []):
                ann = rule.get("annotations") or {}
                if all(ann.get(a) for a in ("summary", "description", "runbook_url")):
                    served.setdefault(rule.get("name"), set()).add((rule.get("labels") or {}).get("severity"))
        missing = sorted(f"{name} ({sev})" for name, sevs in alerts.items() for sev in sevs
                         if sev not in served.get(name, set()))
        n = sum(len(v) for v in alerts.values())
        result(not missing, f"/api/v1/rules (Grafana's data-source-managed view) serves all {n} alert rules with "
                            f"severity, summary, description and runbook_url" +
               (f"; missing or incomplete: {missing}" if missing else ""))

    deadline = time.time() + args.wait
    for name in args.expect_firing:
        sel = f'ALERTS{{alertname="{name}",alertstate="firing"}}'
        good, n = query(args.prometheus, sel)
        while good and not n and time.time() < deadline:
            time.sleep(2)
            good, n = query(args.prometheus, sel)
        result(good and n > 0, f"alert {name} is firing on the real data ({n} series)")
    for name in args.expect_silent:
        good, n = query(args.prometheus, f'ALERTS{{alertname="{name}"}}')
        result(good and n == 0, f"alert {name} is silent on the real data" + ("" if good and n == 0 else f" ({n})"))

    print(f"live: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
