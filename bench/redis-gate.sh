#!/usr/bin/env bash
# npm run bench:redis-gate — how many flash-sale gate calls one Redis answers a second: the gate's own
# Lua script (src/modules/campaigns/flash-gate.ts, TAKE) run by redis-benchmark, 50 clients, no
# pipelining, on a loser's path (sold out) and a winner's (a unit taken, the buyer counted).
# REDIS_HOST / REDIS_PORT (default 127.0.0.1:6379); uses database 15 and removes its keys afterwards.
set -euo pipefail
HOST=${REDIS_HOST:-127.0.0.1}
PORT=${REDIS_PORT:-6379}
N=${BENCH_CALLS:-200000}
cli() { redis-cli -h "$HOST" -p "$PORT" -n 15 "$@" >/dev/null; }
TAKE=$(sed -n "/^const TAKE = \`/,/^return 'ok'\`;/p" "$(dirname "$0")/../src/modules/campaigns/flash-gate.ts" | sed '1s/^const TAKE = `//; $s/`;$//')
trap 'cli del "bench:{sold}" "bench:{sold}:buyers" "bench:{open}" "bench:{open}:buyers"' EXIT
cli hset "bench:{sold}" remaining 0 starts 0 ends 99999999999999 limit 1
cli hset "bench:{open}" remaining 999999999999 starts 0 ends 99999999999999 limit 1000000
for c in sold open; do
  printf '%s: ' "$([ $c = sold ] && echo 'loser (sold out)' || echo 'winner (unit taken)')"
  redis-benchmark -h "$HOST" -p "$PORT" --dbnum 15 -c 50 -n "$N" -r 1000000 -q \
    EVAL "$TAKE" 2 "bench:{$c}" "bench:{$c}:buyers" 1700000000000 "buyer:__rand_int__" 1 | tr '\r' '\n' | grep -v '^$' | tail -1 | sed 's/.*: \([0-9.]* requests per second\)/\1/'
done
printf 'GET, for scale: '
redis-benchmark -h "$HOST" -p "$PORT" --dbnum 15 -c 50 -n "$N" -q -t get | tr '\r' '\n' | grep -v '^$' | tail -1 | sed 's/^GET: //'
