// gen_ident_data: turns the reference data in data/vn-admin into ident_tables.cc, the constant tables
// declared in ident/internal/tables.h, so that the ident library needs no parsing at startup.
//
// A build-time tool run by src/ident/CMakeLists.txt. It cross-checks its inputs and fails the build
// (exit 1, a message on stderr) on any inconsistency rather than emitting doubtful tables:
//   - every current code is unique and well formed, every commune's province exists;
//   - every dvhcvn mapping target is a current unit, after data/vn-admin/reconciliation.csv;
//   - splits.json (old -> new) and merges.json (new -> old, with full/partial) list the same pairs;
//   - each CCCD prefix's 2025 province agrees with splits.json.
// Rules and sources: docs/design/identifiers.md.
#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using nlohmann::json;

[[noreturn]] void Fail(const std::string& message) { throw std::runtime_error(message); }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot open " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Rows of a simple CSV (no quoting in our inputs; a quote is rejected), header removed.
std::vector<std::vector<std::string>> ReadCsv(const std::string& path, size_t min_columns) {
  std::istringstream in(ReadFile(path));
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line.find('"') != std::string::npos) Fail(path + ": quoted CSV fields are not supported: " + line);
    std::vector<std::string> fields;
    std::istringstream fields_in(line);
    std::string field;
    while (std::getline(fields_in, field, ',')) fields.push_back(field);
    if (header) {
      header = false;
      continue;
    }
    if (fields.size() < min_columns) Fail(path + ": too few columns: " + line);
    rows.push_back(std::move(fields));
  }
  return rows;
}

bool IsDigits(const std::string& s, size_t length) {
  return s.size() == length && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A C++ string literal holding `s` (UTF-8 kept as is).
std::string Lit(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

struct CurrentUnit {
  std::string code, name, short_name, name_en, unit_type, province_code;
  bool province = false;
};

struct LegacyUnit {
  std::string code, name, province_code;
  int level = 0;                                      // 0 province, 1 district, 2 commune (AdminLevel order)
  std::vector<std::pair<std::string, bool>> targets;  // current code, full
};

struct Inputs {
  std::string units, splits, merges, reconcile, cccd, ethnic, out;
};

class Generator {
 public:
  explicit Generator(Inputs in) : in_(std::move(in)) {}

  void Run() {
    LoadCurrent();
    LoadReconciliation();
    LoadSplits();
    LoadMerges();
    LoadCccd();
    LoadEthnic();
    Write();
  }

 private:
  void LoadCurrent() {
    const json provinces = json::parse(ReadFile(in_.units));
    for (const json& p : provinces) {
      AddCurrent(p, /*province=*/true, p.at("Code").get<std::string>());
      for (const json& w : p.at("Wards")) {
        if (w.at("ProvinceCode") != p.at("Code"))
          Fail("ward " + w.at("Code").get<std::string>() + " province");
        AddCurrent(w, /*province=*/false, p.at("Code").get<std::string>());
      }
    }
    std::sort(current_.begin(), current_.end(), [](const CurrentUnit& a, const CurrentUnit& b) {
      return std::make_pair(!a.province, a.code) < std::make_pair(!b.province, b.code);
    });
    for (size_t i = 0; i < current_.size(); ++i) current_index_[current_[i].code] = i;
  }

  void AddCurrent(const json& j, bool province, const std::string& province_code) {
    CurrentUnit u;
    u.code = j.at("Code").get<std::string>();
    u.name = j.at("FullName").get<std::string>();
    u.short_name = j.at("Name").get<std::string>();
    u.name_en = j.at("FullNameEn").get<std::string>();
    u.unit_type = j.at("AdministrativeUnitShortName").get<std::string>();
    u.province = province;
    u.province_code = province_code;
    if (!IsDigits(u.code, province ? 2 : 5)) Fail("malformed current code '" + u.code + "'");
    if (current_index_.count(u.code) != 0) Fail("duplicate current code " + u.code);
    current_index_[u.code] = 0;
    current_.push_back(std::move(u));
  }

  void LoadReconciliation() {
    for (const auto& row : ReadCsv(in_.reconcile, 2)) {
      if (current_index_.count(row[1]) == 0) Fail("reconciliation target " + row[1] + " is not current");
      reconcile_[row[0]] = row[1];
    }
  }

  std::string Resolve(const std::string& dvhcvn_code) const {
    const auto it = reconcile_.find(dvhcvn_code);
    const std::string code = it == reconcile_.end() ? dvhcvn_code : it->second;
    if (current_index_.count(code) == 0) Fail("dvhcvn target " + dvhcvn_code + " is not a current unit");
    return code;
  }

  void AddLegacy(const json& j, const char* id_key, int level, const std::string& province_code) {
    LegacyUnit u;
    u.code = j.at(id_key).get<std::string>();
    u.name = j.at("name").get<std::string>();
    u.level = level;
    u.province_code = province_code;
    static constexpr size_t kLength[] = {2, 3, 5};
    if (!IsDigits(u.code, kLength[level])) Fail("malformed pre-2025 code '" + u.code + "'");
    for (const json& s : j.at("splits")) {
      u.targets.emplace_back(Resolve(s.at("new_id").get<std::string>()), false);
    }
    if (u.targets.empty()) Fail("pre-2025 unit " + u.code + " maps to nothing");
    if (!legacy_index_.emplace(u.code, legacy_.size()).second) Fail("duplicate pre-2025 code " + u.code);
    legacy_.push_back(std::move(u));
  }

  void LoadSplits() {
    const json root = json::parse(ReadFile(in_.splits));
    for (const json& p : root.at("data")) {
      const std::string province = p.at("level1_id").get<std::string>();
      AddLegacy(p, "level1_id", 0, province);
      if (p.contains("level2s")) {
        for (const json& d : p.at("level2s")) AddLegacy(d, "level2_id", 1, province);
      }
      for (const json& c : p.at("level3s")) AddLegacy(c, "level3_id", 2, province);
    }
    std::sort(legacy_.begin(), legacy_.end(), [](const LegacyUnit& a, const LegacyUnit& b) {
      return std::make_pair(a.level, a.code) < std::make_pair(b.level, b.code);
    });
    for (size_t i = 0; i < legacy_.size(); ++i) legacy_index_[legacy_[i].code] = i;
  }

  // Sets the full/partial flag of every (old, new) pair and checks both files list the same pairs.
  void LoadMerges() {
    const json root = json::parse(ReadFile(in_.merges));
    std::set<std::pair<std::string, std::string>> seen;
    const auto apply = [&](const json& merges, const std::string& new_code) {
      for (const json& m : merges) {
        const std::string old_code = m.at("old_id").get<std::string>();
        const std::string type = m.at("type").get<std::string>();
        if (type != "full" && type != "partial") Fail("merge type '" + type + "'");
        const auto it = legacy_index_.find(old_code);
        if (it == legacy_index_.end()) Fail("merges.json names unknown old code " + old_code);
        bool found = false;
        for (auto& [target, full] : legacy_[it->second].targets) {
          if (target != new_code) continue;
          full = type == "full";
          found = true;
        }
        if (!found) Fail("merges.json pair " + old_code + " -> " + new_code + " is not in splits.json");
        seen.emplace(old_code, new_code);
      }
    };
    for (const json& p : root.at("data")) {
      apply(p.at("merges"), Resolve(p.at("level1_id").get<std::string>()));
      for (const json& c : p.at("level2s"))
        apply(c.at("merges"), Resolve(c.at("level2_id").get<std::string>()));
    }
    for (const LegacyUnit& u : legacy_) {
      for (const auto& target : u.targets) {
        if (seen.count({u.code, target.first}) == 0) {
          Fail("splits.json pair " + u.code + " -> " + target.first + " is not in merges.json");
        }
      }
    }
  }

  void LoadCccd() {
    for (auto& row : ReadCsv(in_.cccd, 8)) {
      const std::string& prefix = row[0];
      const std::string& gso = row[1];
      const std::string& merged_into = row[6];
      if (!IsDigits(prefix, 3) || prefix != "0" + gso) Fail("CCCD prefix " + prefix + " vs GSO code " + gso);
      const auto it = legacy_index_.find(gso);
      if (it == legacy_index_.end() || legacy_[it->second].targets.front().first != merged_into) {
        Fail("CCCD prefix " + prefix + ": merged-into province " + merged_into +
             " disagrees with splits.json");
      }
      cccd_.push_back({prefix, gso, row[2], merged_into});
    }
    std::sort(cccd_.begin(), cccd_.end());
    if (cccd_.size() > 127) Fail("too many CCCD prefixes for an int8 index");
  }

  void LoadEthnic() {
    for (auto& row : ReadCsv(in_.ethnic, 2)) {
      if (!IsDigits(row[0], 2)) Fail("ethnic group code '" + row[0] + "'");
      ethnic_.push_back({row[0], row[1]});
    }
    std::sort(ethnic_.begin(), ethnic_.end(), [](const auto& a, const auto& b) {
      const auto rank = [](const std::string& code) { return code == "00" || code == "55" ? 1 : 0; };
      return std::make_pair(rank(a[0]), a[0]) < std::make_pair(rank(b[0]), b[0]);
    });
    for (size_t i = 0; i < 54; ++i) {
      char expected[3];
      std::snprintf(expected, sizeof expected, "%02zu", i + 1);
      if (i >= ethnic_.size() || ethnic_[i][0] != expected) Fail(std::string("ethnic group ") + expected);
    }
  }

  void Write() const {
    // The library indexes units with uint16_t (internal/tables.h users in admin_units.cc).
    if (current_.size() >= 0xFFFF || legacy_.size() >= 0xFFFF) Fail("too many units for a uint16_t index");
    std::ostringstream o;
    static constexpr const char* kLevel[] = {"kP", "kD", "kC"};
    o << "// Generated by gen_ident_data from data/vn-admin (see data/vn-admin/README.md). Do not edit.\n"
      << "#include \"ident/internal/tables.h\"\n\nnamespace ndc::ident::internal {\nnamespace {\n"
      << "constexpr AdminLevel kP = AdminLevel::kProvince;\nconstexpr AdminLevel kD = "
         "AdminLevel::kDistrict;\n"
      << "constexpr AdminLevel kC = AdminLevel::kCommune;\n}  // namespace\n\n";
    size_t provinces = 0;
    o << "constinit const AdminUnit kCurrentUnits[] = {\n";
    for (const CurrentUnit& u : current_) {
      provinces += u.province ? 1 : 0;
      o << "    {" << Lit(u.code) << ", " << Lit(u.name) << ", " << Lit(u.short_name) << ", "
        << Lit(u.name_en) << ", " << Lit(u.unit_type) << ", " << (u.province ? "kP" : "kC") << ", "
        << Lit(u.province_code) << "},\n";
    }
    o << "};\nconstinit const size_t kCurrentProvinceCount = " << provinces << ";\n"
      << "constinit const size_t kCurrentUnitCount = " << current_.size() << ";\n\n";
    o << "constinit const LegacyAdminUnit kLegacyUnits[] = {\n";
    for (const LegacyUnit& u : legacy_) {
      o << "    {" << Lit(u.code) << ", " << Lit(u.name) << ", " << kLevel[u.level] << ", "
        << Lit(u.province_code) << "},\n";
    }
    o << "};\nconstinit const size_t kLegacyUnitCount = " << legacy_.size() << ";\n\n";
    o << "constinit const TargetRange kLegacyTargetRanges[] = {\n";
    size_t first = 0;
    for (const LegacyUnit& u : legacy_) {
      o << "    {" << first << ", " << u.targets.size() << "},\n";
      first += u.targets.size();
    }
    o << "};\n\nconstinit const LegacyMapping kLegacyTargets[] = {\n";
    for (const LegacyUnit& u : legacy_) {
      for (const auto& [code, full] : u.targets) {
        o << "    {&kCurrentUnits[" << current_index_.at(code) << "], " << (full ? "true" : "false")
          << "},\n";
      }
    }
    o << "};\nconstinit const size_t kLegacyTargetCount = " << first << ";\n\n";
    o << "constinit const RegistrationProvince kRegistrationProvinces[] = {\n";
    std::vector<int> index_by_prefix(1000, -1);
    for (size_t i = 0; i < cccd_.size(); ++i) {
      const auto& c = cccd_[i];
      index_by_prefix[std::stoi(c[0])] = static_cast<int>(i);
      o << "    {" << Lit(c[0]) << ", " << Lit(c[1]) << ", " << Lit(c[2]) << ", &kCurrentUnits["
        << current_index_.at(c[3]) << "]},\n";
    }
    o << "};\nconstinit const size_t kRegistrationProvinceCount = " << cccd_.size() << ";\n\n"
      << "constinit const int8_t kRegistrationIndexByPrefix[1000] = {";
    for (size_t i = 0; i < index_by_prefix.size(); ++i) {
      o << (i % 25 == 0 ? "\n   " : "") << " " << index_by_prefix[i] << ",";
    }
    o << "\n};\n\nconstinit const EthnicGroup kEthnicGroups[] = {\n";
    for (const auto& e : ethnic_) o << "    {" << Lit(e[0]) << ", " << Lit(e[1]) << "},\n";
    o << "};\nconstinit const size_t kEthnicGroupCount = 54;\n"
      << "constinit const size_t kEthnicGroupCountWithExtras = " << ethnic_.size() << ";\n\n"
      << "}  // namespace ndc::ident::internal\n";
    std::ofstream out(in_.out, std::ios::binary);
    out << o.str();
    if (!out.flush()) Fail("cannot write " + in_.out);
  }

  Inputs in_;
  std::vector<CurrentUnit> current_;
  std::map<std::string, size_t> current_index_;
  std::map<std::string, std::string> reconcile_;
  std::vector<LegacyUnit> legacy_;
  std::map<std::string, size_t> legacy_index_;
  std::vector<std::array<std::string, 4>> cccd_;  // prefix, gso code, name, merged-into code
  std::vector<std::array<std::string, 2>> ethnic_;
};

}  // namespace

int main(int argc, char** argv) {
  Inputs in;
  const std::map<std::string, std::string*> flags = {{"--units", &in.units},   {"--splits", &in.splits},
                                                     {"--merges", &in.merges}, {"--reconcile", &in.reconcile},
                                                     {"--cccd", &in.cccd},     {"--ethnic", &in.ethnic},
                                                     {"--out", &in.out}};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const size_t eq = arg.find('=');
    const auto it = flags.find(arg.substr(0, eq));
    if (eq == std::string::npos || it == flags.end()) {
      std::fprintf(stderr, "gen_ident_data: unknown argument %s\n", argv[i]);
      return 2;
    }
    *it->second = arg.substr(eq + 1);
  }
  for (const auto& [name, value] : flags) {
    if (value->empty()) {
      std::fprintf(stderr, "gen_ident_data: missing %s=PATH\n", name.c_str());
      return 2;
    }
  }
  try {
    Generator(in).Run();
  } catch (const std::exception& e) {  // nlohmann::json errors and our own Fail()
    std::fprintf(stderr, "gen_ident_data: %s\n", e.what());
    return 1;
  }
  return 0;
}
