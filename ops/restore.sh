#!/usr/bin/env bash
# Restores a backup of ops/backup.sh into an EMPTY database (a fresh MariaDB after losing the
# old one, or a drill):
#   REGDESK_DB_URL=mysql://user:password@host:port/db ops/restore.sh FILE.sql.gz
# The database is created if missing; one that already holds tables is refused (a restore never
# mixes with live data). Then run `regdesk migrate` (it applies what is newer than the backup)
# and start the service: registrations, numbers, the outbox, the audit trail and the key that
# mailed links are derived from all come back, so links mailed before the backup still work.
set -euo pipefail
file=${1:?usage: REGDESK_DB_URL=... ops/restore.sh FILE.sql.gz}
url=${REGDESK_DB_URL:?set REGDESK_DB_URL}
re='^mysql://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?/([^?]+)'
[[ $url =~ $re ]] || { echo "restore: cannot read REGDESK_DB_URL" >&2; exit 2; }
user=${BASH_REMATCH[1]} host=${BASH_REMATCH[4]} port=${BASH_REMATCH[6]:-3306} db=${BASH_REMATCH[7]}
export MYSQL_PWD=${BASH_REMATCH[3]}  # never on the command line
[[ $db =~ ^[A-Za-z0-9_]+$ ]] || { echo "restore: unusual database name '$db'" >&2; exit 2; }
sql() { mariadb --no-defaults -h "$host" -P "$port" -u "$user" --default-character-set=utf8mb4 "$@"; }
gzip -t "$file" || { echo "restore: $file is not a whole gzip file" >&2; exit 1; }
sql -e "CREATE DATABASE IF NOT EXISTS \`$db\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
tables=$(sql -N -B -e "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$db'")
if [[ $tables != 0 ]]; then
	echo "restore: database $db already has $tables tables; restore into an empty one" >&2
	exit 1
fi
gunzip -c "$file" | sql "$db"
echo "restore: $file into $db on $host:$port"
