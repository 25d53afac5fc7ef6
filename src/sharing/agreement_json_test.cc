#include "sharing/agreement_json.h"

#include <gtest/gtest.h>

#include "common/json.h"

namespace ndc::sharing {
namespace {

nlohmann::json Doc() {
  return *ParseJson(R"({
    "id": "vss-registry", "title": "VSS reads the registry", "consumer": "vss",
    "grants": {"population_registry": ["ho_ten", "ngay_sinh"]},
    "purposes": ["public_service.social_insurance"], "actions": ["read_person", "verify", "feed"],
    "feeds": ["death"], "legal_basis": {"instrument": "Decree 47/2020/NĐ-CP", "article": "art. 15"},
    "form": "on_request", "retention_days": 30, "deletion_duty": "delete after the decision",
    "valid_from": "2026-01-01", "valid_to": "2027-01-01T00:00:00Z", "rate_per_minute": 600, "status": "active"})");
}

std::string Error(nlohmann::json doc) {
  auto r = AgreementFromJson(doc);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.status().message();
}

TEST(AgreementJson, ReadsEveryMember) {
  auto r = AgreementFromJson(Doc());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const policy::Agreement& a = r->agreement;
  EXPECT_EQ(a.id, "vss-registry");
  EXPECT_EQ(a.consumer_agency, "vss");
  ASSERT_EQ(a.grants.size(), 1u);
  EXPECT_EQ(a.grants[0].fields, (std::vector<std::string>{"ho_ten", "ngay_sinh"}));
  EXPECT_EQ(a.actions, (std::vector<policy::Action>{policy::Action::kReadPerson, policy::Action::kVerify,
                                                     policy::Action::kFeed}));
  EXPECT_EQ(a.legal_basis.article, "art. 15");
  EXPECT_EQ(a.valid_from, 1767225600000000);
  EXPECT_EQ(a.valid_to, 1767225600000000 + int64_t{365} * 86400 * 1000000);
  EXPECT_EQ(a.status, policy::AgreementStatus::kActive);
  EXPECT_EQ(a.retention_days, 30);
}

TEST(AgreementJson, RoundTrips) {
  auto r = AgreementFromJson(Doc());
  ASSERT_TRUE(r.ok());
  r->agreement.version = 4;
  auto again = AgreementFromJson(AgreementToJson(*r));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->agreement.version, 1);  // the version is the store's, not the document's
  EXPECT_EQ(again->read_version, 4);        // the document says which version it was read at
  again->agreement.version = 4;
  EXPECT_EQ(AgreementToJson(*again).dump(), AgreementToJson(*r).dump());
}

TEST(AgreementJson, ErrorsNameTheMember) {
  auto d = Doc();
  d["colour"] = "red";
  EXPECT_EQ(Error(d), "agreement.colour: is not a member of an agreement (see docs/design/sharing.md)");
  d = Doc();
  d["grants"] = nlohmann::json::object();
  EXPECT_NE(Error(d).find("agreement.grants: is required"), std::string::npos);
  d = Doc();
  d["grants"]["tax"] = nlohmann::json::array();
  EXPECT_EQ(Error(d), "agreement.tax: must not be empty");
  d = Doc();
  d["actions"][1] = "peek";
  EXPECT_NE(Error(d).find("agreement.actions[1]: unknown action 'peek'"), std::string::npos);
  d = Doc();
  d["valid_to"] = "2025-01-01";
  EXPECT_EQ(Error(d), "agreement.valid_to: must be after valid_from");
  d = Doc();
  d["legal_basis"] = {{"article", "art. 1"}};
  EXPECT_NE(Error(d).find("agreement.legal_basis: name the legal instrument"), std::string::npos);
  d = Doc();
  d["feeds"] = nlohmann::json::array();
  EXPECT_EQ(Error(d), "agreement.feeds: list the event types exactly when the actions include 'feed'");
  d = Doc();
  d["version"] = "4";
  EXPECT_EQ(Error(d), "agreement.version: must be the positive version number the document was read at");
  d["version"] = 0;
  EXPECT_EQ(Error(d), "agreement.version: must be the positive version number the document was read at");
  d = Doc();
  d["consumer"] = "*";
  EXPECT_EQ(Error(d), "agreement.consumer: '*' (every agency) is only for the open form");
  d = Doc();
  d["id"] = "Robert'); DROP TABLE agreements;--";
  EXPECT_NE(Error(d).find("agreement.id: must be a lower-case code"), std::string::npos);
  d = Doc();
  d["rate_per_minute"] = -1;
  EXPECT_NE(Error(d).find("agreement.rate_per_minute: must be between 0"), std::string::npos);
}

}  // namespace
}  // namespace ndc::sharing
