#!/usr/bin/env bash
# Regenerates docs/configuration.md and config/configuration.toml from the key catalogue (capsa.config.ConfigKeys):
# ConfigDocsTest writes them when -Dcapsa.config.regenerate=true, then checks them as usual.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mvn -B -q -o -pl config -am test -Dtest=ConfigDocsTest -Dsurefire.failIfNoSpecifiedTests=false \
    -Dcapsa.config.regenerate=true
echo "regenerated docs/configuration.md and config/configuration.toml"
