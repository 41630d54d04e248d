#!/bin/sh
# Page serving and cold start, as the README reports them.
#
#   bench/pages.sh [path/to/gongkai]
#
# Creates the demo district in a scratch directory, measures the time from starting
# `gongkai serve` to its first answer (first start, which also builds the search index in the
# background, and a second start), then loads a publication page and the home page with wrk
# over loopback, and the same HTML saved to files and served by nginx on the same machine.
# Needs wrk, nginx and curl.
set -eu
BIN=${1:-target/release/gongkai}
PORT=18080
NGINX_PORT=18081
SCRATCH=$(mktemp -d)
trap 'kill $SERVER 2>/dev/null || true; [ -f "$SCRATCH/nginx.pid" ] && kill "$(cat "$SCRATCH/nginx.pid")" 2>/dev/null; rm -rf "$SCRATCH"' EXIT INT TERM
"$BIN" demo --data "$SCRATCH/data" > /dev/null

start_server() {
    t0=$(date +%s%N)
    "$BIN" serve --data "$SCRATCH/data" --listen 127.0.0.1:$PORT --inspect-every-hours 0 2> "$SCRATCH/serve.log" &
    SERVER=$!
    until curl -sf http://127.0.0.1:$PORT/healthz > /dev/null 2>&1; do sleep 0.002; done
    t1=$(date +%s%N)
    echo "$1: $(( (t1 - t0) / 1000000 )) ms to the first answer"
}
start_server "cold start (first, index built in the background)"
# Let the first index build finish (the server logs it).
i=0
until grep -q "search index updated" "$SCRATCH/serve.log" || [ $i -ge 600 ]; do sleep 0.2; i=$((i + 1)); done
kill $SERVER; wait $SERVER 2>/dev/null || true
start_server "cold start (second)"

PUB=$(curl -s http://127.0.0.1:$PORT/sitemap.xml | grep -o '/publications/[0-9]*' | head -1)
mkdir -p "$SCRATCH/www"
curl -s "http://127.0.0.1:$PORT$PUB" > "$SCRATCH/www/publication.html"
curl -s "http://127.0.0.1:$PORT/" > "$SCRATCH/www/index.html"
cat > "$SCRATCH/nginx.conf" <<CONF
worker_processes 1;
pid $SCRATCH/nginx.pid;
error_log $SCRATCH/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $SCRATCH/www;
        location / { default_type text/html; }
    }
}
CONF
nginx -c "$SCRATCH/nginx.conf"
sleep 0.5

run() {
    wrk -t1 -c32 -d5s --latency "$2" | awk -v name="$1" '
        /Requests\/sec/ { rps = $2 }
        /^ +99%/ { p99 = $2 }
        END { printf "%-40s %10s req/s   p99 %s\n", name, rps, p99 }'
}
echo "page serving (wrk -t1 -c32 -d5s, loopback):"
run "gongkai $PUB" "http://127.0.0.1:$PORT$PUB"
run "nginx, the same HTML as a file" "http://127.0.0.1:$NGINX_PORT/publication.html"
run "gongkai /" "http://127.0.0.1:$PORT/"
run "nginx, the same HTML as a file" "http://127.0.0.1:$NGINX_PORT/index.html"
