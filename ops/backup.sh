#!/usr/bin/env bash
# A consistent logical backup of regdesk's database (InnoDB, one transaction, no table locks):
#   ops/backup.sh [DIR]          (default DIR: var/backups; keeps the last 14)
# Uses REGDESK_DB_URL (mysql://user:password@host:port/db). Restore with:
#   gunzip -c FILE | mariadb -h HOST -P PORT -u USER -p DB
set -euo pipefail
url=${REGDESK_DB_URL:?set REGDESK_DB_URL}
dir=${1:-var/backups}
keep=${KEEP:-14}
re='^mysql://([^:@/]+)(:([^@]*))?@([^:/?]+)(:([0-9]+))?/([^?]+)'
[[ $url =~ $re ]] || { echo "backup: cannot read REGDESK_DB_URL" >&2; exit 2; }
user=${BASH_REMATCH[1]} password=${BASH_REMATCH[3]} host=${BASH_REMATCH[4]}
port=${BASH_REMATCH[6]:-3306} db=${BASH_REMATCH[7]}
mkdir -p "$dir"
file="$dir/regdesk-$db-$(date -u +%Y%m%dT%H%M%SZ).sql.gz"
# The password goes through the environment, never the command line (ps would show it).
MYSQL_PWD=$password mariadb-dump --no-defaults -h "$host" -P "$port" -u "$user" \
  --single-transaction --quick --routines --default-character-set=utf8mb4 "$db" |
  gzip -9 >"$file.partial"
mv "$file.partial" "$file"
echo "backup: $file ($(du -h "$file" | cut -f1))"
# shellcheck disable=SC2012 # names are ours: no spaces
ls -1t "$dir"/regdesk-"$db"-*.sql.gz | tail -n +$((keep + 1)) | xargs -r rm --
