# Included by CMakeLists.txt: ingestion from the command line (`ndc ingest`, `batch`, `record`,
# `events`) on each backend, and the SIGKILL crash test (all or nothing, then a clean resend).

ndc_cc_test(NAME integration_ingest_cli_test
  SRCS ingest_cli_test.cc
  DEPS ndc_integration_support nlohmann_json::nlohmann_json ZLIB::ZLIB
  LABELS integration)

ndc_cc_test(NAME integration_ingest_cli_pg_test PG
  SRCS ingest_cli_test.cc
  DEPS ndc_integration_support nlohmann_json::nlohmann_json ZLIB::ZLIB)
if(TARGET integration_ingest_cli_pg_test)
  target_compile_definitions(integration_ingest_cli_pg_test PRIVATE NDC_TEST_POSTGRES)
endif()

# A large batch killed mid-apply leaves nothing behind; the resend applies it exactly once.
ndc_cc_test(NAME integration_ingest_crash_test
  SRCS ingest_crash_test.cc
  DEPS ndc_integration_support ndc::store
  LABELS integration
  PROPERTIES TIMEOUT 120)

ndc_cc_test(NAME integration_ingest_crash_pg_test PG
  SRCS ingest_crash_test.cc
  DEPS ndc_integration_support ndc::store
  PROPERTIES TIMEOUT 120)
if(TARGET integration_ingest_crash_pg_test)
  target_compile_definitions(integration_ingest_crash_pg_test PRIVATE NDC_TEST_POSTGRES)
endif()
