// `ndc link files` end to end: FEBRL 4 linked with the shipped settings, deduplication, the
// trained model reused, explain, and errors naming what is wrong.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "test_support.h"

namespace ndc::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

class LinkCliTest : public ::testing::Test {
 protected:
  std::string Settings() const { return SourceDir() + "/examples/link/febrl4.toml"; }
  std::string Data(const char* f) const { return SourceDir() + "/data/febrl/" + f; }
  TempDir dir_;
};

TEST_F(LinkCliTest, LinksFebrl4AndWritesPairsAndClusters) {
  const std::string pairs = dir_.path() + "/pairs.csv", clusters = dir_.path() + "/clusters.csv",
                    model = dir_.path() + "/model.json";
  CommandResult r = RunNdc({"link", "files", "--settings", Settings(), "--left", Data("dataset4a.csv"), "--right",
                            Data("dataset4b.csv"), "--out", pairs, "--clusters", clusters, "--model-out", model,
                            "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Records: 5000 left, 5000 right"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("link: left: 5000 records"), std::string::npos) << r.err;
  std::string csv = ReadAll(pairs);
  EXPECT_EQ(csv.rfind("left_id,right_id,match_weight,match_probability,how\n", 0), 0u);
  // A known duplicate pair is there.
  EXPECT_NE(csv.find("rec-1070-org,rec-1070-dup-0,"), std::string::npos);
  EXPECT_EQ(ReadAll(clusters).rfind("cluster_id,input,record_id\n", 0), 0u);
  // The saved model gives the same pairs without training.
  const std::string pairs2 = dir_.path() + "/pairs2.csv";
  CommandResult again = RunNdc({"link", "files", "--settings", Settings(), "--left", Data("dataset4a.csv"), "--right",
                                Data("dataset4b.csv"), "--out", pairs2, "--model", model, "--quiet"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ReadAll(pairs2), csv);
}

TEST_F(LinkCliTest, ExplainPrintsEachComparisonAndTheTotal) {
  CommandResult r = RunNdc({"link", "files", "--settings", Settings(), "--left", Data("dataset4a.csv"), "--right",
                            Data("dataset4b.csv"), "--explain", "rec-1070-org", "rec-1070-dup-0", "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rec-1070-org <-> rec-1070-dup-0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("soc_sec_id"), std::string::npos);
  EXPECT_NE(r.out.find("total match weight"), std::string::npos);
}

TEST_F(LinkCliTest, DeduplicatesOneFile) {
  // Three records, two of them the same person.
  const std::string in = dir_.path() + "/people.csv", settings = dir_.path() + "/s.toml";
  std::ofstream(in) << "id,name,dob\n1,Nguyễn Văn An,1980-01-02\n2,NGUYEN VAN AN,02/01/1980\n3,Trần Thị Bích,1990-05-06\n";
  std::ofstream(settings) << R"([[attributes]]
name = "name"
type = "name"
[[attributes]]
name = "dob"
type = "date"
[[comparisons]]
name = "name"
attribute = "name"
levels = [{kind = "exact_folded"}, {kind = "jaro_winkler", threshold = 0.9}]
[[comparisons]]
name = "dob"
attribute = "dob"
levels = [{kind = "exact"}]
[[blocking]]
parts = [{attribute = "dob", transform = "year"}]
[inputs.left]
id_column = "id"
same_names = true
)";
  const std::string pairs = dir_.path() + "/pairs.csv";
  CommandResult r = RunNdc({"link", "files", "--settings", settings, "--left", in, "--out", pairs, "--quiet"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(ReadAll(pairs).find("\n1,2,"), std::string::npos) << ReadAll(pairs);
}

TEST_F(LinkCliTest, UnknownColumnIsNamedWithTheHeader) {
  const std::string in = dir_.path() + "/a.csv", settings = dir_.path() + "/s.json";
  std::ofstream(in) << "id,nom\n1,x\n";
  std::ofstream(settings) << R"({"attributes": [{"name": "name"}],
    "comparisons": [{"name": "name", "attribute": "name", "levels": [{"kind": "exact"}]}],
    "blocking": [{"attributes": ["name"]}], "inputs": {"left": {"columns": {"name": "NAME"}}}})";
  CommandResult r = RunNdc({"link", "files", "--settings", settings, "--left", in, "--out", dir_.path() + "/p.csv"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("a.csv: settings map attribute 'name' to column 'NAME', which the header (line 1) does not "
                       "have; columns: id, nom"),
            std::string::npos)
      << r.err;
}

TEST_F(LinkCliTest, BadSettingsNameTheKeyPath) {
  const std::string settings = dir_.path() + "/s.toml";
  std::ofstream(settings) << "[[attributes]]\nname = \"a\"\n[[comparisons]]\nname = \"a\"\nattribute = \"a\"\n"
                             "levels = [{kind = \"jaro\"}]\n";
  CommandResult r = RunNdc({"link", "files", "--settings", settings, "--left", Data("dataset4a.csv"), "--out", "x"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("comparisons[0].levels[0].kind: unknown value 'jaro'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ndc::testing
