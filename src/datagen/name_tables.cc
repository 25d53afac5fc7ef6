#include "datagen/name_tables.h"

#include <array>
#include <string_view>
#include <unordered_map>

#include "datagen/internal/vn_names_data.h"
#include "text/fold.h"
#include "text/unicode.h"

namespace ndc::datagen {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// U+00D0 (Ð) -> U+0110 (Đ): the defect of the duyet files (data/vn-names/README.md).
std::string FixEth(std::string_view s) {
  std::string out(s);
  for (size_t i = 0; i + 1 < out.size(); ++i) {
    if (static_cast<unsigned char>(out[i]) == 0xC3 && static_cast<unsigned char>(out[i + 1]) == 0x90) {
      out[i] = static_cast<char>(0xC4);
    }
  }
  return out;
}

template <typename F>
void ForEachLine(std::string_view text, F&& f) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    if (!line.empty()) f(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// The quoted strings of a line, in order: `"traditional": ["Văn","Hữu"]` -> traditional, Văn, Hữu.
std::vector<std::string_view> QuotedStrings(std::string_view line) {
  std::vector<std::string_view> out;
  for (;;) {
    size_t a = line.find('"');
    if (a == std::string_view::npos) break;
    size_t b = line.find('"', a + 1);
    if (b == std::string_view::npos) break;
    out.push_back(line.substr(a + 1, b - a - 1));
    line.remove_prefix(b + 1);
  }
  return out;
}

int RegionIndex(std::string_view s) {
  if (s == "north") return 0;
  if (s == "central") return 1;
  if (s == "south") return 2;
  return -1;
}

std::string AsciiTitle(std::string_view folded) {
  std::string out(folded);
  bool start = true;
  for (char& c : out) {
    if (start && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    start = (c == ' ' || c == '-');
  }
  return out;
}

std::string AsciiUpper(std::string_view folded) {
  std::string out(folded);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

// Common foreign names, for foreign nationals who appear in agency data but not in the registry.
constexpr std::array<std::string_view, 12> kForeignSurnames = {
    "Zhang", "Wang", "Li", "Chen", "Kim", "Lee", "Park", "Tanaka", "Sato", "Smith", "Johnson", "Brown"};
constexpr std::array<std::string_view, 12> kForeignGiven = {
    "Wei", "Jing", "Min-jun", "Ji-hoon", "Seo-yeon", "Hiroshi", "Yuki", "John", "Michael", "Anna", "Maria", "David"};

}  // namespace

const NameTables& NameTables::Get() {
  static const NameTables* tables = new NameTables();
  return *tables;
}

uint16_t NameTables::Intern(const std::string& title) {
  auto it = index_.find(title);
  if (it != index_.end()) return it->second;
  NameToken t;
  t.title = title;
  t.upper = text::ToUpper(title).value_or(title);
  const std::string folded = text::FoldVietnamese(title);
  t.ascii_title = AsciiTitle(folded);
  t.ascii_upper = AsciiUpper(folded);
  tokens_.push_back(std::move(t));
  index_.emplace(title, static_cast<uint16_t>(tokens_.size() - 1));
  return static_cast<uint16_t>(tokens_.size() - 1);
}

NameTables::NameTables() {
  // Surnames: one line per region, `  north: "Nguyễn:31.5|Trần:10.9|...",`.
  std::vector<std::string> surname_names;
  std::vector<double> weights[3];
  ForEachLine(internal::kSurnameTs, [&](std::string_view line) {
    size_t colon = line.find(": \"");
    if (colon == std::string_view::npos) return;
    int region = RegionIndex(line.substr(0, colon));
    if (region < 0) return;
    std::string_view list = line.substr(colon + 3);
    list = list.substr(0, list.find('"'));
    while (!list.empty()) {
      size_t bar = list.find('|');
      std::string_view entry = list.substr(0, bar);
      size_t sep = entry.rfind(':');
      std::string name(entry.substr(0, sep));
      double weight = std::stod(std::string(entry.substr(sep + 1)));
      // "Vũ Văn" is in practice the surname Vũ with the middle name Văn (data/vn-names/README.md).
      if (name != "Vũ Văn") {
        size_t idx = 0;
        while (idx < surname_names.size() && surname_names[idx] != name) ++idx;
        if (idx == surname_names.size()) {
          surname_names.push_back(name);
          for (auto& w : weights) w.push_back(0);
        }
        weights[region][idx] = weight;
      }
      if (bar == std::string_view::npos) break;
      list.remove_prefix(bar + 1);
    }
  });
  for (const auto& n : surname_names) surnames_.push_back(Intern(n));
  for (int r = 0; r < 3; ++r) surname_weights_[r] = WeightedChoice(weights[r]);

  // Middle names: nested objects sex -> region -> era -> list.
  int sex = -1, region = -1;
  ForEachLine(internal::kMiddleNameTs, [&](std::string_view line) {
    auto q = QuotedStrings(line);
    if (q.empty()) return;
    if (q[0] == "male") { sex = 0; return; }
    if (q[0] == "female") { sex = 1; return; }
    if (q[0] == "unisex") { sex = 2; return; }
    if (RegionIndex(q[0]) >= 0) { region = RegionIndex(q[0]); return; }
    int era = q[0] == "traditional" ? 0 : q[0] == "modern" ? 1 : -1;
    if (era < 0 || sex < 0 || region < 0) return;
    for (size_t i = 1; i < q.size(); ++i) {
      uint16_t id = Intern(std::string(q[i]));
      // Unisex names are possible for both sexes, after the sex's own names.
      for (int s = 0; s < 2; ++s) {
        if (sex == s || sex == 2) middle_[s][region][era].push_back(id);
      }
    }
  });
  for (int s = 0; s < 2; ++s) {
    for (int r = 0; r < 3; ++r) {
      for (int e = 0; e < 2; ++e) {
        // Lists are ordered most common first: the first name weighs 6, the second 2, the rest 1
        // ("Văn" and "Thị" dominate traditional middle names).
        std::vector<double> w(middle_[s][r][e].size(), 1.0);
        if (!w.empty()) w[0] = 6;
        if (w.size() > 1) w[1] = 2;
        middle_weights_[s][r][e] = WeightedChoice(w);
      }
    }
  }

  const std::string_view one_word[2] = {internal::kBoyOneWordTxt, internal::kGirlOneWordTxt};
  const std::string_view two_word[2] = {internal::kBoyTxt, internal::kGirlTxt};
  for (int s = 0; s < 2; ++s) {
    ForEachLine(one_word[s], [&](std::string_view line) {
      if (line.find(' ') == std::string_view::npos) one_word_[s].push_back(Intern(FixEth(line)));
    });
    ForEachLine(two_word[s], [&](std::string_view line) {
      std::string fixed = FixEth(line);
      size_t sp = fixed.find(' ');
      if (sp == std::string::npos || fixed.find(' ', sp + 1) != std::string::npos) return;
      two_word_[s].emplace_back(Intern(fixed.substr(0, sp)), Intern(fixed.substr(sp + 1)));
    });
  }
  for (auto n : kForeignSurnames) foreign_surnames_.push_back(Intern(std::string(n)));
  for (auto n : kForeignGiven) foreign_given_.push_back(Intern(std::string(n)));
}

PersonName NameTables::Draw(ident::Sex sex, Region region, int birth_year, Rng* rng) const {
  const int s = sex == ident::Sex::kMale ? 0 : 1;
  const int r = static_cast<int>(region);
  PersonName name;
  name.surname = surnames_[surname_weights_[r].Draw(rng)];
  // Era of naming fashion: traditional before 1990, modern from 2000, a mix in between.
  const bool modern = birth_year >= 2000 || (birth_year >= 1990 && rng->Chance(0.5));
  const double two_word_share = modern ? 0.6 : 0.25;
  if (rng->Chance(two_word_share)) {
    const auto& [mid, given] = two_word_[s][rng->Below(two_word_[s].size())];
    // Some modern names carry a second middle name ("Nguyễn Ngọc Bảo Anh").
    if (modern && rng->Chance(0.2)) {
      name.middle[0] = middle_[s][r][1][middle_weights_[s][r][1].Draw(rng)];
      name.middle[1] = mid;
      if (name.middle[0] == mid) name.middle[1] = kNoToken;
    } else {
      name.middle[0] = mid;
    }
    name.given = given;
  } else {
    const int era = modern ? 1 : 0;
    name.middle[0] = middle_[s][r][era][middle_weights_[s][r][era].Draw(rng)];
    name.given = one_word_[s][rng->Below(one_word_[s].size())];
  }
  return name;
}

PersonName NameTables::DrawForeign(Rng* rng) const {
  PersonName name;
  name.surname = foreign_surnames_[rng->Below(foreign_surnames_.size())];
  name.given = foreign_given_[rng->Below(foreign_given_.size())];
  return name;
}

}  // namespace ndc::datagen
