# Ingestion over HTTP end to end (ingest_http_test.cc): the real server on a free port streaming
# batches to its spool directory, on each store backend. Included by CMakeLists.txt.
ndc_cc_test(NAME integration_ingest_http_test
  SRCS ingest_http_test.cc
  DEPS ndc_integration_support ndc::store_testing nlohmann_json::nlohmann_json ZLIB::ZLIB
  LABELS integration)

ndc_cc_test(NAME integration_ingest_http_pg_test PG
  SRCS ingest_http_test.cc
  DEPS ndc_integration_support ndc::store_testing nlohmann_json::nlohmann_json ZLIB::ZLIB)
if(TARGET integration_ingest_http_pg_test)
  target_compile_definitions(integration_ingest_http_pg_test PRIVATE NDC_TEST_POSTGRES)
endif()
