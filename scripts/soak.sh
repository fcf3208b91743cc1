#!/bin/sh
# `make soak`: the TUI suite ROUNDS times in a row (default 10) while a full `make test` runs over and over beside
# it, loading the machine as CI's shared 2-core runner is. Stops at the first failing round and says which; each
# round's output and snapshot report (the SVG diffs) are kept in .soak/. BESIDE=0 runs the rounds alone.
set -u
rounds=${ROUNDS:-10}
py=${PYTHON_BIN:-.venv/bin/python}
logs=.soak
mkdir -p "$logs"
rm -f "$logs"/*
beside=""
if [ "${BESIDE:-1}" != 0 ]; then
    (
        n=0
        while [ ! -e "$logs/stop" ]; do
            n=$((n + 1))
            if make --no-print-directory test > "$logs/beside-$n.log" 2>&1; then
                echo "make test beside, run $n: passed"
            else
                echo "make test beside, run $n: FAILED (see $logs/beside-$n.log)"
            fi >> "$logs/beside.txt"
        done
    ) &
    beside=$!
fi

failed=0
i=1
while [ "$i" -le "$rounds" ]; do
    log="$logs/round-$i.log"
    if "$py" -m pytest -q -p no:cacheprovider -x tests/tui --snapshot-report "$logs/round-$i.html" > "$log" 2>&1; then
        echo "soak: round $i of $rounds passed: $(tail -n 1 "$log")"
    else
        tail -n 40 "$log"
        echo "soak: round $i of $rounds FAILED (output $log, snapshot diffs $logs/round-$i.html)"
        failed=$i
        break
    fi
    i=$((i + 1))
done

touch "$logs/stop"
status=0
if [ -n "$beside" ]; then
    echo "soak: letting the make test beside it finish its run"
    wait "$beside"
    cat "$logs/beside.txt"
    if grep -q FAILED "$logs/beside.txt"; then
        status=1
    fi
fi
if [ "$failed" != 0 ]; then
    exit 1
fi
echo "soak: $rounds rounds of tests/tui, 0 failures"
exit $status
