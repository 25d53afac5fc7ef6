#include "connector/connector.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "store/store.h"

namespace ndc::connector {

std::string_view PullModeName(PullMode m) { return m == PullMode::kSnapshot ? "snapshot" : "incremental"; }

Result<PullMode> ParsePullMode(std::string_view name) {
  if (name == "incremental") return PullMode::kIncremental;
  if (name == "snapshot") return PullMode::kSnapshot;
  return InvalidArgumentError(fmt::format("unknown pull mode '{}' (expected incremental or snapshot)", name));
}

std::string_view RunStatusName(RunStatus s) {
  switch (s) {
    case RunStatus::kApplied: return "applied";
    case RunStatus::kDuplicate: return "duplicate";
    case RunStatus::kRefused: return "refused";
    case RunStatus::kFailed: return "failed";
    case RunStatus::kNoChanges: return "no_changes";
    case RunStatus::kBusy: return "busy";
    case RunStatus::kError: return "error";
  }
  return "error";
}

std::string RunOutcome::Summary() const {
  std::string range = fmt::format("({}..{}]", watermark_from.value_or(""), watermark_to.value_or(""));
  switch (status) {
    case RunStatus::kNoChanges:
      return fmt::format("{}: {} pull: no rows past watermark {}", connector, PullModeName(mode),
                         watermark_from.value_or("(none)"));
    case RunStatus::kBusy:
    case RunStatus::kError:
      return fmt::format("{}: {} pull {}: {}", connector, PullModeName(mode), RunStatusName(status),
                         error.message());
    default:
      break;
  }
  std::string text = fmt::format("{}: {} pull {}, batch {}", connector, PullModeName(mode), RunStatusName(status),
                                 batch ? batch->id : 0);
  if (watermark_to) text += ", watermark " + range;
  if (batch) text += ": " + batch->message;
  return text;
}

bool IsValidConnectorName(std::string_view name) { return catalog::IsValidDatasetId(name); }

Status ParseSourceTable(std::string_view text, std::string* schema, std::string* table) {
  size_t dot = text.find('.');
  std::string_view s = dot == std::string_view::npos ? "public" : text.substr(0, dot);
  std::string_view t = dot == std::string_view::npos ? text : text.substr(dot + 1);
  if (!store::IsSafeIdentifier(s) || !store::IsSafeIdentifier(t)) {
    return InvalidArgumentError(fmt::format(
        "source table '{}': expected schema.table (or table, in schema public), each a lower-case identifier "
        "[a-z_][a-z0-9_]*",
        text));
  }
  *schema = std::string(s);
  *table = std::string(t);
  return OkStatus();
}

Result<int64_t> ParseInterval(std::string_view text) {
  auto bad = [&] {
    return InvalidArgumentError(
        fmt::format("interval '{}': expected a number with an optional unit s, m, h or d (e.g. 15m); 0 = on demand",
                    text));
  };
  if (text.empty()) return bad();
  int64_t unit = 1;
  std::string_view digits = text;
  switch (text.back()) {
    case 's': unit = 1; digits.remove_suffix(1); break;
    case 'm': unit = 60; digits.remove_suffix(1); break;
    case 'h': unit = 3600; digits.remove_suffix(1); break;
    case 'd': unit = 86400; digits.remove_suffix(1); break;
    default: break;
  }
  int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || n < 0) return bad();
  if (n > 366 * 86400 / unit) return InvalidArgumentError(fmt::format("interval '{}': at most 366 days", text));
  return n * unit;
}

std::string FormatInterval(int64_t seconds) {
  if (seconds <= 0) return "on demand";
  if (seconds % 86400 == 0) return fmt::format("{}d", seconds / 86400);
  if (seconds % 3600 == 0) return fmt::format("{}h", seconds / 3600);
  if (seconds % 60 == 0) return fmt::format("{}m", seconds / 60);
  return fmt::format("{}s", seconds);
}

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; });
  return out;
}

bool IsKeyField(const catalog::DatasetSchema& schema, const std::string& field) {
  return std::find(schema.source_key.begin(), schema.source_key.end(), field) != schema.source_key.end();
}

}  // namespace

Result<std::map<std::string, std::string>> ResolveColumns(const catalog::DatasetSchema& schema,
                                                          const std::map<std::string, std::string>& overrides,
                                                          const std::vector<std::string>& source_columns,
                                                          const std::string& table_name,
                                                          std::vector<std::string>* unmapped) {
  auto has = [&](const std::string& c) {
    return std::find(source_columns.begin(), source_columns.end(), c) != source_columns.end();
  };
  const std::string listing = fmt::format("{} has columns: {}", table_name, fmt::join(source_columns, ", "));
  for (const auto& [field, column] : overrides) {
    if (schema.Field(field) == nullptr) {
      return InvalidArgumentError(fmt::format("--map {}={}: dataset {} has no field '{}'", field, column, schema.id,
                                              field));
    }
    if (!has(column)) {
      return InvalidArgumentError(fmt::format("--map {}={}: no column '{}' ({})", field, column, column, listing));
    }
  }
  std::map<std::string, std::string> out;
  std::vector<std::string> missing;
  for (const catalog::FieldSpec& f : schema.fields) {
    std::vector<std::string> tried;
    if (auto it = overrides.find(f.name); it != overrides.end()) {
      out[f.name] = it->second;
      continue;
    }
    for (const std::string& candidate : {Lower(f.column), f.name}) {
      if (candidate.empty() || std::find(tried.begin(), tried.end(), candidate) != tried.end()) continue;
      tried.push_back(candidate);
      if (has(candidate)) {
        out[f.name] = candidate;
        break;
      }
    }
    if (out.contains(f.name)) continue;
    if (f.required || IsKeyField(schema, f.name)) {
      missing.push_back(fmt::format("'{}' ({}; no column {})", f.name,
                                    IsKeyField(schema, f.name) ? "source key" : "required",
                                    fmt::join(tried, " or ")));
    } else if (unmapped != nullptr) {
      unmapped->push_back(f.name);
    }
  }
  if (!missing.empty()) {
    return InvalidArgumentError(fmt::format(
        "dataset {}: no source column for field {}; map each with --map FIELD=COLUMN ({})", schema.id,
        fmt::join(missing, ", "), listing));
  }
  return out;
}

}  // namespace ndc::connector
