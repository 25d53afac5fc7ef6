// datagen/name_tables: the Vietnamese name tables the generator draws full names from, built once
// from the files in data/vn-names (embedded in the binary at configure time, see CMakeLists.txt;
// origins and licences in data/vn-names/README.md). Model: docs/design/datagen.md#names.
//
//   surnames      hungnguyen18 surname.ts: weights by region (north / central / south)
//   middle names  hungnguyen18 middle-name.ts: by sex x region x era (traditional / modern)
//   given names   duyet boy_one_word.txt / girl_one_word.txt (one syllable) and boy.txt / girl.txt
//                 (two syllables: a middle name and a given name)
//
// The duyet files write U+00D0 (Ð, Icelandic eth) for U+0110 (Đ) in about 200 lines; the loader
// maps it, so no generated name contains U+00D0.
//
// Every name part is an interned token with its four spellings precomputed (title case and upper
// case, with and without diacritics), so writing a name in an agency's convention costs no
// Unicode work per row. Thread-safe: Get() builds the tables once under the guarantee for
// function-local statics; they are immutable afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "datagen/random.h"
#include "ident/personal_id.h"

namespace ndc::datagen {

enum class Region : uint8_t { kNorth, kCentral, kSouth };

struct NameToken {
  std::string title;        // "Nguyễn", "Tôn Thất"
  std::string upper;        // "NGUYỄN"
  std::string ascii_title;  // "Nguyen"
  std::string ascii_upper;  // "NGUYEN"
};

inline constexpr uint16_t kNoToken = 0xFFFF;

// A full name as token ids: surname, zero to two middle names, given name.
struct PersonName {
  uint16_t surname = kNoToken;
  uint16_t middle[2] = {kNoToken, kNoToken};
  uint16_t given = kNoToken;
};

class NameTables {
 public:
  static const NameTables& Get();

  const NameToken& token(uint16_t id) const { return tokens_[id]; }
  size_t token_count() const { return tokens_.size(); }

  // A Vietnamese name for someone of this sex, born in `birth_year`, whose family comes from
  // `region` (surname weights; middle names by region and era).
  PersonName Draw(ident::Sex sex, Region region, int birth_year, Rng* rng) const;
  // A foreign national's name (a small fixed list of common Chinese, Korean, Japanese and English
  // names), surname first like the others.
  PersonName DrawForeign(Rng* rng) const;

  // For tests: the table sizes after loading.
  size_t surname_count() const { return surnames_.size(); }
  size_t one_word_given_count(ident::Sex sex) const { return one_word_[static_cast<int>(sex)].size(); }
  size_t two_word_given_count(ident::Sex sex) const { return two_word_[static_cast<int>(sex)].size(); }

 private:
  NameTables();
  uint16_t Intern(const std::string& title);

  std::vector<NameToken> tokens_;
  std::unordered_map<std::string, uint16_t> index_;  // title -> id, used while loading
  std::vector<uint16_t> surnames_;
  WeightedChoice surname_weights_[3];  // by Region
  // [sex][region][era 0 traditional / 1 modern] -> tokens, most common first.
  std::vector<uint16_t> middle_[2][3][2];
  WeightedChoice middle_weights_[2][3][2];
  std::vector<uint16_t> one_word_[2];
  std::vector<std::pair<uint16_t, uint16_t>> two_word_[2];
  std::vector<uint16_t> foreign_surnames_, foreign_given_;
};

}  // namespace ndc::datagen
