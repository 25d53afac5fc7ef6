// ident_bench: ndc::ident validators against generic baselines from the same run.
//
//   ParsePersonalId        vs std::regex for the shape + std::set lookup of the 63 province prefixes;
//   ParseDate dd/mm/yyyy   vs std::regex + a plain calendar check;
//   ParseDate auto         vs std::regex per full format, tried in order, + the calendar check;
//   ValidateAdminUnitCode  vs std::set<std::string> lookups (current codes, pre-2025 codes), both
//                             built from ident's own tables (CurrentProvinces(), CurrentCommunes(),
//                             LegacyUnits()); heterogeneous lookup (std::less<>), so no std::string
//                             is built per lookup.
//
// Each runs on 4,096 valid and, separately, 4,096 invalid inputs shaped like the errors agency data
// has (a leading zero lost in a spreadsheet, old 9-digit ID numbers, 31 April, ISO dates where
// dd/mm/yyyy is expected, pre-2025 commune codes checked today). NDC builds a descriptive error
// Status for each invalid input; the baselines only answer no, so the invalid rows include the cost
// of the message. Before timing, the program checks that NDC and the baseline accept the same
// inputs (and, when accepting, read the same values) and prints any disagreement.
//
// Timing: Google Benchmark with a custom main; see bench/bench_summary.h for the method (median of
// repetitions, CPU time, one operation per iteration).
#include <cstdio>
#include <functional>
#include <optional>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "bench_summary.h"
#include "ident/admin_units.h"
#include "ident/date_parse.h"
#include "ident/personal_id.h"
#include "ident/registration_province.h"

namespace {

using ndc::bench::Register;
using ndc::bench::Side;
using ndc::ident::Date;

constexpr size_t kInputCount = 4096;  // a power of two: the input index is masked, not divided
constexpr size_t kMask = kInputCount - 1;

using SvMatch = std::match_results<std::string_view::const_iterator>;

int Num(const std::sub_match<std::string_view::const_iterator>& m) {
  int v = 0;
  for (auto it = m.first; it != m.second; ++it) v = v * 10 + (*it - '0');
  return v;
}

// --- Baselines ----------------------------------------------------------------------------------

bool CalendarOk(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

struct BaselineId {
  std::string_view prefix;
  bool female;
  int birth_year;
};

const std::set<std::string, std::less<>>& RegistrationPrefixes() {
  static const auto* const prefixes = [] {
    auto* s = new std::set<std::string, std::less<>>;
    for (const auto& p : ndc::ident::RegistrationProvinces()) s->emplace(p.prefix);
    return s;
  }();
  return *prefixes;
}

std::optional<BaselineId> RegexParseId(std::string_view s) {
  static const std::regex re(R"((\d{3})(\d)(\d{2})\d{6})");
  SvMatch m;
  if (!std::regex_match(s.begin(), s.end(), m, re)) return std::nullopt;
  const std::string_view prefix = s.substr(0, 3);
  if (!RegistrationPrefixes().contains(prefix)) return std::nullopt;
  const int digit4 = Num(m[2]);
  return BaselineId{prefix, digit4 % 2 == 1, 1900 + digit4 / 2 * 100 + Num(m[3])};
}

std::optional<Date> RegexDateDmy(std::string_view s) {
  static const std::regex re(R"((\d{2})/(\d{2})/(\d{4}))");
  SvMatch m;
  if (!std::regex_match(s.begin(), s.end(), m, re)) return std::nullopt;
  const Date d{Num(m[3]), Num(m[2]), Num(m[1])};
  if (!CalendarOk(d.year, d.month, d.day)) return std::nullopt;
  return d;
}

// The full formats ParseDate(kAuto) reads; capture groups in the order given by ymd.
struct Shape {
  std::regex re;
  int y, m, d;  // group numbers
};

std::optional<Date> RegexDateAuto(std::string_view s) {
  static const std::vector<Shape> shapes = {
      {std::regex(R"((\d{4})-(\d{2})-(\d{2}))"), 1, 2, 3},      // yyyy-mm-dd
      {std::regex(R"((\d{1,2})/(\d{1,2})/(\d{4}))"), 3, 2, 1},  // d/m/yyyy, dd/mm/yyyy
      {std::regex(R"((\d{2})-(\d{2})-(\d{4}))"), 3, 2, 1},      // dd-mm-yyyy
      {std::regex(R"((\d{2})\.(\d{2})\.(\d{4}))"), 3, 2, 1},    // dd.mm.yyyy
      {std::regex(R"((\d{4})(\d{2})(\d{2}))"), 1, 2, 3},        // yyyymmdd
  };
  SvMatch m;
  for (const Shape& shape : shapes) {
    if (!std::regex_match(s.begin(), s.end(), m, shape.re)) continue;
    const Date d{Num(m[shape.y]), Num(m[shape.m]), Num(m[shape.d])};
    if (!CalendarOk(d.year, d.month, d.day)) return std::nullopt;
    return d;
  }
  return std::nullopt;
}

class AdminCodeSets {
 public:
  AdminCodeSets() {
    for (const auto& u : ndc::ident::CurrentProvinces()) current_.emplace(u.code);
    for (const auto& u : ndc::ident::CurrentCommunes()) current_.emplace(u.code);
    for (const auto& u : ndc::ident::LegacyUnits()) legacy_.emplace(u.code);
  }

  bool Valid(std::string_view code, std::optional<Date> as_of) const {
    const auto& codes = !as_of || *as_of >= ndc::ident::kAdminReformDate ? current_ : legacy_;
    return codes.find(code) != codes.end();
  }

  const std::set<std::string, std::less<>>& current() const { return current_; }
  const std::set<std::string, std::less<>>& legacy() const { return legacy_; }

 private:
  std::set<std::string, std::less<>> current_;
  std::set<std::string, std::less<>> legacy_;
};

// --- Inputs -------------------------------------------------------------------------------------

struct AdminInput {
  std::string code;
  std::optional<Date> as_of;
};

struct Data {
  std::vector<std::string> id_valid, id_invalid;
  std::vector<std::string> dmy_valid, dmy_invalid;
  std::vector<std::string> auto_valid, auto_invalid;
  std::vector<AdminInput> admin_valid, admin_invalid;
};

template <typename... Args>
std::string Fmt(const char* format, Args... args) {
  char buf[32];
  std::snprintf(buf, sizeof buf, format, args...);
  return buf;
}

Data BuildData(const AdminCodeSets& sets) {
  std::mt19937 rng(20260101);
  auto uniform = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const auto provinces = ndc::ident::RegistrationProvinces();
  Data d;

  auto valid_id = [&] {
    const std::string_view prefix =
        provinces[static_cast<size_t>(uniform(0, static_cast<int>(provinces.size()) - 1))].prefix;
    const int year = uniform(1930, 2024);
    return std::string(prefix) +
           Fmt("%d%02d%06d", (year - 1900) / 100 * 2 + uniform(0, 1), year % 100, uniform(0, 999999));
  };
  auto random_date = [&] {
    const int y = uniform(1930, 2025), m = uniform(1, 12);
    return Date{y, m, uniform(1, m == 2 ? 28 : 30)};
  };
  for (size_t i = 0; i < kInputCount; ++i) {
    d.id_valid.push_back(valid_id());
    const int p = uniform(0, 99);
    std::string id = valid_id();
    if (p < 30) {
      id = id.substr(1);  // a spreadsheet dropped the leading zero: 11 digits
    } else if (p < 50) {
      id = Fmt("%03d%03d%03d", uniform(0, 399), uniform(0, 999), uniform(0, 999));  // old 9-digit CMND
    } else if (p < 70) {
      int prefix;
      do prefix = uniform(0, 999);
      while (RegistrationPrefixes().contains(Fmt("%03d", prefix)));
      id = Fmt("%03d", prefix) + id.substr(3);  // not a registration province
    } else if (p < 90) {
      id = id.substr(0, 3) + " " + id.substr(3, 3) + " " + id.substr(6);  // written in groups
    } else {
      id[static_cast<size_t>(uniform(0, 11))] = 'O';  // letter O for zero
    }
    d.id_invalid.push_back(id);

    const Date v = random_date();
    d.dmy_valid.push_back(Fmt("%02d/%02d/%04d", v.day, v.month, v.year));
    const int q = uniform(0, 99);
    static constexpr int kThirtyDayMonths[] = {4, 6, 9, 11};
    d.dmy_invalid.push_back(q < 30 ? Fmt("31/%02d/%04d", kThirtyDayMonths[uniform(0, 3)], v.year)  // 31 April
                            : q < 50 ? Fmt("%04d-%02d-%02d", v.year, v.month, v.day)               // ISO
                            : q < 70 ? Fmt("%d/%d/%04d", uniform(1, 9), uniform(1, 9), v.year)     // d/m/yyyy
                            : q < 85 ? Fmt("%02d/%02d/%04d", v.month, uniform(13, 28), v.year)  // month first
                                     : Fmt("00/00/%04d", v.year));                              // unknown
    const int r = uniform(0, 99);
    d.auto_valid.push_back(r < 40   ? Fmt("%02d/%02d/%04d", v.day, v.month, v.year)
                           : r < 55 ? Fmt("%d/%d/%04d", v.day, v.month, v.year)
                           : r < 75 ? Fmt("%04d-%02d-%02d", v.year, v.month, v.day)
                           : r < 85 ? Fmt("%02d-%02d-%04d", v.day, v.month, v.year)
                           : r < 95 ? Fmt("%02d.%02d.%04d", v.day, v.month, v.year)
                                    : Fmt("%04d%02d%02d", v.year, v.month, v.day));
    const int t = uniform(0, 99);
    d.auto_invalid.push_back(t < 25   ? Fmt("30/02/%04d", v.year)                           // 30 February
                             : t < 40 ? Fmt("%04d-%02d-31", v.year, 4 + 2 * uniform(0, 1))  // 31 Apr/Jun
                             : t < 55 ? Fmt("%04d/%02d/%02d", v.year, v.month, v.day)  // year first, slashes
                             : t < 70 ? Fmt("%02d-%02d-%02d", v.day, v.month, v.year % 100)  // 2-digit year
                             : t < 85 ? Fmt("%04d", v.year)                                  // year only
                                      : std::string(t % 2 ? "" : "N/A"));
  }

  // Admin codes. Valid: current codes without a date or dated after the reform, pre-2025 codes
  // dated before it. Invalid: pre-2025 commune codes checked today, unknown codes, 4 digits (lost
  // zero), a stray space, district codes after the reform, current-only codes dated before it.
  std::vector<std::string> current(sets.current().begin(), sets.current().end());
  std::vector<std::string> legacy(sets.legacy().begin(), sets.legacy().end());
  std::vector<std::string> legacy_only, current_only, legacy_communes;
  for (const std::string& c : legacy) {
    if (!sets.current().contains(c) && c.size() == 5) legacy_only.push_back(c);
    if (c.size() == 5) legacy_communes.push_back(c);
  }
  for (const std::string& c : current) {
    if (!sets.legacy().contains(c)) current_only.push_back(c);
  }
  auto pick = [&](const std::vector<std::string>& v) {
    return v[static_cast<size_t>(uniform(0, static_cast<int>(v.size()) - 1))];
  };
  const Date after{2025, 9, 1}, before{2024, 5, 1};
  for (size_t i = 0; i < kInputCount; ++i) {
    const int p = uniform(0, 99);
    d.admin_valid.push_back(p < 50   ? AdminInput{pick(current), std::nullopt}
                            : p < 70 ? AdminInput{pick(current), after}
                                     : AdminInput{pick(legacy_communes), before});
    const int q = uniform(0, 99);
    std::string code;
    if (q < 40) {
      d.admin_invalid.push_back({pick(legacy_only), std::nullopt});
    } else if (q < 55) {
      do code = Fmt("%05d", uniform(0, 99999));
      while (sets.current().contains(code));
      d.admin_invalid.push_back({code, std::nullopt});
    } else if (q < 70) {
      code = pick(legacy_communes);
      d.admin_invalid.push_back({code.substr(1), before});  // "01234" -> "1234"
    } else if (q < 80) {
      d.admin_invalid.push_back({pick(current) + " ", std::nullopt});
    } else if (q < 90) {
      d.admin_invalid.push_back({Fmt("%03d", uniform(1, 999)), after});
    } else {
      d.admin_invalid.push_back({pick(current_only), before});
    }
  }
  return d;
}

// --- Agreement check ----------------------------------------------------------------------------

size_t CheckAgreement(const Data& d, const AdminCodeSets& sets) {
  size_t diff = 0;
  auto report = [&diff](const char* what, const std::string& in, bool ndc_ok, bool base_ok) {
    if (++diff <= 5) {
      std::printf("  %s disagree on '%s': ndc %s, baseline %s\n", what, in.c_str(),
                  ndc_ok ? "accepts" : "rejects", base_ok ? "accepts" : "rejects");
    }
  };
  for (const auto* list : {&d.id_valid, &d.id_invalid}) {
    for (const std::string& s : *list) {
      const auto a = ndc::ident::ParsePersonalId(s);
      const auto b = RegexParseId(s);
      const bool same = a.ok() == b.has_value() &&
                        (!a.ok() || (a->province_code == b->prefix && a->birth_year == b->birth_year &&
                                     (a->sex == ndc::ident::Sex::kFemale) == b->female));
      if (!same || a.ok() != (list == &d.id_valid)) report("ParsePersonalId", s, a.ok(), b.has_value());
    }
  }
  for (const auto* list : {&d.dmy_valid, &d.dmy_invalid, &d.auto_valid, &d.auto_invalid}) {
    const bool dmy = list == &d.dmy_valid || list == &d.dmy_invalid;
    const bool valid = list == &d.dmy_valid || list == &d.auto_valid;
    for (const std::string& s : *list) {
      const auto a =
          ndc::ident::ParseDate(s, dmy ? ndc::ident::DateFormat::kDmySlash : ndc::ident::DateFormat::kAuto);
      const auto b = dmy ? RegexDateDmy(s) : RegexDateAuto(s);
      if (a.ok() != b.has_value() || (a.ok() && *a != *b) || a.ok() != valid) {
        report(dmy ? "ParseDate dd/mm/yyyy" : "ParseDate auto", s, a.ok(), b.has_value());
      }
    }
  }
  for (const auto* list : {&d.admin_valid, &d.admin_invalid}) {
    for (const AdminInput& in : *list) {
      const bool a = ndc::ident::ValidateAdminUnitCode(in.code, in.as_of).ok();
      const bool b = sets.Valid(in.code, in.as_of);
      if (a != b || a != (list == &d.admin_valid)) report("ValidateAdminUnitCode", in.code, a, b);
    }
  }
  std::printf("agreement check: %zu disagreements (NDC vs baseline, and vs the intended valid/invalid)\n",
              diff);
  return diff;
}

template <typename T, typename Op>
void RegisterOver(const std::string& name, Side side, const std::string& label, const std::vector<T>* inputs,
                  Op op) {
  Register(name, side, label, [inputs, op](benchmark::State& state) {
    size_t i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(op((*inputs)[i++ & kMask]));
  });
}

}  // namespace

int main(int argc, char** argv) {
  static const AdminCodeSets sets;
  static const Data data = BuildData(sets);
  CheckAgreement(data, sets);

  using ndc::ident::DateFormat;
  auto ndc_id = [](const std::string& s) { return ndc::ident::ParsePersonalId(s); };
  auto ndc_dmy = [](const std::string& s) { return ndc::ident::ParseDate(s, DateFormat::kDmySlash); };
  auto ndc_auto = [](const std::string& s) { return ndc::ident::ParseDate(s, DateFormat::kAuto); };
  auto ndc_admin = [](const AdminInput& in) { return ndc::ident::ValidateAdminUnitCode(in.code, in.as_of); };
  auto base_admin = [](const AdminInput& in) { return sets.Valid(in.code, in.as_of); };

  // Each operation on valid inputs, then on invalid ones.
  auto both = [](const std::string& op, auto register_one) {
    register_one(op + " valid", true);
    register_one(op + " invalid", false);
  };
  both("ParsePersonalId", [&](const std::string& op, bool valid) {
    const auto* inputs = valid ? &data.id_valid : &data.id_invalid;
    RegisterOver(op, Side::kNdc, "ndc", inputs, ndc_id);
    RegisterOver(op, Side::kBaseline, "std_regex+set", inputs, RegexParseId);
  });
  both("ParseDate dd/mm/yyyy", [&](const std::string& op, bool valid) {
    const auto* inputs = valid ? &data.dmy_valid : &data.dmy_invalid;
    RegisterOver(op, Side::kNdc, "ndc", inputs, ndc_dmy);
    RegisterOver(op, Side::kBaseline, "std_regex", inputs, RegexDateDmy);
  });
  both("ParseDate auto", [&](const std::string& op, bool valid) {
    const auto* inputs = valid ? &data.auto_valid : &data.auto_invalid;
    RegisterOver(op, Side::kNdc, "ndc", inputs, ndc_auto);
    RegisterOver(op, Side::kBaseline, "std_regex_x5", inputs, RegexDateAuto);
  });
  both("ValidateAdminUnitCode", [&](const std::string& op, bool valid) {
    const auto* inputs = valid ? &data.admin_valid : &data.admin_invalid;
    RegisterOver(op, Side::kNdc, "ndc", inputs, ndc_admin);
    RegisterOver(op, Side::kBaseline, "std_set", inputs, base_admin);
  });
  return ndc::bench::RunAndSummarize(argc, argv, "ident_bench");
}
