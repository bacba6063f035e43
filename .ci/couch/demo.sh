#!/usr/bin/env bash
# The embedded server's demo accounts (never for production: docs/deploy.md):
# an administrator whose password is kept in .couch-data/admin-password, and
# the user "demo" (password "demo") with the role of the demo station and of
# a supervisor. Then the demo station's database, design document and
# security, through `gridcare couch-setup`. Running it again changes nothing.
#   bash .ci/couch/demo.sh http://127.0.0.1:5984 path/to/gridcare
set -euo pipefail
url=$1 gridcare=$2
secret=.couch-data/admin-password
[[ -s $secret ]] || head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$secret"
password=$(cat "$secret")
# Ends "admin party" the first time; afterwards the same request needs the password.
curl -fs -X PUT "$url/_config/admins/gridcare-admin" -d "\"$password\"" >/dev/null \
  || curl -fs -u "gridcare-admin:$password" -X PUT "$url/_config/admins/gridcare-admin" -d "\"$password\"" >/dev/null
auth=(-u "gridcare-admin:$password")
# Sessions survive a restart of the server (CouchDB keeps this in local.ini).
grep -qs '"secret"' .couch-data/config.json \
  || curl -fs "${auth[@]}" -X PUT "$url/_config/couch_httpd_auth/secret" -d "\"$(head -c 18 /dev/urandom | base64 | tr -d '/+=')\"" >/dev/null
user='{"name":"demo","password":"demo","type":"user","roles":["gridcare-demo","gridcare-supervisor"]}'
if ! curl -fs "${auth[@]}" "$url/_users/org.couchdb.user:demo" >/dev/null; then
  curl -fs "${auth[@]}" -X PUT "$url/_users/org.couchdb.user:demo" -H 'Content-Type: application/json' -d "$user" >/dev/null
fi
GRIDCARE_COUCH_PASSWORD=$password "$gridcare" couch-setup "$url/gridcare-demo" --user gridcare-admin
