#!/usr/bin/env bash
# ./forgesync start and stop with stand-ins for what they launch, to read the command lines and environments.
#   bash forgesync-start.sh FORGESYNC_SH RECORD
# forgesync.sh is sourced and its start runs as written, except: no build, no Kafka, and PostgreSQL is always the
# embedded one. A stand-in `java` first on PATH notes each launch in RECORD/<what>.<pid>.argv / .env (and the SQL
# piped into the embedded server's runner in .stdin), then listens on the port the real program would (the real
# java runs a few lines of listener). While everything runs, RECORD/ps holds `ps -eo args`; start's output is
# RECORD/start.err.
set -euo pipefail
forgesync_sh=$1 record=$2
fake="$record/fake-bin"
mkdir -p "$fake"
REAL_JAVA=$(command -v java)
export REAL_JAVA RECORD="$record"

cat > "$fake/Listen.java" <<'JAVA'
import java.net.InetAddress;
import java.net.ServerSocket;

class Listen {
    public static void main(String[] args) throws Exception {
        try (ServerSocket socket = new ServerSocket(Integer.parseInt(args[0]), 50, InetAddress.getLoopbackAddress())) {
            while (true) {
                socket.accept().close();
            }
        }
    }
}
JAVA
cat > "$fake/java" <<'FAKE'
#!/usr/bin/env bash
what=unknown port=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  case "${args[i]}" in
    -jar) what=$(basename "${args[i + 1]}" | sed 's/-[0-9].*//'); port=$SERVER_PORT ;;
    dev.forgesync.demo.EmbeddedPostgres)
      if [ "${args[i + 1]}" = --sql ]; then what=sql-runner; else what=embedded-postgres; port=${args[i + 2]}; fi ;;
  esac
done
printf '%s\n' "$*" > "$RECORD/$what.$$.argv"
env > "$RECORD/$what.$$.env"
if [ "$what" = sql-runner ]; then cat > "$RECORD/$what.$$.stdin"; exit 0; fi
exec "$REAL_JAVA" "$(dirname "$0")/Listen.java" "$port"
FAKE
chmod +x "$fake/java"
export PATH="$fake:$PATH"

# shellcheck source=/dev/null
source "$forgesync_sh"
build() { :; }
start_kafka() { :; }
# shellcheck disable=SC2034 # DB_URL is read by forgesync.sh's steps
start_postgres() { start_embedded_postgres; DB_URL="jdbc:postgresql://127.0.0.1:$EMBEDDED_PG_PORT/$DB_NAME"; }
mvn_cmd() { printf '%s\n' "mvn $*" > "$RECORD/mvn.$$.argv"; env > "$RECORD/mvn.$$.env"; }

start 2> "$record/start.err"
ps -eo args > "$record/ps"
stop 2> "$record/stop.err"
