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
  f.db_url = "postgresql://ndc@db.example:5432/ndc";  // no password: as given
  EXPECT_EQ(HubArgs(f), " --db postgresql://ndc@db.example:5432/ndc");
  f.db_url = "postgresql://db.example:5432/ndc?sslmode=require";
  EXPECT_EQ(HubArgs(f), " --db 'postgresql://db.example:5432/ndc?sslmode=require'");
  // Whatever libpq reads as a password, wherever it is and whatever it holds (reviews of
  // 2026-12-01), is left out, and the rest reaches the same server as the same user.
  for (const std::string url :
       {"postgresql://ndc:s3cret@db.example:5432/ndc", "postgresql://ndc@db.example/ndc?password=s3cret",
        "postgresql://ndc@db.example/ndc?sslmode=require&pass%77ord=s3cret&application_name=x",
        "postgresql://ndc:s3c?ret@db.example/ndc", "postgresql://ndc:s3c%40ret@db.example/ndc",
        "postgresql://ndc@db.example:5432/ndc?application_name=ndc@n1&password=s3cret",
        "postgresql://ndc:s3cret@[::1]:5432,db.example:5433/ndc?sslpassword=s3cret"}) {
    const std::string hint = WithoutPasswords(url);
    EXPECT_EQ(hint.find("s3c"), std::string::npos) << url << " -> " << hint;
    EXPECT_TRUE(hint.starts_with("postgresql://?")) << hint;
    EXPECT_NE(hint.find("user=ndc"), std::string::npos) << hint;
    EXPECT_NE(hint.find("dbname=ndc"), std::string::npos) << hint;
  }
  EXPECT_EQ(WithoutPasswords("postgresql://ndc:s3cret@db.example:5432/ndc"),
            "postgresql://?user=ndc&dbname=ndc&host=db.example&port=5432");
  EXPECT_EQ(WithoutPasswords("postgresql://ndc:pw@h/ndc?application_name=a%20b"),
            "postgresql://?user=ndc&dbname=ndc&host=h&application_name=a%20b");
  f.db_url = "postgresql://ndc:s3cret@db.example:5432/ndc";
  EXPECT_EQ(HubArgs(f).find("s3cret"), std::string::npos) << HubArgs(f);
}

}  // namespace
}  // namespace ndc::cli
