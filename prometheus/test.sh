#!/usr/bin/env bash
# Tests of hashwatch's monitoring files (prometheus/, alertmanager/, grafana/, docker-compose.yml), with the real
# tools from Debian's packages:
#   promtool     (prometheus)               check config, check rules, test rules on every rules/*_test.yml
#   amtool       (prometheus-alertmanager)  check-config
#   prometheus-alertmanager                 routing, inhibition, silences on a real Alertmanager (loopback only)
#   docker-compose (docker-compose)         config, with and without the Grafana password (no engine needed)
#   python3 + PyYAML (python3-yaml, a dependency of docker-compose)  check_queries.py: dashboards, Grafana
#                                           provisioning, endpoints, alert conventions, test coverage, metric
#                                           names, compose
# A missing tool skips its steps with a notice; with CI=true it fails them. Exits non-zero on any failure.
#
#   prometheus/test.sh            (from anywhere)
#   prometheus/test.sh --live     also: `./hashwatch run` replaying real headers (../shared/data/headers, or
#                                 HASHWATCH_LIVE_HEADERS and HASHWATCH_LIVE_START_HEIGHT), a real Prometheus
#                                 (Debian's `prometheus`) scraping it with these rules, and live_check.py running
#                                 every dashboard query and rule expression against it, and checking its rules
#                                 API (what Grafana shows) serves every alert (loopback ports only)
set -uo pipefail

live=0
if [[ "${1:-}" == "--live" ]]; then
  live=1
elif [[ $# -gt 0 ]]; then
  echo "usage: prometheus/test.sh [--live]" >&2
  exit 2
fi

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

passed=0
failed=0
skipped=0
tmp="$(mktemp -d)"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT

pass() { echo "ok - $1"; passed=$((passed + 1)); }
fail() { echo "FAIL - $1"; failed=$((failed + 1)); }

# step NAME COMMAND...: runs the command; its output is shown only when it fails.
step() {
  local name="$1"; shift
  if "$@" >"$tmp/out" 2>&1; then
    pass "$name"
  else
    fail "$name"
    sed 's/^/    /' "$tmp/out"
    return 1
  fi
}

# need TOOL PACKAGE: true when TOOL is on the PATH; otherwise a skip (a failure with CI=true).
need() {
  if command -v "$1" >/dev/null 2>&1; then
    return 0
  fi
  if [[ "${CI:-}" == "true" ]]; then
    fail "$1 is not installed (apt-get install $2); CI=true requires it"
  else
    echo "SKIP - $1 is not installed (apt-get install $2): its checks did not run"
    skipped=$((skipped + 1))
  fi
  return 1
}

rule_files=()
for f in prometheus/rules/*.yml; do
  [[ "$f" == *_test.yml ]] || rule_files+=("$f")
done

# ---- Prometheus ---------------------------------------------------------------------------------------------
if need promtool prometheus; then
  step "promtool check config prometheus/prometheus.yml" promtool check config prometheus/prometheus.yml
  step "promtool check rules (${#rule_files[@]} files)" promtool check rules "${rule_files[@]}"
  for t in prometheus/rules/*_test.yml; do
    groups="$(grep -c '^  - name:' "$t")"
    step "promtool test rules $t ($groups test groups)" promtool test rules "$t"
  done
fi

# ---- Alertmanager -------------------------------------------------------------------------------------------
if need amtool prometheus-alertmanager; then
  step "amtool check-config alertmanager/alertmanager.yml" amtool check-config alertmanager/alertmanager.yml
fi

# ---- Python checks (need PyYAML: the system python3 has it with python3-yaml) -------------------------------
python=""
for p in python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import yaml' >/dev/null 2>&1; then
    python="$p"
    break
  fi
done
if [[ -z "$python" ]]; then
  if [[ "${CI:-}" == "true" ]]; then
    fail "no python3 with PyYAML (apt-get install python3-yaml); CI=true requires it"
  else
    echo "SKIP - no python3 with PyYAML (apt-get install python3-yaml): structural checks did not run"
    skipped=$((skipped + 1))
  fi
else
  if need prometheus-alertmanager prometheus-alertmanager; then
    step "Alertmanager routing, inhibition and silences (check_alertmanager.py, a real Alertmanager on 127.0.0.1)" \
      "$python" prometheus/check_alertmanager.py "$root" "$(command -v prometheus-alertmanager)"
  fi
  if need promtool prometheus; then
    # Its summary line, and what waits for another change (PENDING; a failure with CI=true), are shown when it
    # passed too (a failure shows everything).
    step "dashboards, Grafana provisioning, endpoints, rules and coverage (check_queries.py)" \
      "$python" prometheus/check_queries.py "$root" && grep -e '^checks:' -e '^PENDING' "$tmp/out" | sed 's/^/    /'
  fi
fi

# ---- docker-compose -----------------------------------------------------------------------------------------
if need docker-compose docker-compose; then
  if [[ -f .env ]]; then
    env_file=.env
    env_label=".env"
  else
    env_label=".env.example and a throwaway password"
    # .env.example has no password on purpose; give this check a throwaway one.
    env_file="$tmp/env"
    sed 's/^GF_SECURITY_ADMIN_PASSWORD=$/GF_SECURITY_ADMIN_PASSWORD=test-only-not-a-password/' .env.example >"$env_file"
  fi
  step "docker-compose config -q (with ${env_label})" \
    env -u GF_SECURITY_ADMIN_PASSWORD docker-compose --env-file "$env_file" -f docker-compose.yml config -q
  # Without a password the stack must refuse to start: there is no default.
  if env -u GF_SECURITY_ADMIN_PASSWORD docker-compose --env-file .env.example -f docker-compose.yml config -q \
      >"$tmp/out" 2>&1; then
    fail "docker-compose config accepted an empty GF_SECURITY_ADMIN_PASSWORD (there must be no default password)"
  elif grep -q GF_SECURITY_ADMIN_PASSWORD "$tmp/out"; then
    pass "docker-compose config refuses to run without GF_SECURITY_ADMIN_PASSWORD"
  else
    fail "docker-compose config failed without GF_SECURITY_ADMIN_PASSWORD, but not because of it:"
    sed 's/^/    /' "$tmp/out"
  fi
fi

# ---- live: real hashwatch, real headers, real Prometheus (opt-in) --------------------------------------------
free_port() { "$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# wait_for SECONDS PYTHON_CONDITION URL: polls URL until the condition (on its body, `b`) holds.
wait_for() {
  "$python" - "$@" <<'PY'
import re, sys, time, urllib.request
seconds, cond, url = float(sys.argv[1]), sys.argv[2], sys.argv[3]
deadline = time.time() + seconds
while time.time() < deadline:
    try:
        b = urllib.request.urlopen(url, timeout=5).read().decode()
        if eval(cond):
            sys.exit(0)
    except OSError:
        pass
    time.sleep(1)
sys.exit(1)
PY
}

if ((live)); then
  # A modern run inside one epoch (2019-07..08) with the real hourly Bitstamp closes of those days, and the live
  # exchange feeds (unreachable here: their series say so), so that chain, price and economics series all exist.
  headers="${HASHWATCH_LIVE_HEADERS:-$root/../shared/data/headers/mainnet_586657-589289.dfinity.bin}"
  start_height="${HASHWATCH_LIVE_START_HEIGHT:-586657}"
  prices="${HASHWATCH_LIVE_PRICES:-$root/../shared/data/prices/Bitstamp_BTCUSD_1h_2018-05-15_2022-08-20.cryptodatadownload.original.csv}"
  if [[ -z "$python" ]]; then
    fail "live: needs python3 with PyYAML"
  elif [[ ! -f "$headers" ]]; then
    fail "live: no header file $headers (set HASHWATCH_LIVE_HEADERS and HASHWATCH_LIVE_START_HEIGHT)"
  elif need prometheus prometheus; then
    metrics_port="$(free_port)"
    prom_port="$(free_port)"
    ./hashwatch run --headers "$headers" --start-height "$start_height" --prices "$prices" \
      --data-dir "$tmp/hashwatch" --metrics-port "$metrics_port" --alerts-port -1 >"$tmp/hashwatch.log" 2>&1 &
    pids+=($!)
    # Up when the replay's blocks are in: the tip gauge has a number.
    if ! wait_for 600 're.search(r"^hashwatch_tip_height\{network=\"mainnet\"\} [0-9]", b, re.M)' \
        "http://127.0.0.1:$metrics_port/metrics"; then
      fail "live: hashwatch did not serve a mainnet tip on 127.0.0.1:$metrics_port; its log:"
      tail -n 40 "$tmp/hashwatch.log" | sed 's/^/    /'
    else
      pass "live: ./hashwatch run replayed $(basename "$headers") (metrics on 127.0.0.1:$metrics_port)"
      {
        echo "global: {scrape_interval: 2s, evaluation_interval: 2s}"
        echo "rule_files:"
        for f in "${rule_files[@]}"; do echo "  - $root/$f"; done
        echo "scrape_configs:"
        echo "  - job_name: hashwatch"
        echo "    static_configs:"
        echo "      - targets: [\"127.0.0.1:$metrics_port\"]"
        echo "        labels: {component: streams-app}"
      } >"$tmp/prometheus.yml"
      prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/prometheus" \
        --web.listen-address="127.0.0.1:$prom_port" >"$tmp/prometheus.log" 2>&1 &
      pids+=($!)
      # Ready when the per-partition consumer lag is recorded: Micrometer's Kafka binder picks new client
      # metrics up once a minute. By then rate(), deriv() and the recordings have plenty of 2 s samples.
      if wait_for 180 '"\"value\"" in b' \
          "http://127.0.0.1:$prom_port/api/v1/query?query=topic:kafka_consumer_fetch_manager_records_lag:sum"; then
        sleep 10 # a few more evaluations: deriv() of the recorded lag needs two of them
        # What this run cannot have: a live header source's series (headers come from a file), counters of events
        # that did not happen (an outlier exchange, a late tick: counted per exchange when they do), and history
        # older than the Prometheus (offset 1h/6h/24h, the 5-minute difficulty change), and the per-pool series:
        # a header file has no coinbases, so every block is unattributed and no pool has blocks (empty or not), no
        # drought and no unknown tag; and a node's stale branches and their daily recording (getchaintips: a Bitcoin
        # Core source only).
        step "live: every dashboard query and rule expression against a real Prometheus (live_check.py)" \
          "$python" prometheus/live_check.py "http://127.0.0.1:$prom_port" \
            --allow-empty 'hashwatch_source_(tip_height|published_height|headers_total|errors_total|reorgs_total|fees_available|backfill_remaining_blocks)' \
            --allow-empty 'hashwatch_reference_price_outliers_total|hashwatch_prices_late_dropped_total' \
            --allow-empty 'hashwatch_pool_(blocks|share_ratio|hashrate_hashes_per_second|luck_ratio|empty_blocks)' \
            --allow-empty 'hashwatch_pool_drought_(blocks|probability_ratio|share_ratio)|hashwatch_pools_unknown_tag_blocks' \
            --allow-empty 'hashwatch_source_stale_(blocks_total|branch_depth_blocks)|source:hashwatch_source_stale_blocks' \
            --allow-empty 'network:hashwatch_(tip_height:delta1h|block_interval_seconds:mean|difficulty:change_ratio5m)' \
            --expect-firing NoNewBlock \
            --expect-silent HashwatchDown --expect-silent KafkaStreamsNotRunning \
            --expect-silent HeadersRejected --expect-silent DeepReorg --expect-silent KafkaConsumerLagGrowing \
            --expect-silent PoolShareHigh --expect-silent PoolsNakamotoCoefficientLow \
            --expect-silent PoolsUnknownShareHigh \
          && grep '^live:' "$tmp/out" | sed 's/^/    /'
      else
        fail "live: Prometheus did not record the consumer lag of hashwatch on 127.0.0.1:$prom_port; its log:"
        tail -n 20 "$tmp/prometheus.log" | sed 's/^/    /'
      fi
    fi
  fi
fi

echo "monitoring: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
