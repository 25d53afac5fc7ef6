#include "policy/decide.h"

#include <gtest/gtest.h>

namespace ndc::policy {
namespace {

constexpr int64_t kDay = 86'400'000'000;
constexpr int64_t kNow = 1767225600000000;  // 2026-01-01

Agreement VssReadsRegistry() {
  Agreement a;
  a.id = "A-1";
  a.version = 3;
  a.consumer_agency = "vss";
  a.grants = {{"population_registry", {"ho_ten", "ngay_sinh", "gioi_tinh"}}};
  a.purposes = {"public_service.social_insurance"};
  a.actions = {Action::kReadPerson, Action::kReadRecord, Action::kVerify};
  a.legal_basis = {"Decree 47/2020/NĐ-CP", "art. 15", false};
  a.form = SharingForm::kOnRequest;
  a.valid_from = kNow - 10 * kDay;
  a.valid_to = kNow + 365 * kDay;
  a.rate_per_minute = 600;
  a.status = AgreementStatus::kActive;
  return a;
}

Request VssRead() {
  Request r;
  r.caller = {CallerKind::kStateAgency, "vss", ""};
  r.action = Action::kReadPerson;
  r.purpose = "public_service.social_insurance";
  r.person_key = "001090000001";
  r.now = kNow;
  return r;
}

Decision DecideWith(const Request& r, const std::vector<Agreement>& a, const std::vector<Consent>& c = {}) {
  return Decide(r, a, c);
}

TEST(Decide, AllowsTheAgreedFieldsOnly) {
  Decision d = DecideWith(VssRead(), {VssReadsRegistry()});
  ASSERT_TRUE(d.allowed) << d.message;
  std::vector<FieldRef> want = {{"population_registry", "gioi_tinh"},
                                {"population_registry", "ho_ten"},
                                {"population_registry", "ngay_sinh"}};
  EXPECT_EQ(d.fields, want);
  EXPECT_EQ(d.agreement_id, "A-1");
  EXPECT_EQ(d.agreement_version, 3);
  EXPECT_EQ(d.legal_basis, "Decree 47/2020/NĐ-CP art. 15");
  EXPECT_EQ(d.rate_per_minute, 600);
  EXPECT_FALSE(d.all_fields);
}

TEST(Decide, NamedFieldsAreServedWhenAgreed) {
  Request r = VssRead();
  r.fields = {{"population_registry", "ngay_sinh"}, {"population_registry", "ngay_sinh"}};
  Decision d = DecideWith(r, {VssReadsRegistry()});
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(d.fields, (std::vector<FieldRef>{{"population_registry", "ngay_sinh"}}));
}

TEST(Decide, AFieldOutsideTheAgreementIsDenied) {
  Request r = VssRead();
  r.fields = {{"population_registry", "ngay_sinh"}, {"population_registry", "ton_giao"}};
  Decision d = DecideWith(r, {VssReadsRegistry()});
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kFieldNotAllowed);
  EXPECT_NE(d.message.find("population_registry.ton_giao"), std::string::npos) << d.message;
  EXPECT_TRUE(d.fields.empty());
}

TEST(Decide, StaffNeverReadPersonalData) {
  Request r = VssRead();
  r.caller = {CallerKind::kStaff, "", ""};
  EXPECT_EQ(DecideWith(r, {VssReadsRegistry()}).reason, Reason::kRoleNotAllowed);
}

TEST(Decide, PurposeIsRequiredAndMustBeKnown) {
  Request r = VssRead();
  r.purpose = "";
  EXPECT_EQ(DecideWith(r, {VssReadsRegistry()}).reason, Reason::kPurposeRequired);
  r.purpose = "curiosity";
  EXPECT_EQ(DecideWith(r, {VssReadsRegistry()}).reason, Reason::kUnknownPurpose);
  r.purpose = "public_service.tax";
  EXPECT_EQ(DecideWith(r, {VssReadsRegistry()}).reason, Reason::kPurposeNotAllowed);
}

TEST(Decide, NoAgreementForThisAgency) {
  Request r = VssRead();
  r.caller.agency_id = "gdt";
  Decision d = DecideWith(r, {VssReadsRegistry()});
  EXPECT_EQ(d.reason, Reason::kNoAgreement);
  EXPECT_NE(d.message.find("gdt"), std::string::npos);
}

TEST(Decide, NamedAgreementMustExist) {
  Request r = VssRead();
  r.agreement_id = "A-9";
  EXPECT_EQ(DecideWith(r, {VssReadsRegistry()}).reason, Reason::kAgreementNotFound);
  r.agreement_id = "A-1";
  EXPECT_TRUE(DecideWith(r, {VssReadsRegistry()}).allowed);
}

TEST(Decide, StatusAndValidityWindow) {
  Agreement a = VssReadsRegistry();
  a.status = AgreementStatus::kSuspended;
  EXPECT_EQ(DecideWith(VssRead(), {a}).reason, Reason::kAgreementNotActive);
  a = VssReadsRegistry();
  a.valid_to = kNow;  // exclusive
  EXPECT_EQ(DecideWith(VssRead(), {a}).reason, Reason::kAgreementExpired);
  a = VssReadsRegistry();
  a.valid_from = kNow + 1;
  EXPECT_EQ(DecideWith(VssRead(), {a}).reason, Reason::kAgreementNotYetValid);
}

TEST(Decide, ActionMustBeGranted) {
  Request r = VssRead();
  r.action = Action::kFind;
  EXPECT_EQ(DecideWith(r, {VssReadsRegistry()}).reason, Reason::kActionNotAllowed);
}

TEST(Decide, RecordReadIsScopedToItsDataset) {
  Agreement a = VssReadsRegistry();
  a.grants.push_back({"tax", {"mst"}});
  Request r = VssRead();
  r.action = Action::kReadRecord;
  r.dataset = "tax";
  Decision d = DecideWith(r, {a});
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(d.fields, (std::vector<FieldRef>{{"tax", "mst"}}));
  r.dataset = "education";
  EXPECT_EQ(DecideWith(r, {a}).reason, Reason::kDatasetNotCovered);
}

TEST(Decide, FeedNeedsTheEventType) {
  Agreement a = VssReadsRegistry();
  a.actions.push_back(Action::kFeed);
  a.feed_events = {"death"};
  Request r = VssRead();
  r.action = Action::kFeed;
  r.person_key = "";
  r.feed_event = "death";
  EXPECT_TRUE(DecideWith(r, {a}).allowed);
  r.feed_event = "birth";
  EXPECT_EQ(DecideWith(r, {a}).reason, Reason::kFeedNotAllowed);
}

// A-0, expired; A-2, for another purpose.
Agreement Expired() {
  Agreement a = VssReadsRegistry();
  a.id = "A-0";
  a.valid_to = kNow - kDay;
  return a;
}
Agreement ForAnotherPurpose() {
  Agreement a = VssReadsRegistry();
  a.id = "A-2";
  a.purposes = {"public_service.tax"};
  return a;
}

TEST(Decide, TheFurthestReasonIsReported) {
  EXPECT_EQ(DecideWith(VssRead(), {Expired(), ForAnotherPurpose()}).reason, Reason::kPurposeNotAllowed);
}

// A refusal names the caller's agreement that gave it the stated purpose — active, valid, listing
// it — when it was refused under that agreement for something else (the audit entry then shows
// the refusal came under it, and a covert purpose's refusal is hidden from the person like its
// reads); no other agreement is named.
TEST(Decide, ARefusalNamesTheAgreementThatListsThePurpose) {
  Request r = VssRead();
  r.fields = {{"population_registry", "noi_thuong_tru"}};  // not granted
  Decision field = DecideWith(r, {VssReadsRegistry()});
  ASSERT_FALSE(field.allowed);
  EXPECT_EQ(field.reason, Reason::kFieldNotAllowed);
  EXPECT_EQ(field.agreement_id, "A-1");
  EXPECT_EQ(field.agreement_version, 3);

  // Not named: one for another purpose, an expired one (it no longer gives the purpose), an
  // open one (it is not the caller's own).
  Decision d = DecideWith(VssRead(), {ForAnotherPurpose(), Expired()});
  EXPECT_EQ(d.reason, Reason::kPurposeNotAllowed);
  EXPECT_EQ(d.agreement_id, "");
  EXPECT_EQ(DecideWith(VssRead(), {Expired()}).agreement_id, "");
  Agreement open = VssReadsRegistry();
  open.consumer_agency = "*";
  open.form = SharingForm::kOpen;
  Request record = r;  // open data serves record reads, never a person's (AnOpenAgreementNamesNoPerson)
  record.action = Action::kReadRecord;
  record.dataset = "population_registry";
  record.dataset_personal = false;  // open data serves no one's records (AnOpenAgreementIsPassedOverForPersonsRecords)
  Decision via_open = DecideWith(record, {open});
  EXPECT_EQ(via_open.reason, Reason::kFieldNotAllowed);
  EXPECT_EQ(via_open.agreement_id, "");
  // With another agreement of the caller's that lists the purpose but not the action: named.
  Agreement no_verify = VssReadsRegistry();
  no_verify.actions = {Action::kReadRecord};
  Decision action = DecideWith(VssRead(), {ForAnotherPurpose(), no_verify});
  EXPECT_EQ(action.reason, Reason::kActionNotAllowed);
  EXPECT_EQ(action.agreement_id, "A-1");
}

TEST(Decide, AmongAllowingAgreementsTheWidestWinsWhateverTheOrder) {
  Agreement narrow = VssReadsRegistry();
  narrow.id = "A-0";
  narrow.grants = {{"population_registry", {"ho_ten"}}};
  Agreement wide = VssReadsRegistry();
  EXPECT_EQ(DecideWith(VssRead(), {narrow, wide}).agreement_id, "A-1");
  EXPECT_EQ(DecideWith(VssRead(), {wide, narrow}).agreement_id, "A-1");
}

TEST(Decide, OpenAgreementServesAnyAgency) {
  Agreement open = VssReadsRegistry();
  open.consumer_agency = "*";
  open.form = SharingForm::kOpen;
  Request r = VssRead();
  r.caller.agency_id = "moet";
  r.action = Action::kReadRecord;  // open data names no person (DecideOpen.AnOpenAgreementNamesNoPerson)
  r.dataset = "population_registry";
  r.dataset_personal = false;  // and serves no one's records (DecideOpen.AnOpenAgreementIsPassedOverForPersonsRecords)
  EXPECT_TRUE(DecideWith(r, {open}).allowed);
  open.form = SharingForm::kDefault;  // "*" means nothing outside the open form
  EXPECT_EQ(DecideWith(r, {open}).reason, Reason::kNoAgreement);
  // Never for a covert purpose (one stored before the store refused it): its reads would be
  // hidden from every person read.
  open.form = SharingForm::kOpen;
  open.purposes.push_back("law_enforcement");
  r.purpose = "law_enforcement";
  EXPECT_EQ(DecideWith(r, {open}).reason, Reason::kNoAgreement);
}

// A consent-based record read of an unlinked (or missing) record is refused exactly as one of a
// linked record whose person gave no consent: the answer must not tell whether a record exists
// and is linked to a person.
TEST(Decide, AnUnlinkedRecordUnderConsentIsRefusedLikeAPersonWithoutConsent) {
  Agreement a = VssReadsRegistry();
  a.legal_basis.consent = true;
  Request linked = VssRead();
  linked.action = Action::kReadRecord;
  linked.dataset = "population_registry";
  Request unlinked = linked;
  unlinked.person_key.clear();
  Decision with_person = DecideWith(linked, {a});
  Decision without = DecideWith(unlinked, {a});
  EXPECT_FALSE(with_person.allowed);
  EXPECT_FALSE(without.allowed);
  EXPECT_EQ(without.reason, with_person.reason);
  EXPECT_EQ(without.message, with_person.message);
}

TEST(Decide, CitizenReadsOnlyTheirOwnData) {
  Request r;
  r.caller = {CallerKind::kCitizen, "", "001090000001"};
  r.action = Action::kReadPerson;
  r.person_key = "001090000001";
  r.now = kNow;
  Decision d = DecideWith(r, {});
  ASSERT_TRUE(d.allowed);
  EXPECT_TRUE(d.all_fields);
  r.person_key = "001090000002";
  EXPECT_EQ(DecideWith(r, {}).reason, Reason::kNotOwnData);
  r.person_key = "001090000001";
  r.action = Action::kVerify;
  EXPECT_EQ(DecideWith(r, {}).reason, Reason::kRoleNotAllowed);
}

}  // namespace
}  // namespace ndc::policy

namespace ndc::policy {
namespace {

TEST(Names, ParseInvertsName) {
  for (Action a : {Action::kReadPerson, Action::kReadRecord, Action::kVerify, Action::kFind, Action::kFeed}) {
    EXPECT_EQ(ParseAction(ActionName(a)), a);
  }
  EXPECT_EQ(ParseSharingForm("on_request"), SharingForm::kOnRequest);
  EXPECT_EQ(ParseAgreementStatus("revoked"), AgreementStatus::kRevoked);
  EXPECT_FALSE(ParseAction("read").has_value());
  EXPECT_FALSE(ParseSharingForm("").has_value());
}

}  // namespace
}  // namespace ndc::policy
