#!/bin/bash
# SPDX-License-Identifier: MIT
#
# mifctl top: a picture of every network, redrawn from its event
# subscription, and mifctl monitor's colours.
#   - top --interval 60 (so that only events can redraw it) writing to a
#     file: frame 1 without PvDs; "pvd add corp" redraws it within 3 s with
#     corp (api, eth0, DNS 1/1) and the pvd-added event; "pvd del corp"
#     redraws it again without corp, with pvd-removed;
#   - on a terminal (tmux, 90 columns): the screen is cleared and drawn,
#     corp's state is coloured, no line is wider than the terminal even
#     for a PvD id longer than the line; monitor colours pvd-added.
#
#   h:eth0 10.9.0.5 -- r:eth0 10.9.0.1
set -euo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/mif.sh"

world_init
world_require jq tmux
world_host h
world_host r
world_link r eth0 h eth0
ip -n "$(world_ns h)" addr add 10.9.0.5/24 dev eth0
world_mifd h
CTL=("$MIFCTL" --socket "$WORLD_TMP/mifd.sock")

world_bg h top "${CTL[@]}" top --interval 60 --frames 3
TOP_PID=$WORLD_LAST_PID
frames() { grep -c '^mifd ' "$WORLD_TMP/top.log" || true; }
first() { [ "$(frames)" -ge 1 ]; }
world_wait_for "the first frame" 5 first
world_ctl pvd add corp --interface eth0 --dns 10.9.0.1 --domain corp.example >/dev/null
t0=$(world__now_ms)
second() { [ "$(frames)" -ge 2 ]; }
world_wait_for "a frame redrawn by pvd-added" 3 second
world_log "ok: redrawn $(($(world__now_ms) - t0)) ms after pvd add (interval 60 s)"
frame2=$(awk '/^mifd /{n++} n == 2' "$WORLD_TMP/top.log")
grep -Eq '^-- +corp +[a-z-]+ +api +eth0 +1/1 ' <<<"$frame2" || world_fail "frame 2 lacks corp: $frame2"
grep -q 'pvd-added corp' <<<"$frame2" || world_fail "frame 2 lacks the event: $frame2"
world_ctl pvd del corp >/dev/null
third() { [ "$(frames)" -ge 3 ]; }
world_wait_for "a frame redrawn by pvd-removed" 3 third
frame3=$(awk '/^mifd /{n++} n == 3' "$WORLD_TMP/top.log")
grep -Eq '^-- +corp ' <<<"$frame3" && world_fail "frame 3 still lists corp: $frame3"
grep -q 'pvd-removed corp' <<<"$frame3" || world_fail "frame 3 lacks pvd-removed: $frame3"
grep -q $'\033' "$WORLD_TMP/top.log" && world_fail "colour codes written to a file"
wait "$TOP_PID" || world_fail "top --frames 3 exited non-zero"
world_log "ok: frames on events: $(sed -n '/^D /,$p' <<<"$frame2" | head -n 2 | tr -s ' ' | tr '\n' '|')"

# On a terminal.
long=corp-$(printf 'x%.0s' $(seq 1 120))
world_ctl pvd add "$long" --interface eth0 --dns 10.9.0.1 >/dev/null
TM=(tmux -S "$WORLD_TMP/tmux.sock")
WORLD_CLEANUP_CMDS+=("tmux -S '$WORLD_TMP/tmux.sock' kill-server 2>/dev/null || true")
world_exec h "${TM[@]}" new-session -d -x 90 -y 20 "${CTL[*]} top --interval 60"
drawn() { "${TM[@]}" capture-pane -p | grep -q '^--.*api'; }
world_wait_for "top drawn in tmux" 5 drawn
screen=$("${TM[@]}" capture-pane -p)
screen_e=$("${TM[@]}" capture-pane -p -e)
awk 'length($0) > 90 { bad = 1 } END { exit bad }' <<<"$screen" || world_fail "a line wider than 90: $screen"
grep -q 'corp-xxxx' <<<"$screen" || world_fail "the long id is not shown: $screen"
grep -q $'\033\\[[0-9;]*m' <<<"$screen_e" || world_fail "no colour on the terminal"
"${TM[@]}" kill-session
world_exec h "${TM[@]}" new-session -d -x 90 -y 20 "${CTL[*]} monitor"
sleep 0.5
world_ctl pvd del "$long" >/dev/null
mon() { "${TM[@]}" capture-pane -p | grep -q 'pvd-removed'; }
world_wait_for "monitor shows pvd-removed" 5 mon
"${TM[@]}" capture-pane -p -e | grep -q $'\033\\[31mpvd-removed' || world_fail "pvd-removed not in red"
"${TM[@]}" kill-server
world_log "ok: on a terminal: fits 90 columns, coloured; monitor colours events"
world_pass
