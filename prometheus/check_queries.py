#!/usr/bin/env python3
"""Structural checks of hashwatch's monitoring files, run by prometheus/test.sh.

    python3 prometheus/check_queries.py REPO_ROOT

Prints one line per check ("ok - ..." or "FAIL - ..."), then "checks: N passed, M failed", and exits 1 when any
check failed. Needs PyYAML (Debian's python3-yaml, which docker-compose depends on) and promtool on the PATH (every
PromQL expression of the dashboards is parsed by promtool itself).

What it checks:
  * dashboards (grafana/dashboards/*.json): valid JSON; uids present and unique across dashboards; panel ids
    present and unique within each dashboard (rows' nested panels included); every datasource reference (panels,
    targets, annotations, template variables) names the provisioned Prometheus datasource's uid;
  * Grafana provisioning: alerts are defined once, as Prometheus rules, and Grafana shows them: the Prometheus
    datasource has manageAlerts (data-source-managed rules) and alertmanagerUid naming the one Alertmanager
    datasource (implementation prometheus, no Grafana-managed alerts), whose URL is the compose Alertmanager that
    prometheus/prometheus.yml sends to; the Prometheus datasource's URL is the compose Prometheus and its
    timeInterval Prometheus's scrape_interval; grafana/provisioning/alerting defines no rule, contact point or
    policy (deletions of retired ones only);
  * endpoints: every scrape target, Alertmanager and webhook receiver of prometheus/prometheus.yml and
    alertmanager/alertmanager.yml is a compose service and a port it listens on (published, or EXPOSEd by its
    Dockerfile target), and a target's `component` label is its service's image target;
  * Prometheus rules (prometheus/rules/*.yml, the *_test.yml files aside): recording names are level:metric:op,
    alert names CamelCase, each alert has a severity (critical, warning, info), summary, description and a
    runbook_url pointing at its own heading in prometheus/README.md; every threshold series is documented there;
  * facts written twice agree: prometheus/prometheus.yml loads exactly the rule files that are tested;
    prometheus/README.md's threshold table has the values of thresholds.yml, and each alert's heading its
    severities and `for:`;
  * unit-test coverage (prometheus/rules/*_test.yml): every alert, at each of its severities, has a case where it
    fires, and every alert has a case where it stays silent;
  * every PromQL expression (dashboards, Prometheus rules) parses (promtool check rules on a generated file) and
    uses only metric names that exist: prometheus/known-metrics.txt (hashwatch_* generated from MetricCatalog;
    Kafka, JVM, process from a scrape), names recorded by the rules, Prometheus's own (up, ALERTS, ...);
  * docker-compose.yml: every image pinned to a version tag, every bind-mounted file and build context present;
    the topics are set up by the launcher: no docker/topic-init.sh; the one-shot topic-init service runs the
    hashwatch image's `topics` command (whose options the launcher declares; PENDING until it exists, a failure
    with CI=true) against kafka's advertised listener with replication factor 1, after kafka is healthy; every
    service with --bootstrap-servers names that listener and waits for topic-init to complete successfully.
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
pending_count = 0


def ok(msg):
    global passed
    passed += 1
    print(f"ok - {msg}")


def fail(msg):
    global failed
    failed += 1
    print(f"FAIL - {msg}")


def pending(msg):
    """What waits for another change: a failure with CI=true, otherwise shown and counted apart."""
    global pending_count
    if os.environ.get("CI") == "true":
        fail(msg + " (CI=true)")
    else:
        pending_count += 1
        print(f"PENDING - {msg}")


def check(cond, msg_ok, msg_fail):
    if cond:
        ok(msg_ok)
    else:
        fail(msg_fail)


def rel(path):
    return os.path.relpath(path, ROOT)


# ----------------------------------------------------------------------------------------------- metric names
def known_metric_names():
    """Every name served: hashwatch's (generated from MetricCatalog, kept current by chain-model's
    MetricFilesGeneratedTest) and the Kafka, JVM and process names of a real scrape."""
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


# ----------------------------------------------------------------------------------------------- endpoints
def compose_services():
    return (yaml.safe_load(open(os.path.join(ROOT, "docker-compose.yml"))) or {}).get("services", {})


def dockerfile_stage(build, instruction):
    """The arguments of each INSTRUCTION line of a build's Dockerfile target (its own stage only)."""
    if not isinstance(build, dict):
        return []
    path = os.path.join(ROOT, build.get("context", "."), build.get("dockerfile", "Dockerfile"))
    if not os.path.isfile(path):
        return []
    found, stage = [], None
    for line in open(path):
        m = re.match(r"\s*FROM\s+\S+(?:\s+AS\s+(\S+))?", line, re.I)
        if m:
            stage = m.group(1)
            continue
        m = re.match(r"\s*" + instruction + r"\s+(.*)", line, re.I)
        if m and stage == build.get("target"):
            found.append(m.group(1).strip())
    return found


def dockerfile_exposed(build):
    """The ports a build target of a Dockerfile EXPOSEs."""
    return {int(p.split("/")[0]) for args in dockerfile_stage(build, "EXPOSE") for p in args.split()}


def container_ports(svc):
    """The ports a compose service listens on inside its network: the container side of its published ports, and
    what its Dockerfile target EXPOSEs."""
    ports = set()
    for p in svc.get("ports", []):
        target = str(p.get("target")) if isinstance(p, dict) else str(p).split(":")[-1]
        ports.add(int(target.split("/")[0]))
    return ports | dockerfile_exposed(svc.get("build"))


def check_endpoint(services, where, endpoint):
    """endpoint (host:port or a URL) names a compose service and a port that service listens on."""
    m = re.match(r"(?:[a-z]+://)?([A-Za-z0-9_.-]+):([0-9]+)", endpoint or "")
    if not m:
        fail(f"{where}: {endpoint!r} is not host:port")
        return None
    host, port = m.group(1), int(m.group(2))
    if host not in services:
        fail(f"{where}: {endpoint} names {host}, which is not a service of docker-compose.yml "
             f"({', '.join(sorted(services))})")
    elif port not in container_ports(services[host]):
        fail(f"{where}: {endpoint}: service {host} listens on {sorted(container_ports(services[host]))}, not {port}")
    else:
        ok(f"{where}: {endpoint} is compose service {host}, port {port}")
    return host, port


# ----------------------------------------------------------------------------------------------- Grafana
def check_grafana_provisioning(prom_uid):
    """Alerts are defined once (Prometheus rules) and routed once (Alertmanager); Grafana shows both: its
    Prometheus datasource manages alerts (data-source-managed rules, read-only), an Alertmanager datasource points
    at the Alertmanager Prometheus sends to, and no Grafana-managed rule, contact point or policy is provisioned."""
    services = compose_services()
    prom_cfg = yaml.safe_load(open(os.path.join(ROOT, "prometheus", "prometheus.yml"))) or {}
    datasources = []
    for path in sorted(glob.glob(os.path.join(ROOT, "grafana", "provisioning", "datasources", "*.y*ml"))):
        datasources += [(rel(path), ds) for ds in (yaml.safe_load(open(path)) or {}).get("datasources", [])]
    uids = [ds.get("uid") for _, ds in datasources]
    check(len(uids) == len(set(uids)) and all(uids), f"datasource uids present and unique {uids}",
          f"datasource uids missing or repeated: {uids}")

    proms = [(p, ds) for p, ds in datasources if ds.get("type") == "prometheus"]
    ams = [(p, ds) for p, ds in datasources if ds.get("type") == "alertmanager"]
    check(len(ams) == 1, "one provisioned Alertmanager datasource",
          f"expected exactly one provisioned datasource of type alertmanager, found {len(ams)}")
    am_uid = ams[0][1].get("uid") if ams else None
    for path, ds in proms:
        where = f"{path} datasource '{ds.get('name')}'"
        jd = ds.get("jsonData") or {}
        check(jd.get("manageAlerts") is True, f"{where}: manageAlerts true (Grafana shows Prometheus's rules)",
              f"{where}: jsonData.manageAlerts is {jd.get('manageAlerts')!r}, not true: Grafana would not show "
              f"the Prometheus rules")
        check(am_uid is not None and jd.get("alertmanagerUid") == am_uid,
              f"{where}: alertmanagerUid '{am_uid}' is the Alertmanager datasource",
              f"{where}: jsonData.alertmanagerUid {jd.get('alertmanagerUid')!r} is not the Alertmanager "
              f"datasource's uid {am_uid!r}")
        scrape = (prom_cfg.get("global") or {}).get("scrape_interval", "1m")
        check(jd.get("timeInterval") == scrape, f"{where}: timeInterval {scrape} is Prometheus's scrape_interval",
              f"{where}: jsonData.timeInterval {jd.get('timeInterval')!r} is not prometheus/prometheus.yml's "
              f"scrape_interval {scrape!r}")
        endpoint = check_endpoint(services, f"{where} url", ds.get("url"))
        image = (services.get(endpoint[0]) or {}).get("image", "") if endpoint else ""
        check(image.startswith("prom/prometheus:"), f"{where}: {ds.get('url')} runs {image}",
              f"{where}: {ds.get('url')} is not the compose service running prom/prometheus (it runs {image!r})")
    for path, ds in ams:
        where = f"{path} datasource '{ds.get('name')}'"
        jd = ds.get("jsonData") or {}
        check(jd.get("implementation") == "prometheus", f"{where}: implementation prometheus",
              f"{where}: jsonData.implementation {jd.get('implementation')!r} is not 'prometheus' (the compose "
              f"stack runs Prometheus's Alertmanager)")
        check(jd.get("handleGrafanaManagedAlerts") is not True, f"{where}: receives no Grafana-managed alerts",
              f"{where}: handleGrafanaManagedAlerts is true, but there must be no Grafana-managed alerts")
        endpoint = check_endpoint(services, f"{where} url", ds.get("url"))
        image = (services.get(endpoint[0]) or {}).get("image", "") if endpoint else ""
        check(image.startswith("prom/alertmanager:"), f"{where}: {ds.get('url')} runs {image}",
              f"{where}: {ds.get('url')} is not the compose service running prom/alertmanager (it runs {image!r})")
        targets = [t for am in (prom_cfg.get("alerting") or {}).get("alertmanagers", [])
                   for sc in am.get("static_configs", []) for t in sc.get("targets", [])]
        check(endpoint is not None and f"{endpoint[0]}:{endpoint[1]}" in targets,
              f"{where}: {ds.get('url')} is the Alertmanager prometheus/prometheus.yml sends to",
              f"{where}: {ds.get('url')} is not among prometheus/prometheus.yml's Alertmanagers {targets}")

    # No Grafana-managed alerting: only deletions (of what earlier versions provisioned) may be provisioned.
    defined = []
    for path in sorted(glob.glob(os.path.join(ROOT, "grafana", "provisioning", "alerting", "*"))):
        if not re.search(r"\.(ya?ml|json)$", path):
            fail(f"{rel(path)}: Grafana provisions alerting only from .yaml, .yml and .json files and refuses "
                 f"to start alerting provisioning with any other file there")
            continue
        doc = (json.load(open(path)) if path.endswith(".json") else yaml.safe_load(open(path))) or {}
        defined += [f"{rel(path)}: {k}" for k, v in doc.items()
                    if k != "apiVersion" and not k.startswith(("delete", "reset")) and v]
    check(not defined, "no Grafana-managed alert rules, contact points or policies (alerts are Prometheus rules)",
          f"Grafana-managed alerting provisioned (every alert is a Prometheus rule, routed by Alertmanager): "
          f"{defined}")


def check_service_endpoints():
    """The hosts and ports Prometheus and Alertmanager are told about are compose services: the scrape targets
    (whose `component` label is the service's image target), the Alertmanagers, the webhook receivers."""
    services = compose_services()
    prom_cfg = yaml.safe_load(open(os.path.join(ROOT, "prometheus", "prometheus.yml"))) or {}
    for job in prom_cfg.get("scrape_configs", []):
        for sc in job.get("static_configs", []):
            for t in sc.get("targets", []):
                if t.startswith(("localhost:", "127.0.0.1:")):
                    continue
                endpoint = check_endpoint(services, f"prometheus/prometheus.yml job {job.get('job_name')}", t)
                component = (sc.get("labels") or {}).get("component")
                build = (services.get(endpoint[0]) or {}).get("build") if endpoint else None
                if component is not None:
                    target = build.get("target") if isinstance(build, dict) else None
                    check(component == target, f"scrape target {t}: component {component} is its image target",
                          f"scrape target {t}: label component={component!r} but service {endpoint and endpoint[0]}"
                          f" is built from target {target!r}")
    for am in (prom_cfg.get("alerting") or {}).get("alertmanagers", []):
        for sc in am.get("static_configs", []):
            for t in sc.get("targets", []):
                check_endpoint(services, "prometheus/prometheus.yml alerting", t)
    am_cfg = yaml.safe_load(open(os.path.join(ROOT, "alertmanager", "alertmanager.yml"))) or {}
    for r in am_cfg.get("receivers", []):
        for w in r.get("webhook_configs", []) or []:
            check_endpoint(services, f"alertmanager/alertmanager.yml receiver {r.get('name')}", w.get("url"))


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


def check_rule_facts(readme_text):
    """Facts about the rules that are written in more than one file agree: prometheus/prometheus.yml loads every
    rule file that prometheus/test.sh tests (and only those); prometheus/README.md's threshold table gives each
    threshold's value from thresholds.yml; each alert's heading there names its severities and its `for:`."""
    rules_dir = os.path.join(ROOT, "prometheus", "rules")
    tested = {"rules/" + os.path.basename(p) for p in glob.glob(os.path.join(rules_dir, "*.yml"))
              if not p.endswith("_test.yml")}
    prom_cfg = yaml.safe_load(open(os.path.join(ROOT, "prometheus", "prometheus.yml"))) or {}
    loaded = set(prom_cfg.get("rule_files") or [])
    check(loaded == tested, f"prometheus/prometheus.yml loads all {len(tested)} rule files of prometheus/rules",
          f"prometheus/prometheus.yml rule_files differ from prometheus/rules/*.yml: not loaded "
          f"{sorted(tested - loaded)}, not there {sorted(loaded - tested)}")

    values, fors = {}, {}
    for path in sorted(tested):
        for g in (yaml.safe_load(open(os.path.join(ROOT, "prometheus", path))) or {}).get("groups", []):
            for r in g.get("rules", []):
                m = re.fullmatch(r"\s*vector\(\s*(-?[0-9.]+)\s*\)\s*", str(r.get("expr")))
                if r.get("record", "").startswith("hashwatch:threshold_") and m:
                    values[r["record"]] = float(m.group(1))
                if r.get("alert"):
                    fors.setdefault(r["alert"], {})[(r.get("labels") or {}).get("severity")] = r.get("for")
    wrong = []
    for name, value in sorted(values.items()):
        m = re.search(r"^\|\s*`" + re.escape(name) + r"`\s*\|\s*(-?[0-9.]+)", readme_text, re.M)
        if not m or float(m.group(1)) != value:
            wrong.append(f"{name}: thresholds.yml {value:g}, README {m.group(1) if m else 'no row'}")
    check(not wrong, f"prometheus/README.md's threshold table gives the {len(values)} values of thresholds.yml",
          f"prometheus/README.md's threshold table disagrees with thresholds.yml: {wrong}")
    wrong = []
    for name, by_sev in sorted(fors.items()):
        m = re.search(r"^###\s+" + re.escape(name) + r"\s*\n+\*([^*]+)\*", readme_text, re.M)
        if not m:
            wrong.append(f"{name}: no '*severity; for*' line under its heading")
            continue
        line = m.group(1)
        missing = [sev for sev in by_sev if not re.search(r"\b" + sev + r"\b", line)]
        durations = {d for d in by_sev.values() if d}
        missing += [f"`for: {d}`" for d in sorted(durations) if f"`for: {d}`" not in line]
        missing += [f"no `for:` ({d})" for d in re.findall(r"`for: ([0-9a-z]+)`", line) if d not in durations]
        if missing:
            wrong.append(f"{name} ({line}): {missing}")
    check(not wrong, f"prometheus/README.md names the severities and `for:` of all {len(fors)} alerts",
          f"prometheus/README.md's alert headings disagree with the rules: {wrong}")


# ----------------------------------------------------------------------------------------------- expressions
def check_expressions(exprs, known):
    unknown = []
    for where, expr in exprs:
        for name in metric_names_in(substitute_grafana_vars(expr)):
            if name not in known:
                unknown.append(f"{where}: {name}")
    check(not unknown, f"{len(exprs)} expressions use only known metric names",
          "unknown metric names (not in prometheus/known-metrics.txt, the recording rules or Prometheus's "
          "own):\n    " + "\n    ".join(unknown))
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
        if build:
            # A long-running service built here is health-checked once: by its image's HEALTHCHECK, or by compose.
            # A one-shot service turns the image's off (it is not a server).
            hc = svc.get("healthcheck") or {}
            image_hc = dockerfile_stage(build, "HEALTHCHECK")
            if svc.get("restart", "no") == "no":
                check(hc.get("disable") is True or not image_hc, f"one-shot service {name}: no health check",
                      f"one-shot service {name}: disable the image's HEALTHCHECK (healthcheck: disable: true)")
            else:
                check(bool(image_hc) != bool(hc) and not hc.get("disable"),
                      f"service {name} health-checked once ({'image HEALTHCHECK' if image_hc else 'compose'})",
                      f"service {name}: health check in the image {image_hc} and in compose {hc}: want exactly one")
        for v in svc.get("volumes", []):
            src = v.split(":", 1)[0] if isinstance(v, str) else v.get("source", "")
            if src.startswith("./") or src.startswith("../"):
                check(os.path.exists(os.path.join(ROOT, src)), f"service {name} mounts {src}",
                      f"service {name} mounts {src}, which does not exist")


def check_topics():
    """The compose stack's topics are set up by the launcher (`hashwatch topics`, the policy of Topics and
    TopicSetup), not by a second copy of that policy: the one-shot topic-init service runs the hashwatch image's
    `topics` command against the compose broker, and every service that uses the broker waits for it."""
    services = compose_services()
    check(not os.path.exists(os.path.join(ROOT, "docker", "topic-init.sh")),
          "no docker/topic-init.sh (the topic policy is written once, in Topics and TopicSetup)",
          "docker/topic-init.sh exists: a second copy of the topic policy of Topics and TopicSetup")
    init = services.get("topic-init")
    if not init:
        fail("docker-compose.yml has no topic-init service")
        return
    hashwatch_builds = {(s["build"].get("context"), s["build"].get("dockerfile")) for n, s in services.items()
                        if n != "topic-init" and isinstance(s.get("build"), dict)}
    build = init.get("build") if isinstance(init.get("build"), dict) else {}
    cmd = [str(a) for a in init.get("command") or []]
    check((build.get("context"), build.get("dockerfile")) in hashwatch_builds and "entrypoint" not in init
          and cmd[:1] == ["topics"],
          f"topic-init runs `hashwatch {' '.join(cmd)}` from the hashwatch image ({build.get('target')})",
          f"topic-init must run the hashwatch image's own entrypoint with the `topics` command "
          f"(build {build}, entrypoint {init.get('entrypoint')!r}, command {cmd})")

    def option(args, name):
        return args[args.index(name) + 1] if name in args[:-1] else None

    kafka_env = (services.get("kafka") or {}).get("environment") or {}
    m = re.search(r"PLAINTEXT://([^,]+)", str(kafka_env.get("KAFKA_ADVERTISED_LISTENERS", "")))
    advertised = m.group(1) if m else None
    users = {n: [str(a) for a in s.get("command") or []] for n, s in services.items()}
    users = {n: c for n, c in users.items() if "--bootstrap-servers" in c}
    bad = {n: option(c, "--bootstrap-servers") for n, c in users.items()
           if option(c, "--bootstrap-servers") != advertised}
    check("topic-init" in users and not bad,
          f"{', '.join(sorted(users))}: --bootstrap-servers is kafka's advertised listener {advertised}",
          f"--bootstrap-servers differs from kafka's advertised PLAINTEXT listener {advertised}: {bad}")
    check(option(cmd, "--replication-factor") == "1" and option(cmd, "--replication-factor")
          == str(kafka_env.get("KAFKA_DEFAULT_REPLICATION_FACTOR")),
          "topic-init: --replication-factor 1 (the single-node broker)",
          f"topic-init: --replication-factor {option(cmd, '--replication-factor')!r}, the single-node broker "
          f"needs 1 (KAFKA_DEFAULT_REPLICATION_FACTOR {kafka_env.get('KAFKA_DEFAULT_REPLICATION_FACTOR')!r})")
    dep = (init.get("depends_on") or {}).get("kafka", {}) if isinstance(init.get("depends_on"), dict) else {}
    check(dep.get("condition") == "service_healthy", "topic-init waits for a healthy kafka",
          f"topic-init: depends_on kafka {dep!r}, not condition service_healthy")
    check(init.get("restart", "no") == "no", "topic-init is one-shot (restart no)",
          f"topic-init: restart {init.get('restart')!r}: a one-shot service must not restart")
    waiting = []
    for n in users:
        if n == "topic-init":
            continue
        d = services[n].get("depends_on") or {}
        if not isinstance(d, dict) or (d.get("topic-init") or {}).get("condition") != "service_completed_successfully":
            waiting.append(n)
    check(not waiting, f"{', '.join(sorted(n for n in users if n != 'topic-init'))} wait for topic-init to complete "
                       f"successfully",
          f"services using Kafka without depends_on topic-init: service_completed_successfully: {waiting}")

    # The command itself is the launcher's (another change adds it): its options must be the ones used here.
    sources = {p: open(p, encoding="utf-8").read()
               for p in glob.glob(os.path.join(ROOT, "launcher", "src", "main", "java", "**", "*.java"),
                                  recursive=True)}
    command = [p for p, t in sources.items() if re.search(r'@Command\(\s*name\s*=\s*"topics"', t)]
    if not command:
        pending("the launcher has no `topics` command yet (@Command(name = \"topics\") in launcher/src/main): "
                "topic-init needs it")
    else:
        text = "".join(sources[p] for p in command)
        # Options of the picocli mixins the command declares (@Mixin TYPE name) count as its own.
        for mixin in re.findall(r'@Mixin\s+(\w+)', text):
            text += "".join(t for p, t in sources.items() if os.path.basename(p) == mixin + ".java")
        used = [a for a in cmd if a.startswith("--")]
        missing = [a for a in used if f'"{a}"' not in text]
        check(not missing, f"the launcher's `topics` command ({rel(command[0])}) has the options {used}",
              f"the launcher's `topics` command ({rel(command[0])}) lacks the options {missing} topic-init uses")


def main():
    prom_uid = datasource_uid()
    anchors, readme_text = readme_anchors()
    exprs = []
    check_dashboards(prom_uid, exprs)
    check_grafana_provisioning(prom_uid)
    check_service_endpoints()
    alerts, records = check_prometheus_rules(exprs, anchors, readme_text)
    check_test_coverage(alerts)
    check_rule_facts(readme_text)
    known = known_metric_names()
    ours = {n for n in known if n.startswith("hashwatch_")}
    check(len(ours) > 20, f"{len(ours)} hashwatch metric names in prometheus/known-metrics.txt",
          f"only {len(ours)} hashwatch metric names in prometheus/known-metrics.txt (generated from MetricCatalog)")
    check_expressions(exprs, known | records | PROMETHEUS_BUILTIN)
    check_compose()
    check_topics()
    print(f"checks: {passed} passed, {failed} failed" + (f", {pending_count} pending" if pending_count else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
