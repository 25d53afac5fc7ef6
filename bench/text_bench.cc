// text_bench: ndc::text on Vietnamese full names against generic baselines from the same run.
//
//   FoldVietnamese       vs an ICU Transliterator "NFD; [:Nonspacing Mark:] Remove; NFC; Lower"
//                           (created once) followed by đ -> d: the usual generic way to fold names;
//   NormalizeNfc         vs icu::Normalizer2::getNFCInstance()->normalizeUTF8 called directly;
//   JaroWinklerSimilarity (code points) vs the textbook algorithm on std::u32string (below).
//
// Inputs: 4,096 synthetic full names, surnames drawn by the northern-region weights of
// data/vn-names/.../surname.ts, middle and given names from common ones listed here; written as
// NFC title case, NFD, upper case, NFD upper case and diacritic-free upper case. Before timing,
// the program checks that each NDC function and its baseline agree on every input and prints any
// disagreement (they are expected to agree on these inputs).
//
// Timing: Google Benchmark with a custom main; see bench/bench_summary.h for the method (median of
// repetitions, CPU time, one operation per iteration).
#include <unicode/bytestream.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "bench_summary.h"
#include "text/fold.h"
#include "text/similarity.h"
#include "text/unicode.h"

namespace {

using ndc::bench::Register;
using ndc::bench::Side;

constexpr size_t kInputCount = 4096;  // a power of two: the input index is masked, not divided
constexpr size_t kMask = kInputCount - 1;

// --- Input names --------------------------------------------------------------------------------

const char* const kMiddleNames[] = {"Văn",   "Thị",    "Hữu",   "Đức",  "Minh", "Ngọc",  "Thanh", "Quốc",
                                    "Xuân",  "Thu",    "Hoàng", "Gia",  "Bảo",  "Anh",   "Kim",   "Thùy",
                                    "Mỹ",    "Phương", "Quang", "Đình", "Công", "Trọng", "Tuấn",  "Hồng",
                                    "Khánh", "Diệu",   "Bích",  "Thế",  "Như",  "Trung", "Việt",  "Đăng"};

const char* const kGivenNames[] = {
    "An",    "Anh",   "Bảo", "Bình",  "Chi",    "Cường", "Dũng",  "Duy",   "Dương",  "Đạt",  "Đức",
    "Giang", "Hà",    "Hải", "Hạnh",  "Hiếu",   "Hoa",   "Hòa",   "Hoàng", "Hồng",   "Huệ",  "Hùng",
    "Hưng",  "Hương", "Huy", "Huyền", "Khánh",  "Khoa",  "Lan",   "Linh",  "Loan",   "Long", "Mai",
    "Minh",  "My",    "Nam", "Nga",   "Ngọc",   "Nhung", "Phong", "Phúc",  "Phương", "Quân", "Quang",
    "Quỳnh", "Sơn",   "Tâm", "Thảo",  "Thắng",  "Thanh", "Thành", "Thịnh", "Thu",    "Thủy", "Tiến",
    "Toàn",  "Trang", "Trí", "Trung", "Tú",     "Tuấn",  "Tùng",  "Uyên",  "Vân",    "Việt", "Vinh",
    "Vy",    "Xuân",  "Yến", "Khải",  "Nguyệt", "Ánh",   "Diệp",  "Hằng",  "Kiên",   "Lộc",  "Nghĩa",
    "Oanh",  "Quyết", "Thư", "Trâm",  "Trinh",  "Tường", "Khuê",  "Hiền",  "Nhàn",   "Quế",  "Đông"};

struct Weighted {
  std::string name;
  double weight;
};

// Surnames and weights of the "north" line of surname.ts ("Nguyễn:31.5|Trần:10.9|...").
std::vector<Weighted> LoadSurnames() {
  const std::string path =
      std::string(NDC_VN_NAMES_DIR) + "/hungnguyen18-vietnamese-name-generator/surname.ts";
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const size_t key = line.find("north: \"");
    if (key == std::string::npos) continue;
    const size_t begin = key + 8;
    const std::string compact = line.substr(begin, line.find('"', begin) - begin);
    std::vector<Weighted> out;
    std::stringstream entries(compact);
    std::string entry;
    while (std::getline(entries, entry, '|')) {
      const size_t colon = entry.rfind(':');
      out.push_back({entry.substr(0, colon), std::stod(entry.substr(colon + 1))});
    }
    return out;
  }
  std::fprintf(stderr, "text_bench: no surname weights in %s\n", path.c_str());
  std::exit(1);
}

std::string ToUtf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

icu::UnicodeString FromUtf8(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

std::string Nfd(const std::string& s) {
  UErrorCode ec = U_ZERO_ERROR;
  return ToUtf8(icu::Normalizer2::getNFDInstance(ec)->normalize(FromUtf8(s), ec));
}

std::string Upper(const std::string& s) { return ToUtf8(FromUtf8(s).toUpper(icu::Locale::getRoot())); }

// --- Baselines ----------------------------------------------------------------------------------

// The generic ICU fold: one transliterator, built once, then đ -> d (đ has no decomposition).
class IcuFolder {
 public:
  IcuFolder() {
    UErrorCode ec = U_ZERO_ERROR;
    translit_.reset(icu::Transliterator::createInstance("NFD; [:Nonspacing Mark:] Remove; NFC; Lower",
                                                        UTRANS_FORWARD, ec));
    if (U_FAILURE(ec)) {
      std::fprintf(stderr, "text_bench: transliterator: %s\n", u_errorName(ec));
      std::exit(1);
    }
  }

  std::string Fold(std::string_view s) const {
    icu::UnicodeString u = FromUtf8(s);
    translit_->transliterate(u);
    for (int32_t i = 0; i < u.length(); ++i) {
      if (u.charAt(i) == u'\u0111') u.setCharAt(i, u'd');
    }
    return ToUtf8(u);
  }

 private:
  std::unique_ptr<icu::Transliterator> translit_;
};

std::string IcuNfc(const icu::Normalizer2& nfc, std::string_view s) {
  std::string out;
  out.reserve(s.size());
  icu::StringByteSink<std::string> sink(&out);
  UErrorCode ec = U_ZERO_ERROR;
  nfc.normalizeUTF8(0, icu::StringPiece(s.data(), static_cast<int32_t>(s.size())), sink, nullptr, ec);
  return out;
}

// Jaro–Winkler as textbooks give it: flag vectors allocated per call, prefix bonus above 0.7.
double TextbookJaroWinkler(const std::u32string& s1, const std::u32string& s2) {
  const size_t len1 = s1.size(), len2 = s2.size();
  if (len1 == 0 && len2 == 0) return 1.0;
  if (len1 == 0 || len2 == 0) return 0.0;
  const size_t half = std::max(len1, len2) / 2;
  const size_t match_distance = half > 0 ? half - 1 : 0;
  std::vector<bool> matched1(len1, false), matched2(len2, false);
  size_t matches = 0;
  for (size_t i = 0; i < len1; ++i) {
    const size_t start = i >= match_distance ? i - match_distance : 0;
    const size_t end = std::min(i + match_distance + 1, len2);
    for (size_t k = start; k < end; ++k) {
      if (matched2[k] || s1[i] != s2[k]) continue;
      matched1[i] = matched2[k] = true;
      ++matches;
      break;
    }
  }
  if (matches == 0) return 0.0;
  size_t transpositions = 0;
  for (size_t i = 0, k = 0; i < len1; ++i) {
    if (!matched1[i]) continue;
    while (!matched2[k]) ++k;
    if (s1[i] != s2[k]) ++transpositions;
    ++k;
  }
  const double m = static_cast<double>(matches);
  const double t = static_cast<double>(transpositions) / 2.0;
  const double jaro = (m / static_cast<double>(len1) + m / static_cast<double>(len2) + (m - t) / m) / 3.0;
  if (jaro <= 0.7) return jaro;
  size_t prefix = 0;
  while (prefix < std::min<size_t>({4, len1, len2}) && s1[prefix] == s2[prefix]) ++prefix;
  return jaro + static_cast<double>(prefix) * 0.1 * (1.0 - jaro);
}

// --- Data sets ----------------------------------------------------------------------------------

struct Data {
  std::vector<std::string> nfc;    // NFC title case: "Nguyễn Thị Minh Khai"
  std::vector<std::string> nfd;    // the same names in NFD
  std::vector<std::string> mixed;  // 40% NFC, 20% NFD, 20% upper, 10% NFD upper, 10% ASCII upper
  std::vector<std::pair<std::u32string, std::u32string>> pairs;  // folded name pairs
};

Data BuildData(const IcuFolder& icu_folder) {
  const std::vector<Weighted> surnames = LoadSurnames();
  std::vector<double> weights;
  for (const Weighted& s : surnames) weights.push_back(s.weight);
  std::mt19937 rng(20260101);
  std::discrete_distribution<size_t> pick_surname(weights.begin(), weights.end());
  std::uniform_int_distribution<size_t> pick_middle(0, std::size(kMiddleNames) - 1);
  std::uniform_int_distribution<size_t> pick_given(0, std::size(kGivenNames) - 1);
  std::uniform_int_distribution<int> percent(0, 99);

  Data d;
  for (size_t i = 0; i < kInputCount; ++i) {
    std::string name = surnames[pick_surname(rng)].name;
    const int p = percent(rng);
    const int middles = p < 5 ? 0 : p < 80 ? 1 : 2;
    for (int m = 0; m < middles; ++m) name += std::string(" ") + kMiddleNames[pick_middle(rng)];
    name += std::string(" ") + kGivenNames[pick_given(rng)];
    d.nfc.push_back(name);
    d.nfd.push_back(Nfd(name));
    const int v = percent(rng);
    d.mixed.push_back(v < 40   ? name
                      : v < 60 ? Nfd(name)
                      : v < 80 ? Upper(name)
                      : v < 90 ? Nfd(Upper(name))
                               : Upper(icu_folder.Fold(name)));
  }

  // Linkage-like pairs of folded names: half a name and a one-edit typo of it, a quarter two
  // names with the same surname, a quarter two unrelated names.
  std::vector<std::string> folded;
  for (const std::string& s : d.nfc) folded.push_back(ndc::text::FoldVietnamese(s));
  std::uniform_int_distribution<size_t> pick_name(0, kInputCount - 1);
  for (size_t i = 0; i < kInputCount; ++i) {
    const std::string& a = folded[i];
    std::string b;
    const int kind = percent(rng);
    if (kind < 50) {
      b = a;
      const size_t at = 1 + std::uniform_int_distribution<size_t>(0, b.size() - 3)(rng);
      switch (percent(rng) % 4) {
        case 0:  // transposition
          std::swap(b[at], b[at + 1]);
          break;
        case 1:  // deletion
          b.erase(at, 1);
          break;
        case 2:  // substitution
          b[at] = static_cast<char>('a' + percent(rng) % 26);
          break;
        default:  // insertion
          b.insert(at, 1, static_cast<char>('a' + percent(rng) % 26));
          break;
      }
    } else if (kind < 75) {
      const std::string& other = folded[pick_name(rng)];
      b = a.substr(0, a.find(' ')) + other.substr(other.find(' '));
    } else {
      b = folded[pick_name(rng)];
    }
    d.pairs.emplace_back(ndc::text::DecodeUtf8Lossy(a), ndc::text::DecodeUtf8Lossy(b));
  }
  return d;
}

// Prints inputs on which the NDC function and its baseline disagree; returns their number.
size_t CheckAgreement(const Data& d, const IcuFolder& icu_folder, const icu::Normalizer2& nfc) {
  size_t fold_diff = 0, nfc_diff = 0, jw_diff = 0;
  auto report = [](size_t n, const char* what, const std::string& in, const std::string& a,
                   const std::string& b) {
    if (n <= 3)
      std::printf("  %s disagree on '%s': ndc '%s', baseline '%s'\n", what, in.c_str(), a.c_str(), b.c_str());
  };
  for (const auto* list : {&d.nfc, &d.nfd, &d.mixed}) {
    for (const std::string& s : *list) {
      const std::string a = ndc::text::FoldVietnamese(s), b = icu_folder.Fold(s);
      if (a != b) report(++fold_diff, "fold", s, a, b);
      const std::string n = ndc::text::NormalizeNfc(s).value(), m = IcuNfc(nfc, s);
      if (n != m) report(++nfc_diff, "NFC", s, n, m);
    }
  }
  for (const auto& [a, b] : d.pairs) {
    const double x = ndc::text::JaroWinklerSimilarity(a, b), y = TextbookJaroWinkler(a, b);
    if (std::fabs(x - y) > 1e-12) {
      report(++jw_diff, "Jaro-Winkler", ndc::text::EncodeUtf8(a) + "' / '" + ndc::text::EncodeUtf8(b),
             std::to_string(x), std::to_string(y));
    }
  }
  std::printf("agreement check: fold %zu, NFC %zu, Jaro-Winkler %zu disagreements (of %zu, %zu, %zu)\n",
              fold_diff, nfc_diff, jw_diff, 3 * kInputCount, 3 * kInputCount, kInputCount);
  return fold_diff + nfc_diff + jw_diff;
}

// Registers one benchmark applying `op` to each string of `inputs` in turn.
template <typename Op>
void RegisterOverStrings(const std::string& name, Side side, const std::string& label,
                         const std::vector<std::string>* inputs, Op op) {
  Register(name, side, label, [inputs, op](benchmark::State& state) {
    size_t i = 0;
    for (auto _ : state) benchmark::DoNotOptimize(op((*inputs)[i++ & kMask]));
  });
}

}  // namespace

int main(int argc, char** argv) {
  static const IcuFolder icu_folder;
  UErrorCode ec = U_ZERO_ERROR;
  static const icu::Normalizer2* const nfc = icu::Normalizer2::getNFCInstance(ec);
  static const Data data = BuildData(icu_folder);
  CheckAgreement(data, icu_folder, *nfc);

  auto ndc_fold = [](const std::string& s) { return ndc::text::FoldVietnamese(s); };
  auto icu_fold = [](const std::string& s) { return icu_folder.Fold(s); };
  const std::string icu_fold_label = "icu_transliterator";
  RegisterOverStrings("FoldVietnamese NFC names", Side::kNdc, "ndc", &data.nfc, ndc_fold);
  RegisterOverStrings("FoldVietnamese NFC names", Side::kBaseline, icu_fold_label, &data.nfc, icu_fold);
  RegisterOverStrings("FoldVietnamese NFD names", Side::kNdc, "ndc", &data.nfd, ndc_fold);
  RegisterOverStrings("FoldVietnamese NFD names", Side::kBaseline, icu_fold_label, &data.nfd, icu_fold);
  RegisterOverStrings("FoldVietnamese mixed names", Side::kNdc, "ndc", &data.mixed, ndc_fold);
  RegisterOverStrings("FoldVietnamese mixed names", Side::kBaseline, icu_fold_label, &data.mixed, icu_fold);

  auto ndc_nfc = [](const std::string& s) { return ndc::text::NormalizeNfc(s); };
  auto icu_nfc = [](const std::string& s) { return IcuNfc(*nfc, s); };
  RegisterOverStrings("NormalizeNfc NFD names", Side::kNdc, "ndc", &data.nfd, ndc_nfc);
  RegisterOverStrings("NormalizeNfc NFD names", Side::kBaseline, "icu_normalizer2", &data.nfd, icu_nfc);
  RegisterOverStrings("NormalizeNfc NFC names", Side::kNdc, "ndc", &data.nfc, ndc_nfc);
  RegisterOverStrings("NormalizeNfc NFC names", Side::kBaseline, "icu_normalizer2", &data.nfc, icu_nfc);

  Register("JaroWinkler folded name pairs", Side::kNdc, "ndc", [](benchmark::State& state) {
    size_t i = 0;
    for (auto _ : state) {
      const auto& [a, b] = data.pairs[i++ & kMask];
      benchmark::DoNotOptimize(ndc::text::JaroWinklerSimilarity(a, b));
    }
  });
  Register("JaroWinkler folded name pairs", Side::kBaseline, "textbook_u32string",
           [](benchmark::State& state) {
             size_t i = 0;
             for (auto _ : state) {
               const auto& [a, b] = data.pairs[i++ & kMask];
               benchmark::DoNotOptimize(TextbookJaroWinkler(a, b));
             }
           });

  return ndc::bench::RunAndSummarize(argc, argv, "text_bench");
}
