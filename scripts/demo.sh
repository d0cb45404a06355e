#!/usr/bin/env bash
# The main job, end to end, with the built single binary and the bundled emulator: create a
# development CA, pack the sample application (signed by that CA), start an emulated device,
# enable development on it (a capability image from the emulator's own Security Service), sideload
# the package, start the app (a WebAssembly build of samples/hello that the emulator runs), show
# its own output and LED 1 toggling, press button A, show the device's security state, and stop
# the emulator — on
# failure or Ctrl-C too (trap). Everything it makes lives in .demo/ in the repository (CA,
# package, emulator registry and state), so the user's own CA and emulators are left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

# Build when there is no binary yet, or when a source file is newer than it.
if [ ! -x dist/sphere ] || [ -n "$(find cli emulator image-builder sideload signer sdk scripts/build.mjs scripts/warm.mjs package.json -newer dist/sphere -print -quit 2>/dev/null)" ]; then
  npm run build
fi

DEMO="$PWD/.demo"
export SPHERE_CA_DIR="$DEMO/ca"
export SPHERE_EMULATOR_HOME="$DEMO/emulators"
# Talk to the demo emulator only: no probing for boards on the USB service interface.
export SPHERE_DEVICE_ADDRESSES=''
unset SPHERE_DEVICE SPHERE_DEVICE_CA
mkdir -p "$DEMO"
SPHERE="$PWD/dist/sphere"
EMU=demo
CID=5a7f3c2e-9b1d-4e6a-8c0f-2d4b6e8a1c3f # samples/hello/approot/app_manifest.json
step() { printf '\n\033[1m== %s\033[0m\n' "$*" >&2; }

started=''
cleanup() {
  local code=$?
  if [ -n "$started" ]; then
    step "sphere emulator stop --name $EMU"
    "$SPHERE" emulator stop --name "$EMU" || true
  fi
  if [ "$code" -ne 0 ]; then printf '\ndemo failed (exit %s); the emulator log is %s\n' "$code" "$SPHERE_EMULATOR_HOME/devices/$EMU/emulator.log" >&2; fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "sphere ca init"
[ -f "$SPHERE_CA_DIR/ca.pem" ] || "$SPHERE" ca init
"$SPHERE" ca show

step "sphere image pack samples/hello/approot"
SOURCE_DATE_EPOCH=1735689600 "$SPHERE" image pack samples/hello/approot --destination "$DEMO/hello.imagepackage" --target-api-set 16
"$SPHERE" image show "$DEMO/hello.imagepackage"
"$SPHERE" image verify "$DEMO/hello.imagepackage"

step "sphere emulator start --name $EMU --detach (a fresh device, no capabilities)"
# A previous demo killed before its trap ran may have left one behind.
"$SPHERE" emulator stop --name "$EMU" >/dev/null 2>&1 || true
"$SPHERE" emulator reset --name "$EMU" --all >/dev/null
started=1
"$SPHERE" emulator start --name "$EMU" --detach --capabilities none
"$SPHERE" device capability show-attached --device "$EMU"

step "sphere device enable-development"
"$SPHERE" device enable-development --device "$EMU"

step "sphere device sideload deploy --manual-start"
"$SPHERE" device sideload deploy "$DEMO/hello.imagepackage" --device "$EMU" --manual-start

step "sphere device app start"
"$SPHERE" device app start --device "$EMU" --component-id "$CID"
"$SPHERE" device app show-status --device "$EMU" --component-id "$CID"

step "the app runs: its own output (sphere emulator logs --app)"
sleep 2.5
"$SPHERE" emulator logs --name "$EMU" --app "$CID" --lines 8

step "sphere emulator io show: LED 1 (GPIO 8, lit while low) toggles every second"
for _ in 1 2 3; do
  "$SPHERE" emulator io show --name "$EMU" --query 'parts.led1_red' -o json | tr -d '\n '; echo
  sleep 1
done

step "sphere emulator io press a: the app blinks faster and counts the press in its mutable storage"
"$SPHERE" emulator io press a --name "$EMU"
sleep 1
"$SPHERE" emulator logs --name "$EMU" --app "$CID" --lines 4

step "sphere device show-security-state"
"$SPHERE" device show-security-state --device "$EMU"

step "sphere device image list-installed"
"$SPHERE" device image list-installed --device "$EMU"
