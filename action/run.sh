#!/usr/bin/env bash
# The GitHub Action's step (action.yml): one `psa check` run writes the annotations (stdout), the SARIF report and the
# Markdown job summary; the step's outcome is psa's exit code. Inputs arrive as INPUT_* variables (action.yml maps
# them); PSA_COMMAND replaces `npx kube-psa` (the tests run the repository's own CLI).
set -uo pipefail

fail() {
  echo "::error title=psa action::$1"
  exit 2
}

psa=()
if [[ -n "${PSA_COMMAND:-}" ]]; then
  read -ra psa <<<"$PSA_COMMAND"
else
  psa=(npx --yes "kube-psa@${INPUT_VERSION:-latest}")
fi

case "${INPUT_FAIL_ON:-enforce}" in
  enforce | warn | audit) ;;
  *) fail "fail-on must be enforce, warn or audit, got '${INPUT_FAIL_ON}'" ;;
esac

sarif="${INPUT_SARIF_FILE:-psa.sarif}"
args=(check --fail-on "${INPUT_FAIL_ON:-enforce}" -o "sarif=$sarif")
[[ "${INPUT_ANNOTATIONS:-true}" == true ]] && args+=(-o github)
summary=""
if [[ "${INPUT_SUMMARY:-true}" == true && -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  summary="$(mktemp "${RUNNER_TEMP:-/tmp}/psa-summary.XXXXXX")"
  args+=(-o "markdown=$summary")
fi
[[ -n "${INPUT_CONFIG:-}" ]] && args+=(--config "$INPUT_CONFIG")
[[ -n "${INPUT_NAMESPACE:-}" ]] && args+=(--namespace "$INPUT_NAMESPACE")
while IFS= read -r line; do
  line="${line#"${line%%[![:space:]]*}"}"
  line="${line%"${line##*[![:space:]]}"}"
  [[ -n "$line" ]] && args+=(--talos-patch "$line")
done <<<"${INPUT_TALOS_PATCHES:-}"
while IFS= read -r line; do
  line="${line//[[:space:]]/}"
  [[ -n "$line" ]] && args+=(--namespace-labels "$line")
done <<<"${INPUT_NAMESPACE_LABELS:-}"
read -ra paths -d '' <<<"${INPUT_PATHS:-.}" || true
[[ ${#paths[@]} -gt 0 ]] || fail "no paths to check"

"${psa[@]}" "${args[@]}" -- "${paths[@]}"
code=$?

if [[ -n "$summary" ]]; then
  cat "$summary" >>"$GITHUB_STEP_SUMMARY"
  rm -f "$summary"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  {
    echo "exit-code=$code"
    echo "sarif-file=$sarif"
  } >>"$GITHUB_OUTPUT"
fi
exit "$code"
