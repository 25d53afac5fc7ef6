// Connection strings: secrets refused in every form libpq reads, and the string a pull connects
// with (password and application_name added, values quoted).
#include "connector/conninfo.h"

#include <gtest/gtest.h>
#include <stdlib.h>

namespace ndc::connector {
namespace {

TEST(Conninfo, AcceptsUrisAndKeyValueStringsWithoutSecrets) {
  EXPECT_TRUE(CheckConninfo("postgresql://ndc_reader@db.bca.gov.vn:5432/registry?sslmode=require").ok());
  EXPECT_TRUE(CheckConninfo("host=10.0.0.5 port=5432 dbname=registry user=ndc_reader").ok());
}

TEST(Conninfo, RefusesAPasswordInEveryForm) {
  for (const char* c : {"postgresql://ndc_reader:s3cret@db/registry", "postgresql://db/registry?password=s3cret",
                        "host=db user=u password=s3cret", "host=db sslpassword=keypass"}) {
    Status s = CheckConninfo(c);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c;
    EXPECT_NE(s.message().find("--password-env"), std::string::npos) << s.message();
    EXPECT_EQ(s.message().find("s3cret"), std::string::npos) << "the secret must not be echoed";
  }
}

TEST(Conninfo, MalformedIsInvalidArgument) {
  EXPECT_EQ(CheckConninfo("host=db port").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckConninfo("").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckConninfo("postgresql://db/x?nosuchoption=1").code(), StatusCode::kInvalidArgument);
}

TEST(Conninfo, ConnectStringAddsPasswordAndApplicationNameQuoted) {
  Result<std::string> s = ConnectString("postgresql://u@db:5433/reg", std::string("it's\\x"), "ndc-connector-bca");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, "user='u' dbname='reg' host='db' port='5433' application_name='ndc-connector-bca' "
                "keepalives_idle='60' keepalives_interval='10' keepalives_count='3' tcp_user_timeout='120000' "
                "password='it\\'s\\\\x'");
}

TEST(Conninfo, ConnectStringKeepsTheOperatorsSettings) {
  Result<std::string> s = ConnectString("host=db application_name=mine keepalives_idle=5", std::nullopt,
                                        "ndc-connector-bca");
  ASSERT_TRUE(s.ok());
  // The operator's own settings stand; the other keepalive defaults are added.
  EXPECT_EQ(*s, "host='db' application_name='mine' keepalives_idle='5' keepalives_interval='10' "
                "keepalives_count='3' tcp_user_timeout='120000' password=''");
}

// A service file often names only the host and database: the defaults still apply (the
// conninfo's own settings are the way to change them).
TEST(Conninfo, AServiceGetsTheKeepaliveDefaultsToo) {
  Result<std::string> s = ConnectString("service=bca", std::nullopt, "ndc-connector-bca");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "service='bca' application_name='ndc-connector-bca' keepalives_idle='60' keepalives_interval='10' "
                "keepalives_count='3' tcp_user_timeout='120000' password=''");
}

// With no --password-env the password is given empty, so that libpq never fills it from
// PGPASSWORD (the hub store's own password on a node) for the agency's server.
TEST(Conninfo, WithoutAPasswordVariableTheEnvironmentsPasswordIsNeverSent) {
  ::setenv("PGPASSWORD", "hub-store-secret", 1);
  Result<std::string> s = ConnectString("host=db user=reader", std::nullopt, "ndc-connector-bca");
  ::unsetenv("PGPASSWORD");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_NE(s->find(" password=''"), std::string::npos) << *s;
  EXPECT_EQ(s->find("hub-store-secret"), std::string::npos) << *s;
  // libpq fills only options left unset from the environment (conninfo_add_defaults); an empty
  // value is set.
}

// libpq's parse errors quote the text they stumbled on, which may be part of a password.
TEST(Conninfo, AMalformedConninfoNeverEchoesItsText) {
  for (const char* c : {"postgresql://u:s3cr%zzet@h/db", "host=db password=my s3cret", "host=db pass%00s3cret",
                        "postgresql://u:s3cret@[::1]\"x/db", "postgresql://u:ab\"s3cret@[::1]x/db"}) {
    Status s = CheckConninfo(c);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << c;
    EXPECT_EQ(s.message().find("s3cr"), std::string::npos) << s.message();
  }
  Status nested = CheckConninfo("host=db dbname='postgresql://postgres:TopSecret@other/db'");
  EXPECT_EQ(nested.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(nested.message().find("TopSecret"), std::string::npos) << nested.message();
  EXPECT_NE(nested.message().find("a connection string as its dbname"), std::string::npos) << nested.message();
}

TEST(Conninfo, EnvNames) {
  EXPECT_TRUE(IsValidEnvName("NDC_CONNECTOR_BCA_PASSWORD"));
  EXPECT_FALSE(IsValidEnvName("1X"));
  EXPECT_FALSE(IsValidEnvName("A-B"));
  EXPECT_FALSE(IsValidEnvName(""));
}

}  // namespace
}  // namespace ndc::connector
