#include "datagen/csv_writer.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace ndc::datagen {
namespace {

TEST(CsvWriter, QuotesOnlyWhenNeededAndEndsRowsWithCrLf) {
  const auto path = std::filesystem::temp_directory_path() / ("ndc_csv_" + std::to_string(::getpid()) + ".csv");
  auto w = CsvWriter::Open(path.string());
  ASSERT_TRUE(w.ok());
  (*w)->Field("Nguyễn Văn An");
  (*w)->Field("a,b");
  (*w)->Field("say \"hi\"");
  (*w)->Field("");
  (*w)->EndRow();
  (*w)->Field("line\nbreak");
  (*w)->EndRow();
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_EQ((*w)->rows(), 2u);
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "Nguyễn Văn An,\"a,b\",\"say \"\"hi\"\"\",\r\n\"line\nbreak\"\r\n");
  std::filesystem::remove(path);
}

TEST(CsvWriter, OpenReportsTheFile) {
  auto w = CsvWriter::Open("/nonexistent-dir/x.csv");
  EXPECT_EQ(w.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(w.status().message(), "cannot create '/nonexistent-dir/x.csv': No such file or directory");
}

}  // namespace
}  // namespace ndc::datagen
