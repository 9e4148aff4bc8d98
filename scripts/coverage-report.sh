#!/usr/bin/env bash
# Merges the Cobertura files that `dotnet test --collect "XPlat Code Coverage"` left under a results folder into one
# report, and prints line and branch coverage per production assembly. Called by `bash scripts/test.sh --coverage`.
#
#   bash scripts/coverage-report.sh RESULTS_DIR [TARGET_DIR]
#
# TARGET_DIR (default: coverage, in the repository root, gitignored) gets Cobertura.xml (merged), index.html and the
# rest of the HTML report, and Summary.txt. ReportGenerator is the repository's local dotnet tool
# (.config/dotnet-tools.json), restored here.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

log() { echo "coverage-report.sh: $*" >&2; }

results_dir="${1:?usage: coverage-report.sh RESULTS_DIR [TARGET_DIR]}"
target_dir="${2:-coverage}"

if ! find "$results_dir" -name coverage.cobertura.xml -print -quit | grep -q .; then
    log "no coverage.cobertura.xml under $results_dir: no test project collected coverage"
    exit 1
fi

dotnet tool restore >/dev/null
rm -rf "$target_dir"
dotnet tool run reportgenerator \
    "-reports:$results_dir/**/coverage.cobertura.xml" \
    "-targetdir:$target_dir" \
    "-reporttypes:Cobertura;Html;TextSummary" \
    "-filefilters:-*.g.cs" \
    "-verbosity:Warning" >&2

merged="$target_dir/Cobertura.xml"
if [[ ! -f "$merged" || ! -f "$target_dir/index.html" ]]; then
    log "ReportGenerator wrote no $merged or $target_dir/index.html"
    exit 1
fi

# One row per <package> (an assembly) of the merged file, then the totals of its <coverage> element.
percent() { awk -v rate="$1" 'BEGIN { printf "%5.1f%%", rate * 100 }'; }
attribute() { grep -o " $2=\"[^\"]*\"" <<<"$1" | head -1 | cut -d'"' -f2; }

echo
echo "Coverage (line, branch) of the production assemblies; report: $target_dir/index.html"
printf '  %-26s %7s %8s\n' assembly line branch
while IFS= read -r package; do
    printf '  %-26s %7s %8s\n' "$(attribute "$package" name)" \
        "$(percent "$(attribute "$package" line-rate)")" "$(percent "$(attribute "$package" branch-rate)")"
done < <(grep -o '<package [^>]*' "$merged")
totals="$(grep -o '<coverage [^>]*' "$merged")"
printf '  %-26s %7s %8s\n' "all" \
    "$(percent "$(attribute "$totals" line-rate)")" "$(percent "$(attribute "$totals" branch-rate)")"
echo
