// Structured logging: one event name plus key=value fields per line, as text or JSON lines,
// to standard error. Built on spdlog; thread-safe. Call InitLogging() once at start; before
// that, logging goes to stderr at level info in text form.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "common/status.h"

namespace ndc::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };

// level: trace|debug|info|warn|error|off; format: text|json. kInvalidArgument otherwise.
Status InitLogging(std::string_view level, std::string_view format);

struct Field {
  Field(std::string_view k, std::string_view v) : key(k), value(v) {}
  Field(std::string_view k, const char* v) : key(k), value(v) {}
  Field(std::string_view k, const std::string& v) : key(k), value(v) {}
  template <typename N, typename = std::enable_if_t<std::is_arithmetic_v<N>>>
  Field(std::string_view k, N n) : key(k), value(std::to_string(n)) {}
  std::string_view key;
  std::string value;
};

void Write(Level level, std::string_view event, std::initializer_list<Field> fields);
inline void Debug(std::string_view e, std::initializer_list<Field> f = {}) { Write(Level::kDebug, e, f); }
inline void Info(std::string_view e, std::initializer_list<Field> f = {}) { Write(Level::kInfo, e, f); }
inline void Warn(std::string_view e, std::initializer_list<Field> f = {}) { Write(Level::kWarn, e, f); }
inline void Error(std::string_view e, std::initializer_list<Field> f = {}) { Write(Level::kError, e, f); }

// Renders one line the way Write would (without timestamp and level), for tests.
std::string FormatText(std::string_view event, std::initializer_list<Field> fields);
std::string FormatJson(std::string_view event, std::initializer_list<Field> fields);

}  // namespace ndc::log
