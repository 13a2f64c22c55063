#!/usr/bin/env python3
"""Structural checks of hashwatch's monitoring files, run by prometheus/test.sh.

    python3 prometheus/check_queries.py REPO_ROOT

Prints one line per check ("ok - ..." or "FAIL - ..."), then "checks: N passed, M failed", and exits 1 when any
check failed. Needs PyYAML (Debian's python3-yaml, which docker-compose depends on) and promtool on the PATH (every
PromQL expression of the dashboards and the Grafana-managed alerts is parsed by promtool itself).

What it checks:
  * dashboards (grafana/dashboards/*.json): valid JSON; uids present and unique across dashboards; panel ids
    present and unique within each dashboard (rows' nested panels included); every datasource reference (panels,
    targets, annotations, template variables) names the provisioned Prometheus datasource's uid;
  * Grafana-managed alert rules (grafana/provisioning/alerting): unique uids, datasources resolve, the condition
    refers to a query of the rule, a severity label, a runbook_url that resolves like the Prometheus alerts';
  * Prometheus rules (prometheus/rules/*.yml, the *_test.yml files aside): recording names are level:metric:op,
    alert names CamelCase, each alert has a severity (critical, warning, info), summary, description and a
    runbook_url pointing at its own heading in prometheus/README.md; every threshold series is documented there;
  * unit-test coverage (prometheus/rules/*_test.yml): every alert, at each of its severities, has a case where it
    fires, and every alert has a case where it stays silent;
  * every PromQL expression (dashboards, Grafana rules, Prometheus rules) parses (promtool check rules on a
    generated file) and uses only metric names that exist: hashwatch_* names read from the Java sources
    (Micrometer's naming: counters get _total, summaries _count/_sum/_max), names recorded by the rules,
    Prometheus's own (up, ALERTS, ...), and prometheus/known-metrics.txt (Kafka, JVM, process);
  * docker-compose.yml: every image pinned to a version tag, every bind-mounted file and build context present;
    docker/topic-init.sh creates every topic of chain-model's Topics registry, and `alerts`.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

ROOT = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), ".."))
RUNBOOK_BASE = "https://github.com/hashwatch/hashwatch/blob/main/prometheus/README.md#"
SEVERITIES = {"critical", "warning", "info"}
PROMETHEUS_BUILTIN = {"up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
                      "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE"}
PROMQL_KEYWORDS = {"and", "or", "unless", "bool", "by", "without", "on", "ignoring", "group_left", "group_right",
                   "offset", "inf", "nan", "atan2"}

passed = 0
failed = 0


def ok(msg):
    global passed
    passed += 1
    print(f"ok - {msg}")


def fail(msg):
    global failed
    failed += 1
    print(f"FAIL - {msg}")


def check(cond, msg_ok, msg_fail):
    if cond:
        ok(msg_ok)
    else:
        fail(msg_fail)


def rel(path):
    return os.path.relpath(path, ROOT)


# ----------------------------------------------------------------------------------------------- metric names
def java_metric_names():
    """hashwatch_* meter names in the main Java sources, with the names Micrometer's Prometheus registry gives."""
    names = set()
    for path in glob.glob(os.path.join(ROOT, "*", "src", "main", "java", "**", "*.java"), recursive=True):
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r'"(hashwatch_[a-z0-9_]+)"', text):
            name = m.group(1)
            # The statement the literal is in, from the previous ';', '{' or '}'.
            start = max(text.rfind(c, 0, m.start()) for c in ";{}")
            stmt = text[start + 1:m.start()]
            if re.search(r"\bDistributionSummary\b|\bsummary\(", stmt):
                names.update({name + "_count", name + "_sum", name + "_max"})
            elif re.search(r"\bTimer\b", stmt):
                names.update({name + "_seconds_count", name + "_seconds_sum", name + "_seconds_max"})
            elif re.search(r"\bCounter\b|\bcounter\(", stmt):
                names.add(name + "_total")
            elif re.search(r"\bGauge\b|\bgauge\(|\bg\(", stmt):
                names.add(name)
            else:  # unknown helper: accept what any meter type could give
                names.update({name, name + "_total", name + "_count", name + "_sum", name + "_max"})
    return names


def known_external_names():
    path = os.path.join(ROOT, "prometheus", "known-metrics.txt")
    with open(path) as f:
        return {line.strip() for line in f if line.strip() and not line.startswith("#")}


def metric_names_in(expr):
    """The metric names an expression selects (functions, keywords, labels, durations and strings removed)."""
    e = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    e = re.sub(r"\{[^}]*\}", " ", e)
    e = re.sub(r"\[[^\]]*\]", " ", e)
    e = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", e)
    e = re.sub(r"\boffset\s+-?[0-9a-z]+", " ", e)
    e = re.sub(r"(?<![A-Za-z0-9_:])[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?", " ", e)
    names = set()
    for m in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", e):
        word = m.group(0)
        rest = e[m.end():].lstrip()
        if rest.startswith("(") or word.lower() in PROMQL_KEYWORDS:
            continue
        names.add(word)
    return names


GRAFANA_VARS = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h", "${__rate_interval}": "5m",
                "${__interval}": "1m", "${__range}": "1h"}


def substitute_grafana_vars(expr):
    for k, v in GRAFANA_VARS.items():
        expr = expr.replace(k, v)
    return re.sub(r"\$\{?[A-Za-z_][A-Za-z0-9_]*\}?", "x", expr)


# ----------------------------------------------------------------------------------------------- dashboards
def datasource_uid():
    uids = []
    for path in glob.glob(os.path.join(ROOT, "grafana", "provisioning", "datasources", "*.y*ml")):
        for ds in (yaml.safe_load(open(path)) or {}).get("datasources", []):
            if ds.get("type") == "prometheus":
                uids.append(ds.get("uid"))
    check(len(uids) == 1 and uids[0], f"one provisioned Prometheus datasource, uid '{uids[0] if uids else ''}'",
          f"expected exactly one provisioned Prometheus datasource with a uid, found {uids}")
    return uids[0] if uids else None


def walk_panels(panels):
    for p in panels or []:
        yield p
        yield from walk_panels(p.get("panels"))


def ds_uid(ref):
    if isinstance(ref, dict):
        return ref.get("uid")
    return ref  # a legacy name string, or None


def check_dashboards(prom_uid, exprs):
    paths = sorted(glob.glob(os.path.join(ROOT, "grafana", "dashboards", "*.json")))
    check(len(paths) >= 3, f"{len(paths)} dashboards", f"expected the Network, Mining economics and Pipeline health "
                                                        f"dashboards, found {len(paths)}")
    seen_uids = {}
    for path in paths:
        try:
            d = json.load(open(path))
        except ValueError as e:
            fail(f"{rel(path)} is not valid JSON: {e}")
            continue
        uid = d.get("uid")
        if not uid:
            fail(f"{rel(path)} has no uid")
        elif uid in seen_uids:
            fail(f"{rel(path)} uid '{uid}' is also the uid of {seen_uids[uid]}")
        else:
            seen_uids[uid] = rel(path)
            ok(f"{rel(path)} uid '{uid}' unique")
        ids, bad_ds, n_targets = {}, [], 0
        for p in walk_panels(d.get("panels")):
            pid = p.get("id")
            if pid is None:
                fail(f"{rel(path)} panel '{p.get('title')}' has no id")
            elif pid in ids:
                fail(f"{rel(path)} panel id {pid} used by '{ids[pid]}' and '{p.get('title')}'")
            else:
                ids[pid] = p.get("title")
            if p.get("type") == "row":
                continue
            if ds_uid(p.get("datasource")) != prom_uid:
                bad_ds.append(f"panel {pid} '{p.get('title')}': {p.get('datasource')}")
            for t in p.get("targets", []):
                n_targets += 1
                if ds_uid(t.get("datasource", p.get("datasource"))) != prom_uid:
                    bad_ds.append(f"panel {pid} target {t.get('refId')}: {t.get('datasource')}")
                if not t.get("expr"):
                    fail(f"{rel(path)} panel {pid} '{p.get('title')}' target {t.get('refId')} has no expr")
                else:
                    exprs.append((f"{rel(path)} panel {pid} '{p.get('title')}' {t.get('refId')}", t["expr"]))
        cells, overlaps = {}, set()
        for p in walk_panels(d.get("panels")):
            g = p.get("gridPos") or {}
            for x in range(g.get("x", 0), g.get("x", 0) + g.get("w", 0)):
                for y in range(g.get("y", 0), g.get("y", 0) + g.get("h", 0)):
                    if (x, y) in cells and cells[(x, y)] != p.get("id"):
                        overlaps.add(tuple(sorted((cells[(x, y)], p.get("id")))))
                    cells[(x, y)] = p.get("id")
        check(not overlaps, f"{rel(path)} panels do not overlap", f"{rel(path)} overlapping panels (ids): {overlaps}")
        check(len(ids) > 0 and not [1 for p in walk_panels(d.get("panels")) if p.get("id") is None]
              and len(ids) == sum(1 for _ in walk_panels(d.get("panels"))),
              f"{rel(path)} {len(ids)} panel ids unique", f"{rel(path)} panel ids missing or repeated")
        for a in d.get("annotations", {}).get("list", []):
            if a.get("builtIn"):
                continue
            if ds_uid(a.get("datasource")) != prom_uid:
                bad_ds.append(f"annotation '{a.get('name')}': {a.get('datasource')}")
            if a.get("expr"):
                exprs.append((f"{rel(path)} annotation '{a.get('name')}'", a["expr"]))
        variables = d.get("templating", {}).get("list", [])
        for v in variables:
            if v.get("type") != "query":
                continue
            if ds_uid(v.get("datasource")) != prom_uid:
                bad_ds.append(f"variable '{v.get('name')}': {v.get('datasource')}")
            q = v.get("query")
            q = q.get("query") if isinstance(q, dict) else q
            m = re.fullmatch(r"\s*label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)\s*", q or "")
            if m:
                exprs.append((f"{rel(path)} variable '{v.get('name')}'", m.group(1)))
            elif q:
                exprs.append((f"{rel(path)} variable '{v.get('name')}'", q))
        names = {v.get("name") for v in variables}
        if uid in ("hashwatch-network", "hashwatch-economics", "hashwatch-pipeline"):
            check("network" in names, f"{rel(path)} has the network variable",
                  f"{rel(path)} has no 'network' template variable")
        if uid == "hashwatch-economics":
            check("profile" in names, f"{rel(path)} has the cost profile variable",
                  f"{rel(path)} has no 'profile' template variable")
        check(not bad_ds, f"{rel(path)} every datasource reference ({n_targets} queries) resolves to '{prom_uid}'",
              f"{rel(path)} datasource references not resolving to '{prom_uid}': {bad_ds}")


# ----------------------------------------------------------------------------------------------- Grafana alerts
def check_grafana_alerting(prom_uid, exprs, readme_anchors):
    paths = sorted(glob.glob(os.path.join(ROOT, "grafana", "provisioning", "alerting", "*.y*ml")))
    rule_uids, titles, contact_urls = set(), set(), []
    for path in paths:
        doc = yaml.safe_load(open(path)) or {}
        for cp in doc.get("contactPoints", []):
            for r in cp.get("receivers", []):
                if r.get("type") == "prometheus-alertmanager":
                    contact_urls.append(r.get("settings", {}).get("url"))
        for g in doc.get("groups", []):
            for r in g.get("rules", []):
                uid, title = r.get("uid"), r.get("title")
                where = f"{rel(path)} rule '{title}'"
                if not uid or uid in rule_uids or len(uid) > 40:
                    fail(f"{where}: uid '{uid}' missing, repeated or longer than 40 characters")
                rule_uids.add(uid)
                titles.add(title)
                refs = {q.get("refId") for q in r.get("data", [])}
                problems = []
                if r.get("condition") not in refs:
                    problems.append(f"condition '{r.get('condition')}' is none of its queries {sorted(refs)}")
                for q in r.get("data", []):
                    dsu = q.get("datasourceUid") or q.get("datasourceUID")
                    if dsu not in (prom_uid, "__expr__"):
                        problems.append(f"query {q.get('refId')} datasource '{dsu}'")
                    if dsu == prom_uid:
                        expr = q.get("model", {}).get("expr")
                        if not expr:
                            problems.append(f"query {q.get('refId')} has no expr")
                        else:
                            exprs.append((f"{where} {q.get('refId')}", expr))
                if r.get("labels", {}).get("severity") not in SEVERITIES:
                    problems.append(f"severity label {r.get('labels', {}).get('severity')!r}")
                if r.get("labels", {}).get("alert_source") != "grafana":
                    problems.append("no alert_source=grafana label (Alertmanager's inhibition keys on it)")
                rb = r.get("annotations", {}).get("runbook_url", "")
                if rb != RUNBOOK_BASE + str(title).lower() or str(title).lower() not in readme_anchors:
                    problems.append(f"runbook_url {rb!r} does not point at a '### {title}' heading of "
                                    f"prometheus/README.md")
                for a in ("summary", "description"):
                    if not r.get("annotations", {}).get(a):
                        problems.append(f"no {a}")
                check(not problems, f"{where} well-formed", f"{where}: {'; '.join(problems)}")
    check(rule_uids, f"{len(rule_uids)} Grafana-managed alert rules", "no Grafana-managed alert rules provisioned")
    check(contact_urls and all(u and u.startswith("http") for u in contact_urls),
          f"Grafana contact point to Alertmanager at {contact_urls}",
          "no Grafana contact point of type prometheus-alertmanager with a url")
    return titles


# ----------------------------------------------------------------------------------------------- Prometheus rules
def readme_anchors():
    path = os.path.join(ROOT, "prometheus", "README.md")
    text = open(path).read() if os.path.exists(path) else ""
    return {re.sub(r"[^a-z0-9 -]", "", h.strip().lower()).replace(" ", "-")
            for h in re.findall(r"^#{1,6}\s+(.*)$", text, re.M)}, text


def check_prometheus_rules(exprs, anchors, readme_text):
    alerts, records = {}, set()
    paths = sorted(p for p in glob.glob(os.path.join(ROOT, "prometheus", "rules", "*.yml"))
                   if not p.endswith("_test.yml"))
    for path in paths:
        for g in (yaml.safe_load(open(path)) or {}).get("groups", []):
            for r in g.get("rules", []):
                exprs.append((f"{rel(path)} {r.get('alert') or r.get('record')}", str(r.get("expr"))))
                if "record" in r:
                    name = r["record"]
                    records.add(name)
                    check(re.fullmatch(r"[a-z_]+:[a-z0-9_]+:[a-z0-9_]+", name),
                          f"recording rule {name} is level:metric:operation",
                          f"recording rule {name} in {rel(path)} is not named level:metric:operation")
                    if name.startswith("hashwatch:threshold_"):
                        check(f"`{name}`" in readme_text, f"threshold {name} documented in prometheus/README.md",
                              f"threshold {name} is not documented in prometheus/README.md (as `{name}`)")
                    continue
                name = r.get("alert")
                labels, ann = r.get("labels", {}), r.get("annotations", {})
                problems = []
                if not re.fullmatch(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)*", name or ""):
                    problems.append("name is not CamelCase")
                if labels.get("severity") not in SEVERITIES:
                    problems.append(f"severity {labels.get('severity')!r} not one of {sorted(SEVERITIES)}")
                for a in ("summary", "description", "runbook_url"):
                    if not ann.get(a):
                        problems.append(f"no {a} annotation")
                if ann.get("runbook_url") != RUNBOOK_BASE + (name or "").lower():
                    problems.append(f"runbook_url {ann.get('runbook_url')!r} is not {RUNBOOK_BASE}{(name or '').lower()}")
                if (name or "").lower() not in anchors:
                    problems.append(f"prometheus/README.md has no '### {name}' heading for the runbook_url")
                check(not problems, f"alert {name} ({labels.get('severity')}) well-formed",
                      f"alert {name} in {rel(path)}: {'; '.join(problems)}")
                alerts.setdefault(name, set()).add(labels.get("severity"))
    return alerts, records


def check_test_coverage(alerts):
    fires, silent = {}, set()
    for path in sorted(glob.glob(os.path.join(ROOT, "prometheus", "rules", "*_test.yml"))):
        for t in (yaml.safe_load(open(path)) or {}).get("tests", []):
            for case in t.get("alert_rule_test", []) or []:
                name = case.get("alertname")
                exp = case.get("exp_alerts") or []
                if exp:
                    for a in exp:
                        fires.setdefault(name, set()).add((a.get("exp_labels") or {}).get("severity"))
                else:
                    silent.add(name)
    for name, severities in sorted(alerts.items()):
        missing = severities - fires.get(name, set())
        check(not missing, f"alert {name} has a unit test where it fires (severities {sorted(severities)})",
              f"alert {name}: no unit test where it fires at severity {sorted(missing)}")
        check(name in silent, f"alert {name} has a unit test where it stays silent",
              f"alert {name}: no unit test where it stays silent (exp_alerts: [])")
    unknown = (set(fires) | silent) - set(alerts)
    check(not unknown, "unit tests name only existing alerts", f"unit tests name unknown alerts: {sorted(unknown)}")


# ----------------------------------------------------------------------------------------------- expressions
def check_expressions(exprs, known):
    unknown = []
    for where, expr in exprs:
        for name in metric_names_in(substitute_grafana_vars(expr)):
            if name not in known:
                unknown.append(f"{where}: {name}")
    check(not unknown, f"{len(exprs)} expressions use only known metric names",
          "unknown metric names (not in the Java sources, the recording rules, Prometheus's own or "
          "prometheus/known-metrics.txt):\n    " + "\n    ".join(unknown))
    # Parse every expression with promtool: each becomes a recording rule of a generated file.
    rules = [{"record": f"hashwatch_check:expr_{i}:value", "expr": substitute_grafana_vars(e)}
             for i, (_, e) in enumerate(exprs)]
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "expressions.yml")
        with open(path, "w") as f:
            yaml.safe_dump({"groups": [{"name": "dashboards-and-alerts", "rules": rules}]}, f)
        try:
            r = subprocess.run(["promtool", "check", "rules", path], capture_output=True, text=True)
        except FileNotFoundError:
            fail("promtool not found: cannot parse the expressions")
            return
        if r.returncode == 0:
            ok(f"{len(exprs)} expressions parse (promtool check rules)")
        else:
            out = r.stdout + r.stderr
            for i, (where, expr) in enumerate(exprs):
                out = out.replace(f"hashwatch_check:expr_{i}:value", f"{where} [{expr}]")
            fail("expressions that do not parse:\n" + out)


# ----------------------------------------------------------------------------------------------- compose
def check_compose():
    path = os.path.join(ROOT, "docker-compose.yml")
    doc = yaml.safe_load(open(path))
    for name, svc in doc.get("services", {}).items():
        if "image" in svc and "build" not in svc:
            image = svc["image"]
            tag = image.rsplit(":", 1)[1] if ":" in image.split("/")[-1] else ""
            check(re.search(r"\d", tag) and tag != "latest", f"service {name} image {image} pinned",
                  f"service {name} image {image!r} is not pinned to a version tag")
        build = svc.get("build")
        if build:
            ctx = os.path.join(ROOT, build.get("context", ".") if isinstance(build, dict) else build)
            dockerfile = os.path.join(ctx, build.get("dockerfile", "Dockerfile")) if isinstance(build, dict) else \
                os.path.join(ctx, "Dockerfile")
            check(os.path.isdir(ctx) and os.path.isfile(dockerfile), f"service {name} builds from {rel(dockerfile)}",
                  f"service {name}: build context or Dockerfile {rel(dockerfile)} missing")
        for v in svc.get("volumes", []):
            src = v.split(":", 1)[0] if isinstance(v, str) else v.get("source", "")
            if src.startswith("./") or src.startswith("../"):
                check(os.path.exists(os.path.join(ROOT, src)), f"service {name} mounts {src}",
                      f"service {name} mounts {src}, which does not exist")


def check_topics():
    """docker/topic-init.sh creates every topic of the Topics registry (chain-model), and `alerts`."""
    registry = set()
    for path in glob.glob(os.path.join(ROOT, "*", "src", "main", "java", "**", "Topics.java"), recursive=True):
        registry |= set(re.findall(r'new Topic<>\(\s*"([a-z0-9.-]+)"', open(path).read()))
    script = open(os.path.join(ROOT, "docker", "topic-init.sh")).read()
    created = set()
    for words in re.findall(r"^for t in ([a-z0-9 .-]+); do", script, re.M):
        created |= set(words.split())
    created |= set(re.findall(r"^create ([a-z0-9.-]+)", script, re.M))
    wanted = registry | {"alerts"}
    check(len(registry) >= 11 and wanted <= created,
          f"docker/topic-init.sh creates all {len(wanted)} topics ({len(registry)} from Topics.java, and alerts)",
          f"docker/topic-init.sh does not create {sorted(wanted - created)} (Topics.java has {sorted(registry)})")


def main():
    prom_uid = datasource_uid()
    anchors, readme_text = readme_anchors()
    exprs = []
    check_dashboards(prom_uid, exprs)
    check_grafana_alerting(prom_uid, exprs, anchors)
    alerts, records = check_prometheus_rules(exprs, anchors, readme_text)
    check_test_coverage(alerts)
    java = java_metric_names()
    check(len(java) > 20, f"{len(java)} hashwatch metric names read from the Java sources",
          f"only {len(java)} hashwatch metric names found in the Java sources")
    check_expressions(exprs, java | records | known_external_names() | PROMETHEUS_BUILTIN)
    check_compose()
    check_topics()
    print(f"checks: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
