#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests, on 127.0.0.1, from the machine's PostgreSQL
# binaries (Debian's postgresql package; scripts/test.sh installs it when missing).
#
#   eval "$(scripts/postgres.sh start)"   # starts one; prints the exports below
#   scripts/postgres.sh stop "$NHI_TEST_POSTGRES_DIR"
#
# start prints:
#   export NHI_TEST_POSTGRES_URL=postgres://nhi_test@127.0.0.1:PORT/postgres  (a superuser; the
#       tests create one database per test with it)
#   export NHI_TEST_POSTGRES_DIR=/tmp/nhi-pg.XXXX                             (data, socket, log)
#   export NHI_TEST_POSTGRES_CA=/tmp/nhi-pg.XXXX/ca.pem                       (see below)
# The server trusts connections from this machine only and lives until stopped. As root, it runs
# as the `postgres` user (PostgreSQL refuses to run as root). It accepts TLS and plain
# connections alike; its certificate, signed by a CA made for this run (ca.pem), names only
# `localhost`, so tests can tell verify-full (host name checked) from verify-ca (chain only).
set -euo pipefail

usage() { echo "usage: scripts/postgres.sh start | stop DIR" >&2; exit 2; }

bindir() {
    if command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
        dirname "$(command -v initdb)"
        return
    fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [[ -z "$dir" ]]; then
        echo "scripts/postgres.sh: no PostgreSQL server binaries (initdb, pg_ctl); install Debian's postgresql package" >&2
        exit 1
    fi
    echo "$dir"
}

as_server_user() {
    if [[ $(id -u) -eq 0 ]]; then
        # From /, which the server user may enter (a root-owned work tree may be closed to it).
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

case "${1:-}" in
start)
    [[ $# -eq 1 ]] || usage
    bin=$(bindir)
    dir=$(mktemp -d /tmp/nhi-pg.XXXXXX)
    chmod 0755 "$dir"
    [[ $(id -u) -ne 0 ]] || chown postgres: "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_server_user "$bin/initdb" --pgdata="$dir/data" --username=nhi_test --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    # One role must authenticate with a password (SCRAM), so tests can check PGPASSWORD and
    # passwords in URLs; every other connection from this machine is trusted.
    hba="$dir/data/pg_hba.conf"
    {
        echo "host all nhi_password_test 127.0.0.1/32 scram-sha-256"
        echo "host all nhi_password_test ::1/128 scram-sha-256"
        cat "$hba"
    } >"$hba.new"
    mv "$hba.new" "$hba"
    [[ $(id -u) -ne 0 ]] || chown postgres: "$hba"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=nhi test CA" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" >/dev/null 2>&1
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
        -keyout "$dir/server.key" -out "$dir/server.csr" >/dev/null 2>&1
    printf 'subjectAltName=DNS:localhost\n' >"$dir/san.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
        -extfile "$dir/san.ext" -out "$dir/server.pem" >/dev/null 2>&1
    chmod 0600 "$dir/server.key" "$dir/ca.key"
    chmod 0644 "$dir/ca.pem"
    [[ $(id -u) -ne 0 ]] || chown postgres: "$dir"/server.* "$dir"/ca.*
    # Enough connections for parallel tests and two Terraform runs with pools of their own.
    as_server_user "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait \
        --options="-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 -c ssl=on -c ssl_cert_file=$dir/server.pem -c ssl_key_file=$dir/server.key" \
        start >/dev/null \
        || { cat "$dir/server.log" >&2; exit 1; }
    echo "export NHI_TEST_POSTGRES_URL=postgres://nhi_test@127.0.0.1:$port/postgres"
    echo "export NHI_TEST_POSTGRES_DIR=$dir"
    echo "export NHI_TEST_POSTGRES_CA=$dir/ca.pem"
    ;;
stop)
    [[ $# -eq 2 ]] || usage
    bin=$(bindir)
    as_server_user "$bin/pg_ctl" --pgdata="$2/data" --mode=fast --wait stop >/dev/null
    rm -rf "$2"
    ;;
*) usage ;;
esac
