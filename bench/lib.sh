# Helpers for bench/run (sourced).

# busy_pct [window]: whole-machine CPU busy % over `window` seconds (default 2), from /proc/stat.
busy_pct() {
  local window=${1:-2} a b c d e f g h t1 i1 t2 i2
  read -r _ a b c d e f g h _ < /proc/stat; t1=$((a+b+c+d+e+f+g+h)); i1=$((d+e))
  sleep "$window"
  read -r _ a b c d e f g h _ < /proc/stat; t2=$((a+b+c+d+e+f+g+h)); i2=$((d+e))
  if (( t2 == t1 )); then echo 0; return; fi
  echo $(( 100 * ( (t2-t1) - (i2-i1) ) / (t2-t1) ))
}

# wait_quiet [window] [tries]: wait (at most `tries` readings, 8 by default) until the machine
# is below 15% busy; echoes the last reading.
wait_quiet() {
  local window=${1:-2} tries=${2:-8} b=0
  for _ in $(seq 1 "$tries"); do b=$(busy_pct "$window"); [ "$b" -lt 15 ] && break; sleep 1; done
  echo "$b"
}

# machine_ticks: "busy total" jiffies of the whole machine since boot.
machine_ticks() {
  local a b c d e f g h
  read -r _ a b c d e f g h _ < /proc/stat
  echo "$((a+b+c+f+g+h)) $((a+b+c+d+e+f+g+h))"
}

# proc_ticks PID: user+system jiffies a process (with its threads) has used; 0 if it is gone.
proc_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
  stat=${stat##*) }
  # after the command name: state is field 3, utime 14, stime 15
  awk '{print $12 + $13}' <<< "$stat"
}

# status_kb PID FIELD: a VmRSS/VmHWM line of /proc/PID/status, in kB; 0 if the process is gone.
status_kb() {
  awk -v f="$2:" '$1 == f {print $2}' "/proc/$1/status" 2>/dev/null || echo 0
}

# port_free PORT: true when nothing listens on 127.0.0.1:PORT.
port_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
