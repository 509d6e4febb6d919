#!/bin/sh
# make bench: every benchmark, one after another (root; see bench/README.md).
set -eu
cd "$(dirname "$0")/.."
./build/bench/pvd-digest
./bench/ra-latency.sh "${BENCH_ROUNDS:-200}"
./bench/route.sh "${BENCH_ROUTE_ROUNDS:-50}"
./bench/connectivity.sh "${BENCH_CONN_ROUNDS:-10}"
./bench/dns.sh
./bench/steer.sh
./bench/ha-scale.sh
./bench/ha-failover.sh "${BENCH_HA_ROUNDS:-3}"
