# Shared by the benchmark scripts (source it after setting $tmp to a scratch directory).
now() { date +%s.%N; }
# best_of_3 CMD...: runs CMD three times, prints the best wall time in seconds; leaves the
# last run's stdout in $tmp/out and stderr in $tmp/err; exits 1 if a run fails.
best_of_3() {
  local best=""
  for _ in 1 2 3; do
    local t0 t1
    t0=$(now)
    "$@" >"$tmp/out" 2>"$tmp/err" || { echo "failed: $*" >&2; cat "$tmp/err" >&2; exit 1; }
    t1=$(now)
    best=$(awk -v a="$best" -v b="$(awk -v x="$t0" -v y="$t1" 'BEGIN{print y-x}')" 'BEGIN{print (a=="" || b<a) ? b : a}')
  done
  echo "$best"
}
