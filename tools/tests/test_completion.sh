#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion, as bash runs it, against the tool's own lists: every
# knob, filter and state the completion offers is one the tool accepts, and
# none the tool accepts is missing. TAP on stdout.
set -u
cd "$(dirname "$0")/.."
. completion/flowsess

n=0 failed=0
check() {	# check NAME WANT GOT
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		failed=$((failed + 1))
		echo "not ok $n - $1"
		echo "#   want: $2"
		echo "#   got:  $3"
	fi
}

# complete WORD...: what the completion offers for the last word.
complete_words() {
	COMP_WORDS=(flowsess "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_flowsess
	printf '%s\n' "${COMPREPLY[@]}" | sort | xargs
}

sorted() { printf '%s\n' "$@" | sort | xargs; }

# The tool's own lists, from its usage errors.
tool_knobs=$(./flowsess set no-such-knob 1 2>&1 | awk '/^  [a-z]/ { print $1 }' | sort | xargs)
tool_states=$(./flowsess sessions state x 2>&1 |
	sed -n '/^  state/,$p' | sed 's/^  state//' | tr '|' ' ' | xargs -n1 | sort | xargs)
tool_filters=$(./flowsess sessions no-such-filter 2>&1 |
	awk '/^  [a-z]/ { print $1; if ($3 ~ /^[a-z]+$/ && $2 ~ /^[A-Z]+$/) print $3 }' | sort | xargs)
tool_commands=$(./flowsess --help | awk '/^Commands/ { on = 1; next } on && /^$/ { exit } on { print $1 }' | sort | xargs)

check "the tool lists its knobs" 20 "$(wc -w <<<"$tool_knobs")"
check "knobs after set" "$tool_knobs" "$(complete_words set '')"
check "knobs after a knob and its value" "$tool_knobs" "$(complete_words set tcp-timeout 30 '')"
check "a boolean's values" "off on" "$(complete_words set rst-invalidate-session '')"
check "... every boolean's" "off on" "$(complete_words set tcp-timeout 5 fin-invalidate-session '')"
check "time-wait-state's values" "off session-ageout session-timeout" \
	"$(complete_words set time-wait-state '')"
check "no guess for session-timeout's seconds" "" "$(complete_words set time-wait-state session-timeout '')"
check "knobs after session-timeout N" "$tool_knobs" \
	"$(complete_words set time-wait-state session-timeout 30 '')"
check "no guess for a duration" "" "$(complete_words set tcp-timeout '')"
check "a prefix narrows" "rst-grace-delay rst-invalidate-session rst-sequence-check" \
	"$(complete_words set rst-)"
all_commands=$(sorted -h -j -n -p -t -V --help --json --netns --pretty --timestamp --version $tool_commands)
check "commands" "$all_commands" "$(complete_words '')"
check "commands after -j" "$all_commands" "$(complete_words -j '')"
check "commands after -n NETNS" "$all_commands" "$(complete_words -n router '')"
check "filters after -n NETNS sessions" "$(sorted $tool_filters summary)" \
	"$(complete_words -n router sessions '')"
check "filters of sessions" "$(sorted $tool_filters summary)" "$(complete_words sessions '')"
check "all or the filters of clear, no summary" "$(sorted all $tool_filters)" "$(complete_words clear '')"
check "filters or nopickup after a filter and its value" "$(sorted $tool_filters nopickup)" \
	"$(complete_words clear dport 80 '')"
check "nopickup after clear all" "nopickup" "$(complete_words clear all '')"
check "nothing after nopickup" "" "$(complete_words clear all nopickup '')"
check "filters after a filter of sessions" "$tool_filters summary" \
	"$(complete_words sessions dport 80 '' | xargs -n1 | sort | xargs)"
check "filters or rcvbuf after monitor" "$(sorted $tool_filters rcvbuf)" "$(complete_words monitor '')"
check "no guess for rcvbuf's bytes" "" "$(complete_words monitor rcvbuf '')"
check "states" "$tool_states" "$(complete_words sessions state '')"
check "families" "inet inet6" "$(complete_words sessions family '')"
check "replied's values" "no yes" "$(complete_words sessions replied '')"
check "no guess for an id" "" "$(complete_words clear id '')"
# ip as it answers for a namespace: its interfaces, not the host's.
ip() { [ "$*" = "-n router -o link show" ] && printf '1: lo: <LOOPBACK,UP>\n5: r0@if4: <UP>\n'; }
check "iif after -n NETNS: that namespace's interfaces" "lo r0" "$(complete_words -n router sessions iif '')"
unset -f ip
check "no guess for a port" "" "$(complete_words sessions dport '')"
check "-o after stats" "-o" "$(complete_words stats '')"
check "... and its formats" "json prometheus text" "$(complete_words stats -o '')"
check "nothing after a format" "" "$(complete_words stats -o json '')"
touch /tmp/flowsess-completion-test.conf
check "files after load" "/tmp/flowsess-completion-test.conf" \
	"$(complete_words load /tmp/flowsess-completion-test.c)"
rm -f /tmp/flowsess-completion-test.conf
# sync: its commands and run's options, as the tool's usage names them.
tool_sync=$(./flowsess sync 2>&1 | sed -n 's/.* sync \([a-z|]*\).*/\1/p' | tr '|' ' ' | xargs -n1 | sort -u | xargs)
tool_sync_run=$(./flowsess sync 2>&1 | sed -n '/ sync run/,/^       flowsess/p' |
	grep -oE '(^|[[ ])[a-z]+ ([A-Z]|master)' | tr -d '[' | awk '{ print $1 }' | grep -v '^run$' | sort -u | xargs)
check "the tool lists sync's commands and run's options" "5 8" \
	"$(wc -w <<<"$tool_sync") $(wc -w <<<"$tool_sync_run")"
check "sync's commands" "$tool_sync" "$(complete_words sync '')"
check "sync run's options" "$tool_sync_run" "$(complete_words sync run '')"
check "... again after one and its value" "$tool_sync_run" "$(complete_words sync run peer 10.0.0.2 '')"
check "no guess for a peer" "" "$(complete_words sync run peer '')"
check "role's values" "backup master" "$(complete_words sync run role '')"
check "control after a request" "control" "$(complete_words -n r1 sync status '')"

echo "1..$n"
[ $failed -eq 0 ]
