#!/usr/bin/env python3
"""Checks alertmanager/alertmanager.yml's routing, inhibition and silences on a real Alertmanager (prometheus/test.sh).

    python3 prometheus/check_alertmanager.py REPO_ROOT ALERTMANAGER_BINARY

Starts the binary (Debian's prometheus-alertmanager) with the repository's configuration on a free loopback port
and a temporary storage directory (clustering off), posts alerts (and a silence, as Grafana's Alertmanager
datasource does) through its API, reads back which ones it holds back (status.inhibitedBy, status.silencedBy) and
which receiver each goes to, and stops it. Only 127.0.0.1 is contacted; the webhook
receiver's host (hashwatch) does not resolve here, so nothing is delivered, which does not matter for these checks.
Prints "ok - ..." / "FAIL - ..." lines and exits 1 on any failure.
"""
import datetime
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(sys.argv[1])
BINARY = sys.argv[2]
failures = 0


def report(cond, msg):
    global failures
    print(("ok - " if cond else "FAIL - ") + msg)
    if not cond:
        failures += 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class Alertmanager:
    def __init__(self, base):
        self.base = base

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=5) as r:
            text = r.read().decode()
            return json.loads(text) if text.strip().startswith(("{", "[")) else text

    def post(self, *alerts, resolved=False):
        now = time.time()
        self.call("POST", "/api/v2/alerts", [
            {"labels": labels, "annotations": {"summary": "test"}, "startsAt": iso(now - 60),
             "endsAt": iso(now - 1 if resolved else now + 3600)} for labels in alerts])

    def status_of(self, labels):
        """The alert with exactly these labels: (state, inhibitedBy, receivers, silencedBy), or None."""
        for a in self.call("GET", "/api/v2/alerts?active=true&silenced=true&inhibited=true&unprocessed=true"):
            if a["labels"] == labels:
                return a["status"]["state"], a["status"].get("inhibitedBy") or [], \
                    [r["name"] for r in a.get("receivers", [])], a["status"].get("silencedBy") or []
        return None


def wait_inhibited(am, labels, expected, timeout=10.0):
    """Polls until the alert's inhibition is as expected (Alertmanager evaluates it asynchronously)."""
    deadline = time.time() + timeout
    status = None
    while time.time() < deadline:
        status = am.status_of(labels)
        if status and status[0] != "unprocessed" and bool(status[1]) == expected:
            return status
        time.sleep(0.2)
    return status


def wait_silenced(am, labels, expected, timeout=10.0):
    """Polls until the alert's silencing is as expected."""
    deadline = time.time() + timeout
    status = None
    while time.time() < deadline:
        status = am.status_of(labels)
        if status and status[0] != "unprocessed" and bool(status[3]) == expected:
            return status
        time.sleep(0.2)
    return status


def alert(name, severity, **labels):
    d = {"alertname": name, "severity": severity, "job": "hashwatch"}
    d.update(labels)
    return d


def main():
    port = free_port()
    with tempfile.TemporaryDirectory() as storage, open(os.path.join(storage, "log"), "w") as log:
        proc = subprocess.Popen([BINARY, "--config.file=" + os.path.join(ROOT, "alertmanager", "alertmanager.yml"),
                                 "--storage.path=" + storage, f"--web.listen-address=127.0.0.1:{port}",
                                 "--cluster.listen-address="], stdout=log, stderr=subprocess.STDOUT)
        try:
            am = Alertmanager(f"http://127.0.0.1:{port}")
            deadline = time.time() + 30
            while True:
                try:
                    am.call("GET", "/-/ready")
                    break
                except OSError:
                    if proc.poll() is not None or time.time() > deadline:
                        log.flush()
                        print(open(os.path.join(storage, "log")).read())
                        report(False, f"Alertmanager did not start on 127.0.0.1:{port}")
                        return 1
                    time.sleep(0.2)
            report(True, f"Alertmanager started with alertmanager/alertmanager.yml on 127.0.0.1:{port}")
            run_checks(am)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
    return 1 if failures else 0


def run_checks(am):
    inst = {"instance": "hashwatch:9336", "component": "streams-app"}
    down = alert("HashwatchDown", "critical", **inst)
    block = alert("NoNewBlock", "warning", network="mainnet", **inst)
    price = alert("HashpriceLow", "warning", **inst)

    # 1. hashwatch down holds back everything else, and is itself sent.
    am.post(down, block, price)
    s = wait_inhibited(am, block, True)
    report(s is not None and bool(s[1]), f"HashwatchDown inhibits NoNewBlock (status {s})")
    s = wait_inhibited(am, price, True)
    report(s is not None and bool(s[1]), f"HashwatchDown inhibits HashpriceLow (status {s})")
    s = wait_inhibited(am, down, False)
    report(s is not None and not s[1] and s[2] == ["hashwatch-webhook"],
           f"HashwatchDown itself is active and goes to the hashwatch-webhook receiver (status {s})")
    am.post(down, resolved=True)
    s = wait_inhibited(am, block, False)
    report(s is not None and not s[1], f"NoNewBlock is sent again once HashwatchDown resolves (status {s})")

    # 2. A down source holds back its own staleness alert, not another source's.
    src = {"instance": "producers:9336", "component": "producers"}
    kraken_down = alert("SourceDown", "warning", source="kraken", **src)
    kraken_stale = alert("SourceStale", "warning", source="kraken", **src)
    coinbase_stale = alert("SourceStale", "warning", source="coinbase", **src)
    am.post(kraken_down, kraken_stale, coinbase_stale)
    s = wait_inhibited(am, kraken_stale, True)
    report(s is not None and bool(s[1]), f"SourceDown{{source=kraken}} inhibits SourceStale{{source=kraken}} ({s})")
    s = wait_inhibited(am, coinbase_stale, False)
    report(s is not None and not s[1], f"SourceDown{{source=kraken}} leaves SourceStale{{source=coinbase}} ({s})")

    # 3. The critical level of an alert replaces its warning level (same network), not another network's.
    crit = alert("NoNewBlock", "critical", network="mainnet", **inst)
    other = alert("NoNewBlock", "warning", network="testnet", **inst)
    am.post(crit, block, other)
    s = wait_inhibited(am, block, True)
    report(s is not None and bool(s[1]), f"NoNewBlock critical inhibits NoNewBlock warning of mainnet ({s})")
    s = wait_inhibited(am, other, False)
    report(s is not None and not s[1], f"NoNewBlock critical of mainnet leaves testnet's warning ({s})")

    # 4. A silence through Alertmanager's API (what Grafana's Alertmanager datasource, implementation prometheus,
    #    creates from its Silences page) holds back its alert and only that one; expiring it sends it again.
    hashrate = alert("HashrateCapitulation", "warning", network="mainnet", **inst)
    am.post(price, hashrate)
    now = time.time()
    sid = am.call("POST", "/api/v2/silences", {
        "matchers": [{"name": "alertname", "value": "HashpriceLow", "isRegex": False, "isEqual": True}],
        "startsAt": iso(now - 1), "endsAt": iso(now + 3600), "createdBy": "check_alertmanager.py",
        "comment": "test"})["silenceID"]
    s = wait_silenced(am, price, True)
    report(s is not None and s[0] == "suppressed" and s[3] == [sid],
           f"a silence of HashpriceLow holds it back (status {s})")
    s = wait_silenced(am, hashrate, False)
    report(s is not None and s[0] == "active", f"the silence of HashpriceLow leaves HashrateCapitulation ({s})")
    am.call("DELETE", f"/api/v2/silence/{sid}")
    s = wait_silenced(am, price, False)
    report(s is not None and s[0] == "active" and s[2] == ["hashwatch-webhook"],
           f"HashpriceLow is sent again once its silence expires (status {s})")

    # 5. Every severity is routed to the webhook.
    for sev in ("critical", "warning", "info"):
        a = alert("RoutingProbe", sev, instance="probe-" + sev)
        am.post(a)
        s = wait_inhibited(am, a, False)
        report(s is not None and s[2] == ["hashwatch-webhook"], f"severity {sev} routed to hashwatch-webhook ({s})")


if __name__ == "__main__":
    sys.exit(main())
