#!/usr/bin/env bash
# One-shot topic set-up of the compose stack (service topic-init, apache/kafka image): creates every hashwatch
# topic that is missing, with the same settings as the launcher's TopicSetup (partitions 1, replication 1 on
# this single-node broker), then exits 0. Idempotent: existing topics are left as they are.
#   compacted per-height outputs: cleanup.policy=compact (the latest record per key is the truth)
#   inputs and reorgs: retention.ms=-1 (the history; replayed records carry old timestamps)
#   dead-letters: the broker's default retention
#   alerts: Alertmanager notifications published by hashwatch's webhook, kept (retention.ms=-1)
set -euo pipefail

bootstrap="${BOOTSTRAP_SERVERS:-kafka:9092}"
topics_sh="${KAFKA_TOPICS_SH:-/opt/kafka/bin/kafka-topics.sh}"

create() {
  local topic="$1"; shift
  "$topics_sh" --bootstrap-server "$bootstrap" --create --if-not-exists --topic "$topic" \
    --partitions 1 --replication-factor 1 "$@"
}

for t in headers prices reorgs alerts; do
  create "$t" --config retention.ms=-1
done
for t in blocks hashrate difficulty difficulty-adjustments reference-prices hashprice economics; do
  create "$t" --config cleanup.policy=compact
done
create dead-letters

"$topics_sh" --bootstrap-server "$bootstrap" --list
echo "topic-init: done"
