#!/usr/bin/env bash
# Refreshes every package's PublicAPI.Unshipped.txt from the code, after a change to a public surface (or a merge
# that brings new public types):
#
#   bash scripts/public-api.sh
#
# It builds the packable projects once with the public-API diagnostics as warnings, adds each symbol the analyzer
# reports as undeclared (RS0016) to the Unshipped file of its project, and removes from it each declared symbol that
# no longer exists (RS0017). PublicAPI.Shipped.txt is never touched: moving lines there is a release's decision.
# Review the diff, then commit it. The normal build fails while the files are stale.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

log="$(mktemp "${TMPDIR:-/tmp}/goflow-public-api.XXXXXX")"
trap 'rm -f "$log"' EXIT

# The projects at the top of the graph; between them they build every package.
for project in GoFlow.Hosting/GoFlow.Hosting.csproj GoFlow.Client/GoFlow.Client.csproj GoFlow.Testing/GoFlow.Testing.csproj; do
    dotnet build "$project" -nologo --no-incremental -p:TreatWarningsAsErrors=false -p:MSBuildTreatWarningsAsErrors=false >>"$log" 2>&1 || true
done

python3 - "$log" <<'PY'
import collections, os, re, sys

pattern = re.compile(r"warning (RS0016|RS0017): Symbol '(.+?)' is (?:not part of|part of) the declared (?:public )?API.*\[(.+?\.csproj)")
added, removed = collections.defaultdict(set), collections.defaultdict(set)
for line in open(sys.argv[1], encoding="utf-8"):
    match = pattern.search(line)
    if match:
        rule, symbol, project = match.groups()
        (added if rule == "RS0016" else removed)[os.path.dirname(project)].add(symbol)

for folder in sorted(set(added) | set(removed)):
    path = os.path.join(folder, "PublicAPI.Unshipped.txt")
    lines = [l.rstrip("\n") for l in open(path, encoding="utf-8")] if os.path.exists(path) else []
    header = [l for l in lines if l.startswith("#")] or ["#nullable enable"]
    symbols = ({l for l in lines if l and not l.startswith("#")} | added[folder]) - removed[folder]
    with open(path, "w", encoding="utf-8", newline="\n") as file:
        file.write("\n".join(header + sorted(symbols, key=lambda s: s.lstrip("~"))) + "\n")
    print(f"{path}: {len(added[folder])} added, {len(removed[folder])} removed")
PY

if grep -q ": error " "$log"; then
    echo "public-api.sh: the build has errors besides the public API; see:" >&2
    grep ": error " "$log" | sort -u | head -20 >&2
    exit 1
fi
