# Helpers that give every NDC target the same shape (cf. abseil's AbseilHelpers.cmake).
#
#   ndc_cc_library(NAME common SRCS a.cc HDRS a.h DEPS fmt::fmt)
#     -> target ndc_common, alias ndc::common. Include root is src/, so code says
#        #include "common/status.h".
#   ndc_cc_test(NAME status_test SRCS status_test.cc DEPS ndc::common LABELS unit)
#     -> gtest executable registered with gtest_discover_tests(PRE_TEST).
#   ndc_cc_test(NAME catalog_pg_test PG SRCS catalog_pg_test.cc DEPS ndc::catalog ndc::store_testing)
#     -> the same, for tests that need PostgreSQL: label `pg`, and each test requires the CTest
#        fixture `pg_server` (a throwaway server started by ndc_pg_harness, see src/store and
#        docs/design/store.md) and finds it through NDC_TEST_PG_FILE. Get a database with
#        store::NewTestDatabase(Backend::kPostgres) from store/testing/test_database.h.

add_library(ndc_warnings INTERFACE)
target_compile_options(ndc_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wunused -Wno-missing-field-initializers -Woverloaded-virtual -Wimplicit-fallthrough)
if(NDC_WERROR)
  target_compile_options(ndc_warnings INTERFACE -Werror)
endif()
if(NDC_SANITIZE)
  target_compile_options(ndc_warnings INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_link_options(ndc_warnings INTERFACE -fsanitize=address,undefined)
endif()

# A faster linker for the many test, bench and tool executables: mold (Debian package mold, installed
# by scripts/setup.sh), else lld, when the compiler accepts it; otherwise the default linker.
# NDC_LINKER=default keeps GNU ld.
set(NDC_LINKER "auto" CACHE STRING "Linker: auto (mold, else lld, else the default), mold, lld or default")
if(NDC_LINKER STREQUAL "auto")
  include(CheckLinkerFlag)
  foreach(ld mold lld)
    check_linker_flag(CXX "-fuse-ld=${ld}" NDC_HAVE_LINKER_${ld})
    if(NDC_HAVE_LINKER_${ld})
      add_link_options(-fuse-ld=${ld})
      message(STATUS "NDC: linking with ${ld}")
      break()
    endif()
  endforeach()
elseif(NOT NDC_LINKER STREQUAL "default")
  add_link_options(-fuse-ld=${NDC_LINKER})
endif()

set(NDC_SRC_ROOT ${PROJECT_SOURCE_DIR}/src)
# Where the pg_server fixture keeps its state and writes the server's URL (file `conninfo`).
set(NDC_PG_TEST_DIR ${PROJECT_BINARY_DIR}/pg_test_server)

function(ndc_cc_library)
  cmake_parse_arguments(A "" "NAME" "SRCS;HDRS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(target ndc_${A_NAME})
  if(A_SRCS)
    add_library(${target} STATIC ${A_SRCS} ${A_HDRS})
    target_include_directories(${target} PUBLIC ${NDC_SRC_ROOT} ${PROJECT_BINARY_DIR}/src)
    target_link_libraries(${target} PUBLIC ${A_DEPS} PRIVATE ${A_PRIVATE_DEPS} ndc_warnings)
  else()
    add_library(${target} INTERFACE ${A_HDRS})
    target_include_directories(${target} INTERFACE ${NDC_SRC_ROOT} ${PROJECT_BINARY_DIR}/src)
    target_link_libraries(${target} INTERFACE ${A_DEPS})
  endif()
  add_library(ndc::${A_NAME} ALIAS ${target})
endfunction()

function(ndc_cc_test)
  if(NOT NDC_BUILD_TESTS)
    return()
  endif()
  # WHOLE: one ctest test runs the whole binary (its tests share a costly fixture, built once per
  # process) instead of one process per discovered test.
  cmake_parse_arguments(A "PG;WHOLE" "NAME" "SRCS;DEPS;LABELS;PROPERTIES" ${ARGN})
  add_executable(${A_NAME} ${A_SRCS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gmock GTest::gtest_main ndc_warnings)
  if(A_PG)
    set(A_LABELS pg)
    list(APPEND A_PROPERTIES
      FIXTURES_REQUIRED pg_server
      ENVIRONMENT "NDC_TEST_PG_FILE=${NDC_PG_TEST_DIR}/conninfo")
  endif()
  if(NOT A_LABELS)
    set(A_LABELS unit)
  endif()
  # gtest_discover_tests flattens PROPERTIES into one list, so a test carries exactly one label.
  list(LENGTH A_LABELS n_labels)
  if(n_labels GREATER 1)
    message(FATAL_ERROR "ndc_cc_test(${A_NAME}): one label per test (unit, integration, pg, slow, browser)")
  endif()
  if(A_WHOLE)
    add_test(NAME ${A_NAME} COMMAND ${A_NAME})
    set_tests_properties(${A_NAME} PROPERTIES LABELS "${A_LABELS}" ${A_PROPERTIES})
    return()
  endif()
  gtest_discover_tests(${A_NAME}
    DISCOVERY_MODE PRE_TEST
    TEST_PREFIX "${A_NAME}."
    PROPERTIES LABELS "${A_LABELS}" ${A_PROPERTIES})
endfunction()
