#!/usr/bin/env bash
# The main job on this machine: create a development CA, pack the sample application, sign it,
# show it and verify it — with the built single binary. State goes to .demo/ in the repository,
# so the user's own CA folder is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x dist/sphere ] || npm run build
export SPHERE_CA_DIR="$PWD/.demo/ca"
mkdir -p .demo
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

step "sphere ca init"
[ -f "$SPHERE_CA_DIR/ca.pem" ] || ./dist/sphere ca init
./dist/sphere ca show

step "sphere image pack samples/hello/approot"
SOURCE_DATE_EPOCH=1735689600 ./dist/sphere image pack samples/hello/approot -o .demo/hello.imagepackage --target-api-set 16

step "sphere image show"
./dist/sphere image show .demo/hello.imagepackage

step "sphere image verify"
./dist/sphere image verify .demo/hello.imagepackage
