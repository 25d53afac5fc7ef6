// HubArgs: the hub flags a hint repeats, as a user would type them again — never a password.
#include <gtest/gtest.h>

#include "cli/hub.h"

namespace ndc::cli {
namespace {

TEST(HubArgs, RepeatsTheGivenFlagsQuotedWhereNeeded) {
  EXPECT_EQ(HubArgs(HubFlags{}), "");
  HubFlags f;
  f.data_dir = "/srv/ndc hub";
  f.config_file = "ndc.toml";
  EXPECT_EQ(HubArgs(f), " --data '/srv/ndc hub' --config ndc.toml");
  f = HubFlags{};
  f.data_dir = "it's";
  EXPECT_EQ(HubArgs(f), " --data 'it'\\''s'");
}

// A password in --db stays out of every hint (they land in terminals and CI logs); libpq then
// takes it from PGPASSWORD or ~/.pgpass (review of 2026-11-30).
TEST(HubArgs, NeverRepeatsAPassword) {
  HubFlags f;
  f.db_url = "postgresql://ndc:s3cret@db.example:5432/ndc";
  EXPECT_EQ(HubArgs(f), " --db postgresql://ndc@db.example:5432/ndc");
  f.db_url = "postgresql://ndc@db.example/ndc";
  EXPECT_EQ(HubArgs(f), " --db postgresql://ndc@db.example/ndc");
  f.db_url = "postgresql://db.example:5432/ndc";
  EXPECT_EQ(HubArgs(f), " --db postgresql://db.example:5432/ndc");
  // In the query too, and in keyword/value strings (review of 2026-12-01).
  EXPECT_EQ(WithoutPasswords("postgresql://ndc@db/ndc?password=s3cret"), "postgresql://ndc@db/ndc");
  EXPECT_EQ(WithoutPasswords("postgresql://ndc@db/ndc?sslmode=require&password=s3cret&application_name=x"),
            "postgresql://ndc@db/ndc?sslmode=require&application_name=x");
  EXPECT_EQ(WithoutPasswords("postgresql://ndc@db/ndc?sslpassword=k&password=p"), "postgresql://ndc@db/ndc");
  EXPECT_EQ(WithoutPasswords("postgresql://n%40dc:p%40ss@db/ndc"), "postgresql://n%40dc@db/ndc");
  // libpq's user info runs to the first '@' before any '/': a password may hold '?' or ':'.
  EXPECT_EQ(WithoutPasswords("postgresql://ndc:pa?ss@db/ndc"), "postgresql://ndc@db/ndc");
  EXPECT_EQ(WithoutPasswords("postgresql://ndc:a:b?c@db:5432/ndc?sslmode=require"),
            "postgresql://ndc@db:5432/ndc?sslmode=require");
  EXPECT_EQ(WithoutPasswords("postgresql://ndc@db/ndc?pass%77ord=s3cret"), "postgresql://ndc@db/ndc");
  EXPECT_EQ(WithoutPasswords("postgresql://ndc:p@ss@db/ndc"), "postgresql://ndc@db/ndc");
  EXPECT_EQ(WithoutPasswords("postgresql://ndc:ab/cd@db/ndc"), "postgresql://ndc@db/ndc");
  EXPECT_EQ(WithoutPasswords("postgresql://db?password=s3cret&application_name=ndc@n1"),
            "postgresql://db?application_name=ndc@n1");
  EXPECT_EQ(WithoutPasswords("postgresql://ndc@[::1]:5432/ndc"), "postgresql://ndc@[::1]:5432/ndc");
  EXPECT_EQ(WithoutPasswords("postgresql://ndc:pw@h1:5432,h2:5433/ndc"), "postgresql://ndc@h1:5432,h2:5433/ndc");
  EXPECT_EQ(WithoutPasswords("host=db password=s3cret dbname=ndc"), "host=db dbname=ndc");
  EXPECT_EQ(WithoutPasswords("host=db password = 'a \\' b' dbname=ndc"), "host=db dbname=ndc");
  EXPECT_EQ(WithoutPasswords("password=x"), "");
  f.db_url = "host=db user=ndc password=s3cret";
  EXPECT_EQ(HubArgs(f).find("s3cret"), std::string::npos) << HubArgs(f);
}

}  // namespace
}  // namespace ndc::cli
