#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/formats/row_reader.h"
#include "ingest/formats/testing/read_rows.h"

namespace ndc::ingest {
namespace {

using ::testing::ElementsAre;

catalog::DatasetSchema Schema() {
  catalog::DatasetSchema s;
  s.id = "people";
  s.source_key = {"id"};
  s.fields = {
      {.name = "id", .column = "id", .required = true},
      {.name = "ho_ten", .column = "Họ tên"},
      {.name = "so", .column = "so", .type = catalog::FieldType::kDecimal},
      {.name = "co", .column = "co", .type = catalog::FieldType::kBoolean},
  };
  return s;
}

Result<std::vector<std::string>> Ndjson(std::string input, ReaderOptions options = {}, size_t chunk = 1 << 20,
                                        bool with_raw = false) {
  return testing::ReadRows(Format::kNdjson, std::move(input), Schema(), options, chunk, with_raw);
}

// The rows of a one-line input.
std::string One(std::string line) {
  auto rows = Ndjson(std::move(line));
  if (!rows.ok()) return rows.status().ToString();
  return rows->size() == 1 ? (*rows)[0] : "rows: " + std::to_string(rows->size());
}

TEST(NdjsonReader, ReadsStringsNumbersBooleansAndNulls) {
  EXPECT_EQ(One(R"({"id": "001", "Họ tên": "L\u00ea A", "so": -12.50, "co": true})"),
            "L1 [001|Lê A|-12.50|true]");
  EXPECT_EQ(One(R"({"id":7,"so":1E+5,"co":false,"Họ tên":null})"), "L1 [7|-|1E+5|false]");
  EXPECT_EQ(One(R"({"id":"","so":123456789012345678901234567890})"),
            "L1 [|-|123456789012345678901234567890|-]");
}

TEST(NdjsonReader, KeysMatchLikeCsvHeaders) {
  // The field's name (ho_ten) and an NFD spelling of its column both work.
  EXPECT_EQ(One(R"({"id":"1","ho_ten":"A"})"), "L1 [1|A|-|-]");
  EXPECT_EQ(One("{\"id\":\"1\",\" Ho\xCC\xA3 te\xCC\x82n\":\"B\"}"), "L1 [1|B|-|-]");
}

TEST(NdjsonReader, OpKeyGoesToOp) {
  EXPECT_EQ(One(R"({"id":"1","_op":"delete"})"), "L1 [1|-|-|-] op=delete");
  EXPECT_EQ(One(R"({"id":"1","_op":null})"), "L1 [1|-|-|-]");
  EXPECT_EQ(One(R"({"id":"1","_op":1})"), "L1 error(): key '_op': expected a string, got a number");
}

TEST(NdjsonReader, BlankLinesAreSkippedAndLinesCounted) {
  auto rows = Ndjson("\n{\"id\":\"1\"}\r\n  \t\r\n\n{\"id\":\"2\"}");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre("L2 [1|-|-|-]", "L5 [2|-|-|-]"));
}

TEST(NdjsonReader, RowProblemsAreRowErrors) {
  EXPECT_EQ(One(R"({"id":"1","so":{"a":1}})"),
            "L1 error(so): key 'so': nested objects and arrays are not supported");
  EXPECT_EQ(One(R"({"id":["1"]})"), "L1 error(id): key 'id': nested objects and arrays are not supported");
  EXPECT_EQ(One(R"({"id":"1","tuoi":3})"), "L1 error(): unknown key 'tuoi'");
  EXPECT_EQ(One(R"({"id":"1","id":"2"})"), "L1 error(id): duplicate key 'id'");
  EXPECT_EQ(One(R"({"Họ tên":"A","ho_ten":"B"})"), "L1 error(ho_ten): duplicate key 'ho_ten'");
  EXPECT_EQ(One(R"([{"id":"1"}])"), "L1 error(): expected a JSON object, got an array");
  EXPECT_EQ(One(R"("id")"), "L1 error(): expected a JSON object, got a string");
  EXPECT_EQ(One("42"), "L1 error(): expected a JSON object, got a number");
}

TEST(NdjsonReader, InvalidJsonIsARowError) {
  for (std::string bad : std::vector<std::string>{R"({"id":"1")",
                                                  R"({"id":"1"} x)",
                                                  R"({"id":"1"}})",
                                                  R"({"id":"1"},)",
                                                  R"({"id":01})",
                                                  R"({"id":1.})",
                                                  R"({"id":-})",
                                                  R"({"id":1x})",
                                                  R"({"id":tru})",
                                                  R"({"id":nul})",
                                                  R"({"id":nullx})",
                                                  R"({"id":"1",})",
                                                  R"({"id" "1"})",
                                                  R"({"id":"a\q"})",
                                                  "{\"id\":\"a\tb\"}",
                                                  R"({"id":"abc)",
                                                  "{",
                                                  "}",
                                                  R"({id:1})",
                                                  "{\"id\":\"\xff\"}",
                                                  std::string("{\"id\":\"1\"}\0", 11)}) {
    std::string row = One(bad);
    EXPECT_THAT(row, ::testing::StartsWith("L1 error(): invalid JSON: ")) << bad;
  }
  EXPECT_EQ(One(R"({"id":"1"}})"), "L1 error(): invalid JSON: text after the object");
  EXPECT_EQ(One(R"({"id":"1"} x)"),
            "L1 error(): invalid JSON: the line does not end with the object's closing brace");
  EXPECT_EQ(One(R"({"id":tru})"), "L1 error(): invalid JSON: invalid literal (expected true, false or null)");
  EXPECT_EQ(One(R"({"id":"1",})"), "L1 error(): invalid JSON: malformed");
  EXPECT_EQ(One("{\"id\":\"\xff\"}"), "L1 error(): invalid JSON: invalid UTF-8");
}

TEST(NdjsonReader, KeysInAnyOrderFromLineToLine) {
  auto rows = Ndjson(R"({"id":"1","so":2})"
                     "\n"
                     R"({"so":3,"id":"4"})"
                     "\n"
                     R"({"id":"5","tuoi":6})"
                     "\n"
                     R"({"id":"7","ho_ten":"A","so":8})"
                     "\n"
                     R"({"id":"9","so":10})");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre("L1 [1|-|2|-]", "L2 [4|-|3|-]", "L3 error(): unknown key 'tuoi'",
                                 "L4 [7|A|8|-]", "L5 [9|-|10|-]"));
}

TEST(NdjsonReader, BomAndSurroundingWhitespaceAreAccepted) {
  EXPECT_EQ(One("\xEF\xBB\xBF{\"id\":\"1\"}"), "L1 [1|-|-|-]");
  EXPECT_EQ(One(" \t{\"id\" : \"1\" } \t\r\n"), "L1 [1|-|-|-]");
}

TEST(NdjsonReader, ReadingResumesAfterABadLine) {
  auto rows = Ndjson("{\"id\":\"1\"\n{\"id\":\"2\"}\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre(::testing::StartsWith("L1 error(): invalid JSON"), "L2 [2|-|-|-]"));
}

TEST(NdjsonReader, LimitsAreRowErrors) {
  ReaderOptions opt{.limits = {.max_record_bytes = 30, .max_field_bytes = 3, .max_raw_bytes = 13}};
  auto rows = Ndjson(R"({"id":"1234"})"
                     "\n"
                     R"({"id":")" +
                         std::string(5000, 'x') +
                         "\"}\r\n"
                         R"({"id":"123"})",
                     opt, 7, true);
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(
      *rows, ElementsAre(
                 R"(L1 error(id): key 'id': value longer than 3 bytes (max_field_bytes) raw='{"id":"1234"}')",
                 R"(L2 error(): line longer than 30 bytes (max_record_bytes) raw='{"id":"xxxxxx…')",
                 R"(L3 [123|-|-|-] raw='{"id":"123"}')"));
}

TEST(NdjsonReader, VeryLongLineIsOneErrorRow) {
  auto rows = Ndjson("{\"id\":\"" + std::string(3 << 20, 'q') + "\"}\n{\"id\":\"2\"}\n");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows,
              ElementsAre("L1 error(): line longer than 1048576 bytes (max_record_bytes)", "L2 [2|-|-|-]"));
}

TEST(NdjsonReader, ReusedRowHasNoStaleValues) {
  auto rows = Ndjson(R"({"id":"1","Họ tên":"A long name of some length","_op":"U"})"
                     "\n"
                     R"({"id":"2"})");
  ASSERT_TRUE(rows.ok());
  EXPECT_THAT(*rows, ElementsAre("L1 [1|A long name of some length|-|-] op=U", "L2 [2|-|-|-]"));
}

TEST(NdjsonReader, TinyReadsGiveTheSameRows) {
  std::string in = "{\"id\":\"1\",\"so\":2}\r\n\n{\"id\":\"\\u1EC5\\\"\"}\n[1]\n{\"id\":\"x\"}";
  auto whole = Ndjson(in, {}, 1 << 20, true);
  ASSERT_TRUE(whole.ok());
  ASSERT_EQ(whole->size(), 4u);
  EXPECT_EQ((*whole)[1], "L3 [ễ\"|-|-|-] raw='{\"id\":\"\\u1EC5\\\"\"}'");
  for (size_t chunk = 1; chunk <= 5; ++chunk) EXPECT_EQ(*Ndjson(in, {}, chunk, true), *whole) << chunk;
}

}  // namespace
}  // namespace ndc::ingest
