# ctest script: `systemd-analyze verify` on systemd/meterd.service, with ExecStart pointing at the
# meterd just built (verify checks that the binary exists). Fails on any warning it prints.
# Inputs: -DUNIT=... -DMETERD=... -DSYSTEMD_ANALYZE=... -DWORK_DIR=...
file(READ "${UNIT}" text)
string(REPLACE "/usr/bin/meterd" "${METERD}" text "${text}")
file(MAKE_DIRECTORY "${WORK_DIR}")
file(WRITE "${WORK_DIR}/meterd.service" "${text}")
execute_process(COMMAND "${SYSTEMD_ANALYZE}" verify "${WORK_DIR}/meterd.service"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
# Warnings about the host's own units are not ours: keep only lines naming meterd.service.
string(REGEX MATCHALL "[^\n]*meterd\\.service[^\n]*" ours "${out}${err}")
if(NOT rc EQUAL 0 OR ours)
  message(FATAL_ERROR "systemd-analyze verify failed (${rc}):\n${out}${err}")
endif()
# The settings the daemon relies on are present.
foreach(line IN ITEMS "Type=notify" "WatchdogSec=30" "Restart=on-failure"
                      "ExecReload=/bin/kill -HUP $MAINPID" "ProtectSystem=strict"
                      "StateDirectory=meterd" "SupplementaryGroups=dialout" "CapabilityBoundingSet="
                      "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6" "NoNewPrivileges=yes")
  string(FIND "${text}" "\n${line}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "meterd.service lacks the line: ${line}")
  endif()
endforeach()
