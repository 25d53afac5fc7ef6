// DefaultPersonSettings: examples/link/person.toml, embedded at configure time
// (internal/person_settings_data.cc.in).
#include <cstdio>
#include <cstdlib>

#include "link/settings.h"

namespace ndc::link {

namespace internal {
extern const char kPersonSettingsToml[];
}

const Settings& DefaultPersonSettings() {
  static const Settings* settings = [] {
    auto s = ParseSettings(internal::kPersonSettingsToml, SettingsFormat::kToml);
    if (!s.ok()) {  // a bug in the shipped file, caught by link_test
      std::fprintf(stderr, "embedded person settings: %s\n", s.status().ToString().c_str());
      std::abort();
    }
    return new Settings(std::move(s).value());
  }();
  return *settings;
}

}  // namespace ndc::link
