#!/usr/bin/env bash
# Runs every Capsa test: machine setup (idempotent), the guest image build if present, then the whole Maven build
# with all unit, protocol, interop (real containerd / containerd-shim-runc-v2) and end-to-end tests.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$SECONDS
scripts/setup.sh

if [[ -f guest/build.sh ]]; then
  echo "[test] building the guest image (guest/build.sh)"
  bash guest/build.sh
fi

mvn_flags=(-B)
if [[ ${CI:-} == true ]]; then
  mvn_flags+=(--no-transfer-progress)
fi

echo "[test] mvn ${mvn_flags[*]} verify"
mvn "${mvn_flags[@]}" verify

echo "[test] all tests passed in $((SECONDS - started)) s"
