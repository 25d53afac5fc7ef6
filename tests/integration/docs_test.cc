// The documentation stays true: every HTTP route is in the OpenAPI document, every config key in
// docs/configuration.md.
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "api/service.h"
#include "common/config.h"
#include "test_support.h"

namespace ndc::testing {
namespace {

std::string Read(const std::string& rel) {
  std::ifstream in(SourceDir() + "/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST(Docs, EveryRouteIsInOpenApi) {
  std::string spec = Read("docs/api/openapi.yaml");
  ASSERT_FALSE(spec.empty());
  api::ApiService service(api::ServiceDeps{});
  for (const auto& [method, pattern] : service.router().Routes()) {
    size_t at = spec.find("\n  " + pattern + ":\n");
    ASSERT_NE(at, std::string::npos) << pattern << " is not in docs/api/openapi.yaml";
    size_t next = spec.find("\n  /", at + 1);
    std::string block = spec.substr(at, next == std::string::npos ? std::string::npos : next - at);
    EXPECT_NE(block.find("\n    " + Lower(method) + ":"), std::string::npos)
        << method << " " << pattern << " is not in docs/api/openapi.yaml";
  }
}

TEST(Docs, EveryConfigKeyIsDocumented) {
  std::string doc = Read("docs/configuration.md");
  for (const auto& k : ConfigKeys()) {
    EXPECT_NE(doc.find("`" + k.name + "`"), std::string::npos) << k.name;
    EXPECT_NE(doc.find("`" + k.env + "`"), std::string::npos) << k.env;
  }
}

}  // namespace
}  // namespace ndc::testing
