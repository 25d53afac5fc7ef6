// RecordTable::FromCsv (records read in chunks, then prepared a column per worker) against the
// records added one by one with RecordTable::Add (the reference, as the hub adds them), with one
// thread and with several: the same table, internals included (value numbering, counts,
// raw-spelling caches, keys, ids).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "link/internal/csv.h"
#include "link/internal/table_data.h"
#include "link/record_table.h"
#include "link/settings.h"
#include "link/test_records.h"

namespace ndc::link {
namespace {

using internal::Column;

void ExpectSameColumn(const Column& a, const Column& b, size_t col) {
  SCOPED_TRACE("column " + std::to_string(col));
  EXPECT_EQ(a.ids, b.ids);
  ASSERT_EQ(a.values.size(), b.values.size());
  for (size_t v = 0; v < a.values.size(); ++v) {
    EXPECT_EQ(a.values[v].normalized(), b.values[v].normalized()) << "value " << v;
    EXPECT_EQ(a.values[v].folded(), b.values[v].folded());
    EXPECT_EQ(a.values[v].sorted(), b.values[v].sorted());
    EXPECT_EQ(a.values[v].hash, b.values[v].hash);
    EXPECT_EQ(a.values[v].FirstToken(), b.values[v].FirstToken());
    EXPECT_EQ(a.values[v].LastToken(), b.values[v].LastToken());
    EXPECT_EQ(a.values[v].ascii, b.values[v].ascii);
  }
  EXPECT_EQ(a.counts, b.counts);
  EXPECT_EQ(a.present, b.present);
  EXPECT_EQ(a.dates, b.dates);
  ASSERT_EQ(a.numbers.size(), b.numbers.size());
  EXPECT_EQ(0, std::memcmp(a.numbers.data(), b.numbers.data(), a.numbers.size() * sizeof(double)));
  ASSERT_EQ(a.raw.size(), b.raw.size());
  a.raw.ForEach([&](const internal::RawCache::Key& k, uint32_t value) {
    uint32_t other = 0;
    ASSERT_TRUE(b.raw.Find(k, &other));
    EXPECT_EQ(value, other);
  });
}

void ExpectSameTable(const RecordTable& a, const RecordTable& b) {
  ASSERT_EQ(a.size(), b.size());
  for (uint32_t r = 0; r < a.size(); ++r) ASSERT_EQ(a.id(r), b.id(r)) << "row " << r;
  const auto& x = a.data();
  const auto& y = b.data();
  EXPECT_EQ(x.keys, y.keys);
  ASSERT_EQ(x.columns.size(), y.columns.size());
  for (size_t c = 0; c < x.columns.size(); ++c) ExpectSameColumn(x.columns[c], y.columns[c], c);
}

// The reference: the records of `path` added one by one (ids: the id column, else row numbers).
RecordTable AddRowByRow(const std::filesystem::path& path, const ColumnMap& map) {
  const Settings& s = DefaultPersonSettings();
  auto reader = internal::CsvReader::Open(path, map.delimiter);
  EXPECT_TRUE(reader.ok()) << reader.status().ToString();
  RecordTable t(s);
  if (!reader.ok()) return t;
  std::vector<int> col(s.attributes.size(), -1);
  int id_col = -1;
  for (size_t c = 0; c < reader->header().size(); ++c) {
    const int a = s.AttributeIndex(reader->header()[c]);
    if (a >= 0) col[a] = static_cast<int>(c);
    if (reader->header()[c] == map.id_column) id_col = static_cast<int>(c);
  }
  std::vector<std::string_view> fields, values(s.attributes.size());
  while (*reader->Next(&fields)) {
    for (size_t a = 0; a < values.size(); ++a) {
      values[a] = col[a] >= 0 && static_cast<size_t>(col[a]) < fields.size() ? fields[col[a]] : std::string_view();
    }
    const bool has_id = id_col >= 0 && static_cast<size_t>(id_col) < fields.size();
    t.Add(has_id ? std::string(fields[id_col]) : std::to_string(t.size() + 1), values);
  }
  return t;
}

// People(n) as CSV in the given style; every 7th name quoted with a comma, every 11th commune
// quoted across a line break, every 13th row short (no id: a row number).
std::string PeopleCsv(size_t n, bool crlf, bool bom, bool final_newline) {
  const std::string eol = crlf ? "\r\n" : "\n";
  std::string s = std::string(bom ? "\xEF\xBB\xBF" : "") +
                  "id,full_name,birth_date,sex,permanent_commune,personal_id" + eol;
  auto people = testdata::People(n, /*noisy=*/true);
  for (size_t i = 0; i < n; ++i) {
    auto& p = people[i];
    std::string name = i % 7 == 0 ? "\"" + p["full_name"] + ", \"\"Jr\"\"\"" : p["full_name"];
    std::string commune = i % 11 == 0 ? "\"0" + std::to_string(i % 5) + "\n\"" : std::to_string(i % 9);
    if (i % 13 == 5) {
      s += "," + name + eol;
    } else {
      s += "r" + std::to_string(i) + "," + name + "," + p["birth_date"] + "," + p["sex"] + "," + commune +
           "," + p["personal_id"] + eol;
    }
  }
  if (!final_newline) s.resize(s.size() - eol.size());
  return s;
}

class ParallelRead : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() /
        ("ndc_parallel_read_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    std::filesystem::create_directories(dir_);
    map_.id_column = "id";
    map_.same_names = true;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path Write(const std::string& text) {
    auto p = dir_ / "in.csv";
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  // Reads `text` with one thread and with `threads`, expects the table Add builds row by row.
  void ExpectSameRead(const std::string& text, size_t threads) {
    auto path = Write(text);
    RecordTable reference = AddRowByRow(path, map_);
    auto serial = RecordTable::FromCsv(DefaultPersonSettings(), path, map_, {}, 1);
    auto parallel = RecordTable::FromCsv(DefaultPersonSettings(), path, map_, {}, threads);
    ASSERT_TRUE(serial.ok()) << serial.status().ToString();
    ASSERT_TRUE(parallel.ok()) << parallel.status().ToString();
    ExpectSameTable(reference, *serial);
    ExpectSameTable(*serial, *parallel);
    // The merged raw caches and intern tables serve later Adds as the serial ones do.
    auto more = testdata::People(50, /*noisy=*/true, /*seed=*/7);
    for (size_t i = 0; i < more.size(); ++i) {
      serial->Add("x" + std::to_string(i), more[i]);
      parallel->Add("x" + std::to_string(i), more[i]);
    }
    ExpectSameTable(*serial, *parallel);
  }
  std::filesystem::path dir_;
  ColumnMap map_;
};

TEST_F(ParallelRead, SameTableAsOneThreadInEveryCsvStyle) {
  for (bool crlf : {false, true}) {
    for (bool bom : {false, true}) {
      for (bool final_newline : {false, true}) {
        SCOPED_TRACE(testing::Message()
                     << "crlf " << crlf << " bom " << bom << " final newline " << final_newline);
        ExpectSameRead(PeopleCsv(3000, crlf, bom, final_newline), 3);
      }
    }
  }
}

TEST_F(ParallelRead, SameTableWithoutQuotes) {
  std::string text = "id,full_name,birth_date,sex,personal_id\n";
  auto people = testdata::People(5000, /*noisy=*/true);
  for (size_t i = 0; i < people.size(); ++i) {
    auto& p = people[i];
    text += "r" + std::to_string(i) + "," + p["full_name"] + "," + p["birth_date"] + "," + p["sex"] + "," +
            p["personal_id"] + "\n";
  }
  for (size_t threads : {2, 4, 7}) ExpectSameRead(text, threads);
}

TEST_F(ParallelRead, DerivedNamesAndDatesAsAdd) {
  // An agency layout: the name in three columns, the birth date in three or in one; some rows
  // have their own full name or date, some lack a part.
  std::string text = "id,surname,middle_name,given_name,full_name,birth_day,birth_month,birth_year,birth_date,sex\n";
  auto people = testdata::People(4000, /*noisy=*/true);
  for (size_t i = 0; i < people.size(); ++i) {
    auto& p = people[i];
    const std::string name = p["full_name"];
    const size_t a = name.find(' '), b = name.rfind(' ');
    const std::string dob = p["birth_date"];  // yyyy-mm-dd
    text += "r" + std::to_string(i) + "," + name.substr(0, a) + "," + (i % 5 == 1 ? "" : name.substr(a + 1, b - a - 1)) +
            "," + name.substr(b + 1) + "," + (i % 9 == 2 ? "\"" + name + "\"" : "") + "," +
            (i % 6 == 3 ? "" : dob.substr(8, 2)) + "," + dob.substr(5, 2) + "," + dob.substr(0, 4) + "," +
            (i % 4 == 0 ? dob : "") + "," + p["sex"] + "\n";
  }
  ExpectSameRead(text, 3);
  auto t = RecordTable::FromCsv(DefaultPersonSettings(), Write(text), map_, {}, 3);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  const Settings& s = DefaultPersonSettings();
  // Row 6 has no middle name: two tokens; row 3 has no birth day: a month-precision date.
  const std::string name6 = t->Value(6, s.AttributeIndex("full_name"));
  EXPECT_EQ(std::count(name6.begin(), name6.end(), ' '), 1) << name6;
  EXPECT_EQ(t->Value(3, s.AttributeIndex("birth_date")), people[3]["birth_date"].substr(0, 7));
}

TEST_F(ParallelRead, RowNumbersAsIdsCountEveryChunk) {
  map_.id_column.clear();
  auto path = Write(PeopleCsv(1000, false, false, true));
  auto t = RecordTable::FromCsv(DefaultPersonSettings(), path, map_, {}, 4);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->size(), 1000u);
  EXPECT_EQ(t->id(0), "1");
  EXPECT_EQ(t->id(999), "1000");
  ExpectSameRead(PeopleCsv(1000, false, false, true), 4);
}

TEST_F(ParallelRead, FewerRowsThanThreads) {
  ExpectSameRead(PeopleCsv(2, false, false, false), 8);
  ExpectSameRead("id,full_name\n", 8);
}

TEST_F(ParallelRead, ProgressCountsAllChunks) {
  std::string text = "id,personal_id\n";
  for (size_t i = 0; i < 250000; ++i) {
    const std::string n = std::to_string(i);
    text.append("r").append(n).append(",").append(n).append("\n");
  }
  auto path = Write(text);
  std::vector<size_t> calls;
  auto t = RecordTable::FromCsv(
      DefaultPersonSettings(), path, map_, [&](size_t rows) { calls.push_back(rows); }, 3);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::sort(calls.begin(), calls.end());
  EXPECT_EQ(calls, (std::vector<size_t>{100000, 200000}));
}

}  // namespace
}  // namespace ndc::link
