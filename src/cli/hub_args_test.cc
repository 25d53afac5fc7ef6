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
}

}  // namespace
}  // namespace ndc::cli
