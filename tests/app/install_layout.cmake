# ctest script: `cmake --install --component meterd` into an empty DESTDIR puts the binary, the
# unit and the example configuration where systemd and the unit expect them, and a second install
# keeps an edited /etc/meterd/meterd.yaml. Inputs: -DBUILD_DIR=... -DWORK_DIR=...
file(REMOVE_RECURSE "${WORK_DIR}")
set(ENV{DESTDIR} "${WORK_DIR}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix /usr
                        --component meterd RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${rc}")
endif()
foreach(f IN ITEMS usr/bin/meterd usr/lib/systemd/system/meterd.service
                   usr/share/doc/meterd/examples/meterd.yaml etc/meterd/meterd.yaml)
  if(NOT EXISTS "${WORK_DIR}/${f}")
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
file(APPEND "${WORK_DIR}/etc/meterd/meterd.yaml" "# edited by the operator\n")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix /usr
                        --component meterd RESULT_VARIABLE rc OUTPUT_QUIET)
file(READ "${WORK_DIR}/etc/meterd/meterd.yaml" text)
string(FIND "${text}" "# edited by the operator" at)
if(NOT rc EQUAL 0 OR at EQUAL -1)
  message(FATAL_ERROR "a second install replaced the edited /etc/meterd/meterd.yaml")
endif()
file(REMOVE_RECURSE "${WORK_DIR}")
