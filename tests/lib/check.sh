# Shared by the command-line test scripts: `check NAME STATUS` records one result, and
# `finish` prints the closing "N passed, M failed" line and sets the exit status.
fails=0 passes=0 sanitizer_seen=
check() { if [ "$2" = 0 ]; then echo "ok   $1"; passes=$((passes + 1)); else echo "FAIL $1"; fails=$((fails + 1)); fi; }
# sanitizer_reports DIR: prints every AddressSanitizer/LeakSanitizer/UBSan report that programs
# built with VFSIM_SANITIZE left in the (small) files under DIR, and fails if there is one. The
# scripts keep programs' stderr in temporary files they delete, where a report would be lost.
sanitizer_reports() {
  [ -n "${1:-}" ] && [ -d "$1" ] || return 0
  local f found=0
  while IFS= read -r f; do
    found=1
    case " $sanitizer_seen " in *" $f "*) continue ;; esac   # printed by an earlier call
    sanitizer_seen+=" $f"
    echo "FAIL sanitizer report in ${f#"$1"/}:"
    cat "$f"
  done < <(find "$1" -type f -size -16M -exec grep -lIE 'ERROR: (Address|Leak)Sanitizer|: runtime error: ' {} + 2>/dev/null)
  return $found
}
finish() {
  sanitizer_reports "${tmp:-}" || fails=$((fails + 1))
  echo "$passes passed, $fails failed"
  [ "$fails" = 0 ]
}
