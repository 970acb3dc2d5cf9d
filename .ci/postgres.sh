# A throwaway PostgreSQL cluster for the integration tests, meant to be
# sourced by .ci/run (or by hand):
#
#   source .ci/postgres.sh
#   pg_start                # exports AGENCYGRAPH_TEST_POSTGRES
#   trap pg_stop EXIT
#
# pg_start installs Debian's postgresql if initdb is missing, creates a
# cluster in a temporary directory owned by an unprivileged user (PostgreSQL
# refuses to run as root), starts it on 127.0.0.1 on a free port with no
# on-disk durability (fsync off: the data is thrown away), creates the
# database "agencygraph" and exports its URL. pg_stop stops the server and
# removes the directory. Nothing listens beyond the loopback address.

pg_bin() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  return 1
}

pg_start() {
  if ! pg_bin >/dev/null; then
    echo "postgres: installing postgresql"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  fi
  local bin user port
  bin=$(pg_bin) || { echo "postgres: initdb not found" >&2; return 1; }
  user=$(id -un)
  if [ "$(id -u)" = 0 ]; then user=nobody; fi
  PG_DIR=$(mktemp -d /tmp/agencygraph-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  mkdir "$PG_DIR/data" "$PG_DIR/run"
  if [ "$(id -u)" = 0 ]; then chown "$user" "$PG_DIR/data" "$PG_DIR/run"; fi
  # A free port: ask the kernel for one, then hand it to the server.
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000)))
  pg_as() {
    if [ "$(id -u)" = 0 ]; then
      runuser -u "$user" -- "$@"
    else
      "$@"
    fi
  }
  pg_as "$bin/initdb" -D "$PG_DIR/data" -U agencygraph --auth=trust -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
    { cat "$PG_DIR/initdb.log" >&2; rm -rf "$PG_DIR"; return 1; }
  pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/run/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $PG_DIR/run -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$PG_DIR/run/server.log" >&2; rm -rf "$PG_DIR"; return 1; }
  PG_CTL_CMD="$bin/pg_ctl"
  PG_USER=$user
  pg_as "$bin/createdb" -h 127.0.0.1 -p "$port" -U agencygraph agencygraph ||
    { pg_stop; return 1; }
  export AGENCYGRAPH_TEST_POSTGRES="postgres://agencygraph@127.0.0.1:$port/agencygraph?sslmode=disable"
  echo "postgres: $AGENCYGRAPH_TEST_POSTGRES"
}

pg_stop() {
  if [ -n "${PG_DIR:-}" ] && [ -d "$PG_DIR/data" ]; then
    if [ "$(id -u)" = 0 ]; then
      runuser -u "$PG_USER" -- "$PG_CTL_CMD" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    else
      "$PG_CTL_CMD" -D "$PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$PG_DIR"
  fi
  unset AGENCYGRAPH_TEST_POSTGRES PG_DIR
}
