#!/usr/bin/env bash
# Create the MariaDB database for biosense and/or a least-privilege account
# for its workers. Run it as an administrator (the mariadb client's own
# options after `--` say how to connect, e.g. `-- -h db.example -u root -p`).
#
#   scripts/create_mariadb_user.sh --database biosense --create-database -- -uroot
#   biosense --db 'mysql://root@127.0.0.1/biosense' db migrate     # as an owner: creates the tables
#   BIOSENSE_NEW_DB_PASSWORD='...' scripts/create_mariadb_user.sh --database biosense \
#       --user biosense_worker --host '%' -- -uroot
#   BIOSENSE_NEW_DB_PASSWORD='...' scripts/create_mariadb_user.sh --database biosense \
#       --user biosense_report --reporting -- -uroot        # read-only, for Metabase and `biosense report`
#
# The worker account may (and nothing more):
#   stream_img, train_img     SELECT, UPDATE   (claim rows, write verdicts; no INSERT, no DELETE)
#   process_status            INSERT           (the audit trail: append only)
#   face_encoding             SELECT, INSERT, UPDATE (cached benchmark encodings)
#   alert                     SELECT, INSERT, UPDATE (the watch raises, extends and acknowledges alerts)
#   schema_version, status_code, result_code, employee, alert_kind   SELECT
# No DROP, ALTER, CREATE, DELETE or GRANT: migrations need an owner account.
# With --reporting the account only reads (docs/dashboards.md):
#   report_hourly, report_non_success, report_agent_rates   SELECT (the 004 views)
#   stream_img   SELECT on the columns the report reads, never image (no photos)
#   alert, alert_kind, schema_version, status_code, result_code   SELECT
# Table-level grants need the tables, so run `biosense db migrate` first.
# Running it again resets the account's grants to exactly these.
#
# The password comes from $BIOSENSE_NEW_DB_PASSWORD (never the command line,
# where `ps` would show it). Names are limited to [A-Za-z0-9_].
#
# Exit codes: 0 done, 1 usage error, 2 the server refused or is unreachable.
set -euo pipefail

usage() { sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; }
die() { printf 'create_mariadb_user: %s\n' "$*" >&2; exit "${2:-1}"; }

database="" user="" create_db=0 reporting=0
hosts=()
while [ $# -gt 0 ]; do
  case "$1" in
    --database) database=${2:?}; shift 2 ;;
    --user) user=${2:?}; shift 2 ;;
    --host) hosts+=("${2:?}"); shift 2 ;;
    --create-database) create_db=1; shift ;;
    --reporting) reporting=1; shift ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    *) usage >&2; die "unknown argument: $1" ;;
  esac
done
client=(mariadb --batch --skip-column-names "$@")
[ "${#hosts[@]}" -gt 0 ] || hosts=("%")

[ -n "$database" ] || die "--database is required"
[[ "$database" =~ ^[A-Za-z0-9_]+$ ]] || die "database name '$database': use letters, digits and _ only"
if [ -n "$user" ]; then
  [[ "$user" =~ ^[A-Za-z0-9_]+$ ]] || die "user name '$user': use letters, digits and _ only"
  for h in "${hosts[@]}"; do [[ "$h" =~ ^[A-Za-z0-9_.%:-]+$ ]] || die "host '$h': not a valid host pattern"; done
  [ -n "${BIOSENSE_NEW_DB_PASSWORD:-}" ] || die "set BIOSENSE_NEW_DB_PASSWORD to the new account's password"
fi
[ "$create_db" -eq 1 ] || [ -n "$user" ] || die "nothing to do: give --create-database and/or --user"

sql() { "${client[@]}" -e "$1" || die "the server refused: $2" 2; }

if [ "$create_db" -eq 1 ]; then
  sql "CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" \
    "CREATE DATABASE $database"
  echo "create_mariadb_user: database $database ready; now run: biosense --db mysql://OWNER@HOST/$database db migrate"
fi
[ -n "$user" ] || exit 0

tables=$("${client[@]}" -e "SELECT table_name FROM information_schema.tables WHERE table_schema = '$database'") ||
  die "cannot list the tables of $database" 2
required="stream_img train_img process_status face_encoding alert schema_version status_code result_code employee alert_kind"
[ "$reporting" -eq 0 ] || required="stream_img schema_version status_code result_code alert alert_kind report_hourly report_non_success report_agent_rates"
for t in $required; do
  grep -qx "$t" <<<"$tables" || die "table $database.$t is missing: run \`biosense db migrate\` (as an owner) first"
done

# A SQL string literal: double every quote and backslash.
password=$(printf '%s' "$BIOSENSE_NEW_DB_PASSWORD" | sed -e "s/\\\\/\\\\\\\\/g" -e "s/'/''/g")
# What `biosense report` reads from stream_img; never the photos.
report_columns="id, lan_id, capture_time, status, result, processed_time, num_faces, accuracy, distance,
  closest_lan_id, closest_distance"
statements=""
for h in "${hosts[@]}"; do
  account="'$user'@'$h'"
  statements+="CREATE USER IF NOT EXISTS $account;
ALTER USER $account IDENTIFIED BY '$password';
REVOKE ALL PRIVILEGES, GRANT OPTION FROM $account;
"
  if [ "$reporting" -eq 1 ]; then
    for t in report_hourly report_non_success report_agent_rates alert alert_kind schema_version status_code result_code; do
      statements+="GRANT SELECT ON \`$database\`.$t TO $account;
"
    done
    statements+="GRANT SELECT ($report_columns) ON \`$database\`.stream_img TO $account;
"
    continue
  fi
  statements+="GRANT SELECT, UPDATE ON \`$database\`.stream_img TO $account;
GRANT SELECT, UPDATE ON \`$database\`.train_img TO $account;
GRANT INSERT ON \`$database\`.process_status TO $account;
GRANT SELECT, INSERT, UPDATE ON \`$database\`.face_encoding TO $account;
GRANT SELECT ON \`$database\`.schema_version TO $account;
GRANT SELECT ON \`$database\`.status_code TO $account;
GRANT SELECT ON \`$database\`.result_code TO $account;
GRANT SELECT ON \`$database\`.employee TO $account;
GRANT SELECT, INSERT, UPDATE ON \`$database\`.alert TO $account;
GRANT SELECT ON \`$database\`.alert_kind TO $account;
"
done
# The statements (with the password) go through stdin, not argv.
"${client[@]}" <<<"$statements" || die "the server refused the grants for $user" 2
if [ "$reporting" -eq 1 ]; then
  echo "create_mariadb_user: $user@{${hosts[*]}} may now read the report views of $database (no photos, no writes)"
  exit 0
fi
echo "create_mariadb_user: $user@{${hosts[*]}} may now run passes on $database (no DROP, DELETE or INSERT on the image tables)"
