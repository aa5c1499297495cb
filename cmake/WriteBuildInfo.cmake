# Run at every build (cmake -P) so `meterd --version` names the revision the binary was built
# from, not the one CMake was configured at. configure_file rewrites the header only when its
# content changes, so an unchanged revision triggers no recompilation.
#   -DSOURCE_DIR=... -DINPUT=build_info.hpp.in -DOUTPUT=.../build_info.hpp -DPROJECT_VERSION=...
set(METERD_GIT_REVISION "unknown")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS ${SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE rev OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE rc)
  if(rc EQUAL 0 AND NOT rev STREQUAL "")
    set(METERD_GIT_REVISION "${rev}")
  endif()
endif()
configure_file(${INPUT} ${OUTPUT} @ONLY)
