#include "api/audit_text.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ndc::api {
namespace {

TEST(AuditTextTest, EscapesControlsPercentAndBadUtf8) {
  EXPECT_EQ(AuditText("HN\x1f" "0123"), "HN%1F0123");
  EXPECT_EQ(AuditText("50%"), "50%25");
  EXPECT_EQ(AuditText("Lê Văn"), "Lê Văn");
  EXPECT_EQ(AuditText("a\xff"), "a%FF");
}

TEST(AuditFieldListTest, ListsNamesWithinTheBound) {
  EXPECT_EQ(AuditFieldList({"ds.a", "ds.b"}), (std::vector<std::string>{"ds.a", "ds.b"}));
  // A name the log would refuse is escaped; the others are kept as they are (no '%' escaped twice).
  EXPECT_EQ(AuditFieldList({"ds.h\x01", "ds.50%"}), (std::vector<std::string>{"ds.h%01", "ds.50%"}));
}

TEST(AuditFieldListTest, CollapsesToDatasetsPastTheBound) {
  std::vector<std::string> names;
  for (int i = 0; i < 300; ++i) names.push_back("wide.f" + std::to_string(i));
  names.push_back("population_registry.ho_ten");
  names.push_back("wide.g");  // a dataset seen before is not listed twice, whatever the order
  EXPECT_EQ(AuditFieldList(names), (std::vector<std::string>{"wide.*", "population_registry.*"}));
}

TEST(AuditFieldListTest, AllPastTheBoundOfDatasets) {
  std::vector<std::string> names;
  for (size_t i = 0; i <= audit::kMaxEntryFields; ++i) names.push_back("d" + std::to_string(i) + ".f");
  EXPECT_EQ(AuditFieldList(names), (std::vector<std::string>{"*"}));
}

audit::Entry ValidEntry() {
  audit::Entry e;
  e.action = "consent.grant";
  e.actor = {"key_1", "", "citizen"};
  e.subject = {"001190000001", "population_registry", "001190000001"};
  e.fields = {"population_registry.ho_ten"};
  e.purpose = "data_subject_access";
  e.legal_basis = "the person's own data";
  e.decision = audit::Decision::kDenied;
  e.reason = "no dataset '50%25'";  // already AuditText: must stay as it is
  e.request_id = "r1";
  return e;
}

TEST(MakeLoggableTest, LeavesAnAcceptableEntryAsItIs) {
  audit::Entry e = ValidEntry();
  ASSERT_TRUE(audit::ValidateEntry(e).ok());
  MakeLoggable(e);
  EXPECT_EQ(e, ValidEntry());
}

TEST(MakeLoggableTest, MakesEveryRefusedPartAcceptable) {
  audit::Entry e = ValidEntry();
  e.subject.record = "HN\x1f" "0123456789";  // a composite key
  e.reason = "no consent 'con_\x01x'" + std::string(5000, 'a');
  e.purpose = "bad\xc3";
  for (int i = 0; i < 300; ++i) e.fields.push_back("wide.f" + std::to_string(i));
  ASSERT_FALSE(audit::ValidateEntry(e).ok());
  MakeLoggable(e);
  EXPECT_TRUE(audit::ValidateEntry(e).ok()) << audit::ValidateEntry(e).ToString();
  EXPECT_EQ(e.subject.record, "HN%1F0123456789");
  EXPECT_EQ(e.reason.rfind("no consent 'con_%01x'aaa", 0), 0u);
  EXPECT_LE(e.reason.size(), audit::kMaxEntryText);
  EXPECT_EQ(e.purpose, "bad%C3");
  EXPECT_EQ(e.fields, (std::vector<std::string>{"population_registry.*", "wide.*"}));
  EXPECT_EQ(e.subject.person_key, "001190000001");  // acceptable parts untouched
}

}  // namespace
}  // namespace ndc::api
