# The git revision is baked into meterd --version; a tarball build says "unknown".
find_package(Git QUIET)
set(METERD_GIT_REVISION "unknown")
if(GIT_FOUND AND EXISTS ${PROJECT_SOURCE_DIR}/.git)
  execute_process(COMMAND ${GIT_EXECUTABLE} describe --always --dirty --abbrev=12
                  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
                  OUTPUT_VARIABLE METERD_GIT_REVISION OUTPUT_STRIP_TRAILING_WHITESPACE
                  ERROR_QUIET RESULT_VARIABLE git_rc)
  if(NOT git_rc EQUAL 0 OR METERD_GIT_REVISION STREQUAL "")
    set(METERD_GIT_REVISION "unknown")
  endif()
endif()
