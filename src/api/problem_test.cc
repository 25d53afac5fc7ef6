#include "api/problem.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace ndc::api {
namespace {

TEST(Problem, HasRfc9457Members) {
  Request req;
  req.path = "/v1/datasets/x";
  req.request_id = "abc";
  Response r = ProblemFromStatus(NotFoundError("dataset 'x' does not exist"), req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.content_type, "application/problem+json");
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["type"], "urn:ndc:problem:not-found");
  EXPECT_EQ(j["title"], "Not found");
  EXPECT_EQ(j["status"], 404);
  EXPECT_EQ(j["detail"], "dataset 'x' does not exist");
  EXPECT_EQ(j["code"], "NOT_FOUND");
  EXPECT_EQ(j["instance"], "/v1/datasets/x");
  EXPECT_EQ(j["request_id"], "abc");
}

TEST(Problem, UnauthenticatedCarriesChallenge) {
  Response r = ProblemFromStatus(UnauthenticatedError("no key"), Request{});
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].first, "WWW-Authenticate");
}

TEST(Problem, InternalDetailIsNotLeaked) {
  Request req;
  req.request_id = "r1";
  Response r = ProblemFromStatus(InternalError("postgresql: relation secret_table does not exist"), req);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("secret_table"), std::string::npos);
  EXPECT_NE(r.body.find("r1"), std::string::npos);
}

// A refusal that quotes the caller's text is not taken for a driver's error, whatever the text
// says; and the path it echoes is bounded (review of 2026-11-30).
TEST(Problem, ACallersTextIsNeverTakenForTheDrivers) {
  Request req;
  req.request_id = "r2";
  req.path = "/v1/datasets/" + std::string(15000, 'a');
  Response r = ProblemFromStatus(UnauthenticatedError("unknown API key id 'sqlite: ab'"), req);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body.find("unknown API key id 'sqlite: ab'"), std::string::npos) << r.body;
  EXPECT_LT(r.body.size(), 5000u);
  r = ProblemFromStatus(NotFoundError("no dataset 'postgresql: x'"), req);
  EXPECT_NE(r.body.find("no dataset 'postgresql: x'"), std::string::npos) << r.body;
  // A store's text in a client error stays hidden, also a store's own refusal (a connection the
  // server refused), with or without a context before it.
  r = ProblemFromStatus(FailedPreconditionError("sqlite: FOREIGN KEY constraint failed"), req);
  EXPECT_EQ(r.body.find("FOREIGN KEY"), std::string::npos) << r.body;
  r = ProblemFromStatus(UnauthenticatedError("postgresql: cannot connect: FATAL: password authentication failed"), req);
  EXPECT_EQ(r.body.find("password authentication"), std::string::npos) << r.body;
  r = ProblemFromStatus(NotFoundError("postgresql: cannot connect: FATAL: database \"hub\" does not exist"), req);
  EXPECT_EQ(r.body.find("does not exist"), std::string::npos) << r.body;
  r = ProblemFromStatus(NotFoundError("body.dataset: no dataset 'x: sqlite: y'"), req);  // the caller's text
  EXPECT_NE(r.body.find("no dataset 'x: sqlite: y'"), std::string::npos) << r.body;
}

// A lock held too long by another change (SQLite's busy timeout, a PostgreSQL lock timeout) is
// 409 ABORTED: nothing was made, and the client is told to retry, with Retry-After, in words it
// can act on rather than the driver's (review of 2026-11-30: a batch upload blocked other writes
// for 5 s and they got "conflicts with stored data").
// The store's own failures carry its driver's text whatever their code; a refusal that quotes the
// caller's text does not count unless it leads with the driver (routes_citizen.cc's IsRefusal:
// a read-only SQLite file was audited as the person's refused consent, review of 2026-12-02).
TEST(Problem, DriverTextMarksTheStoresOwnFailures) {
  EXPECT_TRUE(CarriesDriverText(FailedPreconditionError("storing the consent: sqlite: attempt to write a readonly "
                                                        "database [8]")));
  EXPECT_TRUE(CarriesDriverText(ResourceExhaustedError("postgresql: could not extend file")));
  EXPECT_TRUE(CarriesDriverText(NotFoundError("sqlite: unable to open database file [14]")));
  EXPECT_FALSE(CarriesDriverText(NotFoundError("you have no consent 'sqlite: x'")));
  EXPECT_FALSE(CarriesDriverText(FailedPreconditionError("consent 'con_1' was already revoked at 2026-12-02")));
  EXPECT_FALSE(CarriesDriverText(InvalidArgumentError("body.recipient: no agency 'bank_y'")));
}

TEST(Problem, AbortedSaysRetryWithRetryAfter) {
  Request req;
  req.request_id = "r9";
  Response r = ProblemFromStatus(AbortedError("sqlite: database is locked [5]"), req);
  EXPECT_EQ(r.status, 409);
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0], (std::pair<std::string, std::string>{"Retry-After", "1"}));
  EXPECT_EQ(r.body.find("database is locked"), std::string::npos);
  EXPECT_NE(r.body.find("held the store's lock for too long, so this one was not made; retry"), std::string::npos)
      << r.body;
}

// A change that was made but whose audit entry lost a lock conflict is not "retry": a retry would
// make it again (review of the day's commits).
TEST(Problem, AnUnauditedAbortedChangeIs500WithoutRetryAfter) {
  Request req;
  req.request_id = "r10";
  Response r =
      ProblemFromStatus(AbortedError("audit: sqlite: database is locked [5]").WithContext(kUnauditedChange), req);
  EXPECT_EQ(r.status, 500);
  EXPECT_TRUE(r.headers.empty());
  EXPECT_NE(r.body.find("the change was made, but its audit entry could not be written"), std::string::npos)
      << r.body;
}

// RESOURCE_EXHAUSTED is the caller's 429 only when it is over its rate; a full store is 507 (the
// change, if any, is named as made), anything else of the server's own is 503 with Retry-After;
// driver text anywhere in the message stays in the log (review of 2026-11-30: a full disk gave
// 429 "Limit exceeded" and nothing in the log).
TEST(Problem, ResourceExhaustedIsARateOnlyWhenTheCallerIsOverIt) {
  Request req;
  req.request_id = "r2";
  Status rate = ResourceExhaustedError("over 600 requests per minute");
  EXPECT_EQ(ProblemFromStatus(rate, req, /*rate_limited=*/true).status, 429);
  Status full = ResourceExhaustedError("sqlite: database or disk is full [13]");
  Response r = ProblemFromStatus(full, req);
  EXPECT_EQ(r.status, 507);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["title"], "Insufficient storage");
  EXPECT_NE(j["detail"].get<std::string>().find("free disk space"), std::string::npos) << r.body;
  EXPECT_EQ(r.body.find("sqlite"), std::string::npos);
  Response unaudited = ProblemFromStatus(full.WithContext(kUnauditedChange), req);
  EXPECT_EQ(unaudited.status, 507);
  EXPECT_NE(unaudited.body.find("the change was made, but the audit log has no room"), std::string::npos)
      << unaudited.body;
  Response pg = ProblemFromStatus(
      ResourceExhaustedError("postgresql: could not extend file \"base/1/2\": No space left on device"), req);
  EXPECT_EQ(pg.status, 507);
  // A change made without its entry is not "retry later": no Retry-After, 500.
  Response made = ProblemFromStatus(ResourceExhaustedError("sqlite: all 8 pooled connections are in use")
                                        .WithContext(kUnauditedChange),
                                    req);
  EXPECT_EQ(made.status, 500);
  EXPECT_TRUE(made.headers.empty());
  EXPECT_NE(made.body.find("the change was made, but its audit entry could not be written"), std::string::npos)
      << made.body;
  Response pool = ProblemFromStatus(ResourceExhaustedError("sqlite: all 8 pooled connections are in use"), req);
  EXPECT_EQ(pool.status, 503);
  ASSERT_EQ(pool.headers.size(), 1u);
  EXPECT_EQ(pool.headers[0].first, "Retry-After");
  // Driver text in the middle of a message is not echoed either.
  Response conflict =
      ProblemFromStatus(FailedPreconditionError("saving the key: sqlite: UNIQUE constraint failed: t.c"), req);
  EXPECT_EQ(conflict.status, 400);
  EXPECT_EQ(conflict.body.find("UNIQUE"), std::string::npos) << conflict.body;
}

TEST(Problem, HostileBytesInDetailStayValidJson) {
  Response r = ProblemResponse(400, "INVALID_ARGUMENT", "t", std::string("bad \xff\xfe \"quote\""));
  auto j = nlohmann::json::parse(r.body);  // would throw on invalid UTF-8
  EXPECT_EQ(j["status"], 400);
}

}  // namespace
}  // namespace ndc::api
