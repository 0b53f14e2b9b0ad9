# Shared by the command-line test scripts: `check NAME STATUS` records one result, and
# `finish` prints the closing "N passed, M failed" line and sets the exit status.
fails=0 passes=0
check() { if [ "$2" = 0 ]; then echo "ok   $1"; passes=$((passes + 1)); else echo "FAIL $1"; fails=$((fails + 1)); fi; }
finish() { echo "$passes passed, $fails failed"; [ "$fails" = 0 ]; }
