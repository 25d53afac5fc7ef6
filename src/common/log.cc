#include "common/log.h"

#include <atomic>

#include <nlohmann/json.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace ndc::log {
namespace {

std::atomic<bool> g_json{false};

std::shared_ptr<spdlog::logger> Logger() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    auto l = spdlog::stderr_logger_mt("ndc");
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %l %v", spdlog::pattern_time_type::utc);
    l->set_level(spdlog::level::info);
    l->flush_on(spdlog::level::info);
    return l;
  }();
  return logger;
}

bool NeedsQuotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v)
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  return false;
}

}  // namespace

Status InitLogging(std::string_view level, std::string_view format) {
  spdlog::level::level_enum lvl;
  if (level == "trace") lvl = spdlog::level::trace;
  else if (level == "debug") lvl = spdlog::level::debug;
  else if (level == "info") lvl = spdlog::level::info;
  else if (level == "warn") lvl = spdlog::level::warn;
  else if (level == "error") lvl = spdlog::level::err;
  else if (level == "off") lvl = spdlog::level::off;
  else return InvalidArgumentError("log level must be trace, debug, info, warn, error or off, got '" +
                                   std::string(level) + "'");
  if (format != "text" && format != "json") {
    return InvalidArgumentError("log format must be text or json, got '" + std::string(format) + "'");
  }
  g_json = format == "json";
  auto l = Logger();
  l->set_level(lvl);
  if (g_json) {
    l->set_pattern("{\"ts\":\"%Y-%m-%dT%H:%M:%S.%fZ\",\"level\":\"%l\",%v", spdlog::pattern_time_type::utc);
  }
  return OkStatus();
}

std::string FormatText(std::string_view event, std::initializer_list<Field> fields) {
  std::string out(event);
  for (const auto& f : fields) {
    out += ' ';
    out += f.key;
    out += '=';
    if (NeedsQuotes(f.value)) {
      out += nlohmann::json(f.value).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    } else {
      out += f.value;
    }
  }
  return out;
}

std::string FormatJson(std::string_view event, std::initializer_list<Field> fields) {
  nlohmann::json j = nlohmann::json::object();
  j["event"] = std::string(event);
  for (const auto& f : fields) j[std::string(f.key)] = f.value;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  auto l = Logger();
  spdlog::level::level_enum lvl = static_cast<spdlog::level::level_enum>(static_cast<int>(level));
  if (level == Level::kError) lvl = spdlog::level::err;
  if (level == Level::kOff || !l->should_log(lvl)) return;
  if (g_json) {
    std::string body = FormatJson(event, fields);
    l->log(lvl, "{}", std::string_view(body).substr(1));  // pattern already opened the object
  } else {
    l->log(lvl, "{}", FormatText(event, fields));
  }
}

}  // namespace ndc::log
