// Consent rules, and a property test: whatever the agreements, consents and request, an allowed
// decision never holds a field that the serving agreement (and consent, when one was needed)
// does not grant, and never holds a field the request did not ask for when it named fields.
#include <random>
#include <set>

#include <gtest/gtest.h>

#include "policy/decide.h"

namespace ndc::policy {
namespace {

constexpr int64_t kDay = 86'400'000'000;
constexpr int64_t kNow = 1767225600000000;

Agreement BankAgreement() {
  Agreement a;
  a.id = "B-1";
  a.consumer_agency = "bank1";
  a.grants = {{"population_registry", {"ho_ten", "ngay_sinh", "dia_chi"}}};
  a.purposes = {"banking.account_opening"};
  a.actions = {Action::kReadPerson, Action::kVerify};
  a.legal_basis = {"", "", true};
  a.valid_from = kNow - kDay;
  a.valid_to = kNow + kDay;
  a.status = AgreementStatus::kActive;
  return a;
}

Consent PersonConsent() {
  Consent c;
  c.id = "c-7";
  c.person_key = "001090000001";
  c.recipient_agency = "bank1";
  c.grants = {{"population_registry", {"ho_ten", "ngay_sinh"}}};
  c.purpose = "banking.account_opening";
  c.valid_from = kNow - kDay;
  c.valid_to = kNow + kDay;
  c.max_uses = 2;
  return c;
}

Request BankRead() {
  Request r;
  r.caller = {CallerKind::kNonStateAgency, "bank1", ""};
  r.action = Action::kReadPerson;
  r.purpose = "banking.account_opening";
  r.person_key = "001090000001";
  r.now = kNow;
  return r;
}

// With no consent serving, the refusal names the consent nearest to serving: one in force that
// only rests (its frequency) before an old revoked one listed after it, and an expired one before a
// revoked one, whatever their order (review of 2026-12-01: the last one looked at won, and a caller
// whose consent had to rest an hour was told it was revoked).
TEST(DecideConsent, TheRefusalNamesTheConsentNearestToServing) {
  std::vector<Agreement> a = {BankAgreement()};
  Consent resting = PersonConsent();
  resting.max_uses = 0;
  resting.frequency_max = 1;
  resting.frequency_period = kDay;
  resting.period_start = kNow - 1'000'000;
  resting.period_uses = 1;
  Consent revoked = PersonConsent();
  revoked.id = "c-old";
  revoked.revoked_at = kNow - kDay / 2;
  Consent expired = PersonConsent();
  expired.id = "c-past";
  expired.valid_to = kNow - 1;
  const std::vector<Consent> live_first = {resting, revoked};
  Decision d = Decide(BankRead(), a, live_first);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kConsentExhausted) << d.message;
  EXPECT_NE(d.message.find("the next is possible"), std::string::npos) << d.message;
  for (const std::vector<Consent>& order : {std::vector<Consent>{revoked, expired}, std::vector<Consent>{expired, revoked}}) {
    Decision e = Decide(BankRead(), a, order);
    EXPECT_EQ(e.reason, Reason::kConsentExpired) << e.message;
  }
}

TEST(DecideConsent, FieldsAreTheAgreementAndConsentIntersection) {
  std::vector<Agreement> a = {BankAgreement()};
  std::vector<Consent> c = {PersonConsent()};
  Decision d = Decide(BankRead(), a, c);
  ASSERT_TRUE(d.allowed) << d.message;
  EXPECT_EQ(d.consent_id, "c-7");
  EXPECT_EQ(d.legal_basis, "consent c-7");
  EXPECT_EQ(d.fields, (std::vector<FieldRef>{{"population_registry", "ho_ten"}, {"population_registry", "ngay_sinh"}}));
  Request r = BankRead();
  r.fields = {{"population_registry", "dia_chi"}};  // agreed, but not consented
  EXPECT_EQ(Decide(r, a, c).reason, Reason::kFieldNotAllowed);
}

// A consent that shares no field with the agreement allows nothing: the read would disclose no
// value, yet confirm the record and spend a use. A second consent that does overlap still serves.
TEST(DecideConsent, AConsentSharingNoFieldWithTheAgreementAllowsNothing) {
  std::vector<Agreement> a = {BankAgreement()};
  Consent other = PersonConsent();
  other.grants = {{"population_registry", {"gioi_tinh"}}};
  Decision d = Decide(BankRead(), a, std::vector<Consent>{other});
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.reason, Reason::kFieldNotAllowed);
  EXPECT_NE(d.message.find("covers none of the fields"), std::string::npos) << d.message;
  Request record = BankRead();
  record.action = Action::kReadRecord;
  record.dataset = "population_registry";
  std::vector<Agreement> records = {BankAgreement()};
  records[0].actions.push_back(Action::kReadRecord);
  EXPECT_FALSE(Decide(record, records, std::vector<Consent>{other}).allowed);
  Consent overlapping = PersonConsent();
  overlapping.id = "c-8";
  d = Decide(BankRead(), a, std::vector<Consent>{other, overlapping});
  ASSERT_TRUE(d.allowed) << d.message;
  EXPECT_EQ(d.consent_id, "c-8");
}

TEST(DecideConsent, MissingRevokedExpiredOrUsedUpConsentDenies) {
  std::vector<Agreement> a = {BankAgreement()};
  EXPECT_EQ(Decide(BankRead(), a, {}).reason, Reason::kConsentRequired);
  Consent c = PersonConsent();
  c.revoked_at = kNow - 1;
  EXPECT_EQ(Decide(BankRead(), a, std::vector<Consent>{c}).reason, Reason::kConsentRevoked);
  c = PersonConsent();
  c.valid_to = kNow;
  EXPECT_EQ(Decide(BankRead(), a, std::vector<Consent>{c}).reason, Reason::kConsentExpired);
  c = PersonConsent();
  c.uses = 2;
  EXPECT_EQ(Decide(BankRead(), a, std::vector<Consent>{c}).reason, Reason::kConsentExhausted);
  c = PersonConsent();
  c.person_key = "001090000002";  // someone else's consent
  EXPECT_EQ(Decide(BankRead(), a, std::vector<Consent>{c}).reason, Reason::kConsentRequired);
}

// A record read names a record, not a person: whatever the consents of the record's person say,
// the answer is the one an unlinked record gets, and only the audit detail keeps what they said
// (review of 2026-12-02: "consent 'c-7' was revoked" told a bank that the record it named was the
// person's who had consented to it). A person read names the person and is told.
TEST(DecideConsent, ARecordReadIsNotToldWhatThePersonsConsentsSay) {
  std::vector<Agreement> a = {BankAgreement()};
  a[0].actions.push_back(Action::kReadRecord);
  Request record = BankRead();
  record.action = Action::kReadRecord;
  record.dataset = "population_registry";
  Request unlinked = record;
  unlinked.person_key.clear();
  const Decision none = Decide(unlinked, a, {});
  ASSERT_EQ(none.reason, Reason::kConsentRequired) << none.message;
  EXPECT_TRUE(none.audit_detail.empty()) << none.audit_detail;
  std::vector<std::pair<Consent, std::string>> cases;
  Consent c = PersonConsent();
  c.revoked_at = kNow - 1;
  cases.emplace_back(c, "consent_revoked: consent 'c-7' was revoked");
  c = PersonConsent();
  c.valid_to = kNow;
  cases.emplace_back(c, "consent_expired: consent 'c-7'");
  c = PersonConsent();
  c.uses = 2;
  cases.emplace_back(c, "consent_exhausted: consent 'c-7'");
  c = PersonConsent();
  c.grants = {{"population_registry", {"gioi_tinh"}}};
  cases.emplace_back(c, "field_not_allowed: consent 'c-7' covers none");
  for (const auto& [consent, said] : cases) {
    const Decision d = Decide(record, a, std::vector<Consent>{consent});
    EXPECT_FALSE(d.allowed) << said;
    EXPECT_EQ(d.reason, none.reason) << said;
    EXPECT_EQ(d.message, none.message) << said;
    EXPECT_TRUE(d.audit_detail.starts_with(said)) << d.audit_detail;
  }
  const Decision person = Decide(BankRead(), a, std::vector<Consent>{cases[0].first});
  EXPECT_EQ(person.reason, Reason::kConsentRevoked) << person.message;
  EXPECT_TRUE(person.audit_detail.empty()) << person.audit_detail;
  // A consent that serves the record read still does.
  EXPECT_TRUE(Decide(record, a, std::vector<Consent>{PersonConsent()}).allowed);
}

// A record read under consent takes the rate of the same agreement whether the person's consents
// serve it or not: the first (by id) that reached the consent check. A served read took the
// widest agreement's bucket and a refusal the first one's, so once one bucket was empty the
// answers told consented keys from others (review of 2026-12-02).
TEST(DecideConsent, ARecordReadTakesTheSameRateWhateverTheConsentsSay) {
  Agreement narrow = BankAgreement();
  narrow.id = "B-0";
  narrow.grants = {{"population_registry", {"ho_ten"}}};
  narrow.actions = {Action::kReadRecord};
  narrow.rate_per_minute = 5;
  Agreement wide = BankAgreement();
  wide.actions = {Action::kReadRecord};
  wide.rate_per_minute = 100;
  std::vector<Agreement> a = {wide, narrow};
  Request record = BankRead();
  record.action = Action::kReadRecord;
  record.dataset = "population_registry";
  const Decision served = Decide(record, a, std::vector<Consent>{PersonConsent()});
  ASSERT_TRUE(served.allowed) << served.message;
  EXPECT_EQ(served.agreement_id, "B-1") << "served under the widest";
  EXPECT_EQ(served.fields.size(), 2u);
  const Decision refused = Decide(record, a, {});
  ASSERT_FALSE(refused.allowed);
  EXPECT_EQ(refused.agreement_id, "B-0");
  const std::string& served_bucket = served.rate_agreement_id.empty() ? served.agreement_id : served.rate_agreement_id;
  const std::string& refused_bucket =
      refused.rate_agreement_id.empty() ? refused.agreement_id : refused.rate_agreement_id;
  EXPECT_EQ(served_bucket, refused_bucket);
  EXPECT_EQ(served.rate_per_minute, refused.rate_per_minute);
  EXPECT_EQ(served.rate_per_minute, 5);
  // A person read names the person and is told of its consents: it keeps its agreement's rate.
  for (Agreement& x : a) x.actions.push_back(Action::kReadPerson);
  const Decision person = Decide(BankRead(), a, std::vector<Consent>{PersonConsent()});
  ASSERT_TRUE(person.allowed) << person.message;
  EXPECT_TRUE(person.rate_agreement_id.empty());
  EXPECT_EQ(person.rate_per_minute, 100);
}

// An open agreement stored before AgreementStore refused person-keyed actions under the open form
// serves none of them (review of 2026-12-02); its record reads and record-change feeds stand.
TEST(DecideOpen, AnOpenAgreementNamesNoPerson) {
  Agreement open = BankAgreement();
  open.consumer_agency = "*";
  open.form = SharingForm::kOpen;
  open.legal_basis.consent = false;
  open.actions = {Action::kReadPerson, Action::kReadRecord, Action::kVerify, Action::kFind, Action::kFeed};
  open.feed_events = {"birth", "record_change"};
  const std::vector<Agreement> a = {open};
  Request r = BankRead();
  r.caller = {CallerKind::kStateAgency, "vss", ""};
  for (Action action : {Action::kReadPerson, Action::kVerify, Action::kFind}) {
    r.action = action;
    const Decision d = Decide(r, a, {});
    EXPECT_EQ(d.reason, Reason::kActionNotAllowed) << ActionName(action) << ": " << d.message;
    EXPECT_NE(d.message.find("is open data"), std::string::npos) << d.message;
  }
  r.action = Action::kFeed;
  r.person_key.clear();
  r.dataset = "population_registry";
  r.feed_event = "birth";
  EXPECT_EQ(Decide(r, a, {}).reason, Reason::kActionNotAllowed);
  r.feed_event = "record_change";
  r.dataset_personal = false;
  EXPECT_TRUE(Decide(r, a, {}).allowed) << Decide(r, a, {}).message;
  r = BankRead();
  r.caller = {CallerKind::kStateAgency, "vss", ""};
  r.action = Action::kReadRecord;
  r.dataset = "population_registry";
  r.dataset_personal = false;
  EXPECT_TRUE(Decide(r, a, {}).allowed) << Decide(r, a, {}).message;
}

// Open data is no one's: an open agreement stored before it was kept to datasets whose records
// are no one's is passed over for a dataset whose records are persons' — before its checks, so
// that it is neither served nor refused under. Refused after them (2026-12-02), a consented key
// served under it (the widest agreement) was refused otherwise than other keys.
TEST(DecideOpen, AnOpenAgreementIsPassedOverForPersonsRecords) {
  Agreement open = BankAgreement();
  open.id = "A-open";  // first by id, and wider than the bank's own
  open.consumer_agency = "*";
  open.form = SharingForm::kOpen;
  open.actions = {Action::kReadRecord};
  open.grants = {{"population_registry", {"ho_ten", "ngay_sinh", "dia_chi", "gioi_tinh"}}};
  Agreement own = BankAgreement();
  own.actions = {Action::kReadRecord};
  Consent consent = PersonConsent();
  consent.grants = open.grants;
  const std::vector<Agreement> a = {open, own};
  Request r = BankRead();
  r.action = Action::kReadRecord;
  r.dataset = "population_registry";
  ASSERT_TRUE(r.dataset_personal) << "personal unless the caller knows otherwise";
  const Decision consented = Decide(r, a, std::vector<Consent>{consent});
  ASSERT_TRUE(consented.allowed) << consented.message;
  EXPECT_EQ(consented.agreement_id, "B-1");
  const Decision none = Decide(r, a, {});
  EXPECT_EQ(none.reason, Reason::kConsentRequired) << none.message;
  EXPECT_EQ(none.agreement_id, "B-1");
  EXPECT_TRUE(none.rate_agreement_id.empty() && consented.rate_agreement_id.empty());
  r.agreement_id = "A-open";
  const Decision named = Decide(r, a, std::vector<Consent>{consent});
  EXPECT_EQ(named.reason, Reason::kActionNotAllowed) << named.message;
  EXPECT_NE(named.message.find("is open data"), std::string::npos) << named.message;
  // Told the dataset is no one's, the open agreement serves (the widest).
  r.agreement_id.clear();
  r.dataset_personal = false;
  const Decision open_data = Decide(r, a, std::vector<Consent>{consent});
  ASSERT_TRUE(open_data.allowed) << open_data.message;
  EXPECT_EQ(open_data.agreement_id, "A-open");
}

// A frequency's uses made in the open window refuse, saying when the next one is possible; once
// the window closed, the consent serves again.
TEST(DecideConsent, AConsentsFrequencyIsKept) {
  std::vector<Agreement> a = {BankAgreement()};
  Consent c = PersonConsent();
  c.max_uses = 0;
  c.frequency_max = 3;
  c.frequency_period = kDay;
  c.period_start = kNow - kDay / 2;
  c.period_uses = 3;
  Decision d = Decide(BankRead(), a, std::vector<Consent>{c});
  EXPECT_EQ(d.reason, Reason::kConsentExhausted);
  EXPECT_NE(d.message.find("allows 3 uses per day, all made; the next is possible 43200 s from now"), std::string::npos)
      << d.message;
  c.period_uses = 2;
  EXPECT_TRUE(Decide(BankRead(), a, std::vector<Consent>{c}).allowed);
  c.period_uses = 3;
  c.period_start = kNow - kDay;  // the window has closed
  EXPECT_TRUE(Decide(BankRead(), a, std::vector<Consent>{c}).allowed);
  EXPECT_EQ(ParseFrequencyPeriod("week"), 7 * kDay);
  EXPECT_EQ(ParseFrequencyPeriod("fortnight"), std::nullopt);
  EXPECT_EQ(FrequencyPeriodName(30 * kDay), "month");
  EXPECT_EQ(FrequencyPeriodName(90'000'000), "90 s");
}

TEST(DecideConsent, NonStateRecipientNeedsConsentEvenUnderAStatutoryBasis) {
  Agreement a = BankAgreement();
  a.legal_basis = {"Law 91/2025/QH15", "art. 19", false};
  EXPECT_EQ(Decide(BankRead(), std::vector<Agreement>{a}, {}).reason, Reason::kConsentRequired);
}

TEST(DecideConsent, FindNamesNoPersonSoConsentCannotServeIt) {
  Agreement a = BankAgreement();
  a.actions.push_back(Action::kFind);
  Request r = BankRead();
  r.action = Action::kFind;
  r.person_key.clear();
  Decision d = Decide(r, std::vector<Agreement>{a}, std::vector<Consent>{PersonConsent()});
  EXPECT_EQ(d.reason, Reason::kConsentRequired);
}

// --- property test ---

const std::vector<std::string> kDatasets = {"population_registry", "tax", "education"};
const std::vector<std::string> kFields = {"a", "b", "c", "d", "e"};
const std::vector<std::string> kPurposes = {"public_service.tax", "public_service.education",
                                            "banking.account_opening", "no_such_purpose"};
const std::vector<std::string> kAgencies = {"gdt", "moet", "bank1"};
const std::vector<std::string> kFeedEvents = {"death", "birth", "record_change"};

template <typename T>
const T& Pick(std::mt19937_64& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
}

std::vector<FieldGrant> RandomGrants(std::mt19937_64& rng) {
  std::vector<FieldGrant> grants;
  for (const std::string& ds : kDatasets) {
    if (rng() % 2) continue;
    FieldGrant g{ds, {}};
    for (const std::string& f : kFields) {
      if (rng() % 2) g.fields.push_back(f);
    }
    grants.push_back(g);
  }
  return grants;
}

Agreement RandomAgreement(std::mt19937_64& rng, int i) {
  Agreement a;
  a.id = "A-" + std::to_string(i);
  a.consumer_agency = rng() % 8 == 0 ? "*" : Pick(rng, kAgencies);
  a.form = static_cast<SharingForm>(rng() % 3);
  a.grants = RandomGrants(rng);
  a.purposes = {Pick(rng, kPurposes), Pick(rng, kPurposes)};
  for (int k = 0; k < 5; ++k) {
    if (rng() % 2) a.actions.push_back(static_cast<Action>(k));
  }
  a.feed_events = {Pick(rng, kFeedEvents)};
  a.legal_basis.consent = rng() % 3 == 0;
  a.valid_from = kNow - static_cast<int64_t>(rng() % 3) * kDay;
  a.valid_to = kNow + (static_cast<int64_t>(rng() % 3) - 1) * kDay;
  a.status = rng() % 4 == 0 ? AgreementStatus::kSuspended : AgreementStatus::kActive;
  a.rate_per_minute = 60 * (1 + i);
  return a;
}

Consent RandomConsent(std::mt19937_64& rng, int i) {
  Consent c;
  c.id = "c-" + std::to_string(i);
  c.person_key = rng() % 2 ? "P1" : "P2";
  c.recipient_agency = Pick(rng, kAgencies);
  c.grants = RandomGrants(rng);
  c.purpose = Pick(rng, kPurposes);
  c.valid_from = kNow - kDay;
  c.valid_to = kNow + (rng() % 4 == 0 ? 0 : kDay);
  if (rng() % 5 == 0) c.revoked_at = kNow - 1;
  c.max_uses = static_cast<int64_t>(rng() % 3);
  c.uses = static_cast<int64_t>(rng() % 3);
  return c;
}

Request RandomRequest(std::mt19937_64& rng) {
  Request r;
  r.caller.kind = static_cast<CallerKind>(rng() % 4);
  r.caller.agency_id = Pick(rng, kAgencies);
  r.caller.person_key = "P1";
  r.action = static_cast<Action>(rng() % 5);
  r.purpose = Pick(rng, kPurposes);
  r.person_key = rng() % 5 == 0 ? "" : (rng() % 2 ? "P1" : "P2");
  r.dataset = Pick(rng, kDatasets);
  r.feed_event = Pick(rng, kFeedEvents);
  r.dataset_personal = rng() % 2 == 0;
  if (rng() % 2) {
    for (int k = 0; k < 3; ++k) r.fields.push_back({Pick(rng, kDatasets), Pick(rng, kFields)});
  }
  r.now = kNow;
  return r;
}

std::set<FieldRef> Granted(const std::vector<FieldGrant>& grants) {
  auto v = GrantedFields(grants);
  return {v.begin(), v.end()};
}

// The rate bucket a decision takes in the gate (ApiService::DecideAccess).
std::string Bucket(const Decision& d) { return d.rate_agreement_id.empty() ? d.agreement_id : d.rate_agreement_id; }

TEST(DecideProperty, NoDecisionEverGrantsAFieldOutsideItsAgreementOrConsent) {
  std::mt19937_64 rng(20261128);
  int allowed = 0, denied = 0;
  for (int round = 0; round < 20000; ++round) {
    std::vector<Agreement> agreements;
    for (int i = 0, n = static_cast<int>(rng() % 4); i < n; ++i) agreements.push_back(RandomAgreement(rng, i));
    std::vector<Consent> consents;
    for (int i = 0, n = static_cast<int>(rng() % 3); i < n; ++i) consents.push_back(RandomConsent(rng, i));
    Request r = RandomRequest(rng);
    Decision d = Decide(r, agreements, consents);
    if (!d.allowed) {
      ++denied;
      EXPECT_NE(d.reason, Reason::kNone);
      // A record read is not told what its person's consents say (the audit detail is).
      if (r.action == Action::kReadRecord) {
        EXPECT_NE(d.reason, Reason::kConsentRevoked);
        EXPECT_NE(d.reason, Reason::kConsentExpired);
        EXPECT_NE(d.reason, Reason::kConsentExhausted);
      }
      EXPECT_TRUE(d.fields.empty());
      EXPECT_FALSE(d.message.empty());
      continue;
    }
    ++allowed;
    std::set<FieldRef> asked(r.fields.begin(), r.fields.end());
    if (!r.fields.empty()) {
      for (const FieldRef& f : d.fields) EXPECT_TRUE(asked.count(f)) << f.dataset << "." << f.field;
    }
    if (r.caller.kind == CallerKind::kCitizen) {
      EXPECT_EQ(r.person_key, r.caller.person_key);
      continue;
    }
    ASSERT_NE(r.caller.kind, CallerKind::kStaff);
    const Agreement* served = nullptr;
    for (const Agreement& a : agreements) {
      if (a.id == d.agreement_id) served = &a;
    }
    ASSERT_NE(served, nullptr);
    EXPECT_EQ(served->status, AgreementStatus::kActive);
    EXPECT_TRUE(served->consumer_agency == r.caller.agency_id || served->form == SharingForm::kOpen);
    if (served->form == SharingForm::kOpen) {  // open data names no person, and serves no one's records
      EXPECT_FALSE(r.dataset_personal);
      EXPECT_TRUE(r.action == Action::kReadRecord || (r.action == Action::kFeed && r.feed_event == "record_change"))
          << ActionName(r.action) << " " << r.feed_event;
    }
    // Only a record read under consent takes another agreement's rate, and that one's own.
    if (!d.rate_agreement_id.empty()) {
      EXPECT_EQ(r.action, Action::kReadRecord);
      EXPECT_FALSE(d.consent_id.empty());
      const Agreement* rate = nullptr;
      for (const Agreement& a : agreements) {
        if (a.id == d.rate_agreement_id) rate = &a;
      }
      ASSERT_NE(rate, nullptr);
      EXPECT_LT(rate->id, d.agreement_id) << "the first that reached the consents";
      EXPECT_EQ(rate->rate_per_minute, d.rate_per_minute);
    }
    std::set<FieldRef> allowed_fields = Granted(served->grants);
    bool consent_needed = served->legal_basis.consent || r.caller.kind == CallerKind::kNonStateAgency;
    EXPECT_EQ(consent_needed, !d.consent_id.empty());
    const Consent* consent = nullptr;
    for (const Consent& c : consents) {
      if (c.id == d.consent_id) consent = &c;
    }
    if (consent_needed) {
      ASSERT_NE(consent, nullptr);
      EXPECT_EQ(consent->person_key, r.person_key);
      EXPECT_EQ(consent->recipient_agency, r.caller.agency_id);
      EXPECT_FALSE(consent->revoked_at.has_value());
    }
    for (const FieldRef& f : d.fields) {
      EXPECT_TRUE(allowed_fields.count(f)) << "outside agreement: " << f.dataset << "." << f.field;
      if (consent) {
        EXPECT_TRUE(Granted(consent->grants).count(f)) << "outside consent: " << f.dataset << "." << f.field;
      }
      if (r.action == Action::kReadRecord) {
        EXPECT_EQ(f.dataset, r.dataset);
      }
    }
  }
  // The generator must exercise both outcomes, or the property says nothing.
  EXPECT_GT(allowed, 500);
  EXPECT_GT(denied, 5000);

}

}  // namespace

// Record reads by one agency about one person, under random agreements (its own and open ones)
// and random consents of that person to it: a read served under a consent spends the same rate
// bucket, at the same rate, as the same read refused for want of one — so an emptied bucket tells
// no consented key from another (review of 2026-12-02).
TEST(DecideProperty, ARecordReadsRateBucketDoesNotDependOnConsents) {
  std::mt19937_64 rng(20261202);
  int paired = 0, served_wider = 0;
  for (int round = 0; round < 100000; ++round) {
    std::vector<Agreement> agreements;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 3); i < n; ++i) {
      Agreement a = RandomAgreement(rng, i);
      a.consumer_agency = rng() % 4 == 0 ? "*" : "bank1";
      if (a.consumer_agency == "*") a.form = SharingForm::kOpen;
      a.purposes = {"banking.account_opening"};
      a.actions = {Action::kReadRecord};
      agreements.push_back(std::move(a));
    }
    std::vector<Consent> consents;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 2); i < n; ++i) {
      Consent c = RandomConsent(rng, i);
      c.person_key = "P1";
      c.recipient_agency = "bank1";
      c.purpose = "banking.account_opening";
      consents.push_back(std::move(c));
    }
    Request r = RandomRequest(rng);
    r.caller = {rng() % 2 ? CallerKind::kStateAgency : CallerKind::kNonStateAgency, "bank1", ""};
    r.action = Action::kReadRecord;
    r.purpose = "banking.account_opening";
    r.person_key = "P1";
    const Decision d = Decide(r, agreements, consents);
    if (!d.allowed || d.consent_id.empty()) continue;
    const Decision none = Decide(r, agreements, {});
    if (none.allowed || none.reason != Reason::kConsentRequired) continue;
    ++paired;
    served_wider += !d.rate_agreement_id.empty();
    EXPECT_EQ(Bucket(d), Bucket(none)) << d.agreement_id << " / " << none.agreement_id;
    EXPECT_FALSE(Bucket(none).empty()) << "the refusal takes a token";
    EXPECT_EQ(d.rate_per_minute, none.rate_per_minute);
  }
  // The generator must reach both cases, or the property says little.
  EXPECT_GT(paired, 1000);
  EXPECT_GT(served_wider, 25) << "reads served under another agreement than the first";
}

// Random open agreements and random requests: whatever an open agreement lists, it serves only
// what names no person — a record read, or a record_change feed.
TEST(DecideProperty, OpenDataNamesNoPerson) {
  std::mt19937_64 rng(20261203);
  int served = 0;
  for (int round = 0; round < 40000; ++round) {
    std::vector<Agreement> agreements;
    for (int i = 0, n = 1 + static_cast<int>(rng() % 2); i < n; ++i) {
      Agreement a = RandomAgreement(rng, i);
      a.consumer_agency = "*";
      a.form = SharingForm::kOpen;
      a.status = AgreementStatus::kActive;
      a.valid_to = kNow + kDay;
      a.feed_events = {Pick(rng, kFeedEvents), Pick(rng, kFeedEvents)};
      agreements.push_back(std::move(a));
    }
    std::vector<Consent> consents;
    for (int i = 0, n = static_cast<int>(rng() % 3); i < n; ++i) consents.push_back(RandomConsent(rng, i));
    Request r = RandomRequest(rng);
    if (r.caller.kind == CallerKind::kCitizen || r.caller.kind == CallerKind::kStaff) {
      r.caller.kind = CallerKind::kStateAgency;
    }
    const Decision d = Decide(r, agreements, consents);
    if (!d.allowed) continue;
    ++served;
    EXPECT_FALSE(r.dataset_personal);
    EXPECT_TRUE(r.action == Action::kReadRecord || (r.action == Action::kFeed && r.feed_event == "record_change"))
        << ActionName(r.action) << " " << r.feed_event;
  }
  EXPECT_GT(served, 100);
}

}  // namespace ndc::policy
