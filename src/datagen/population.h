// datagen/population: the synthetic national population, the truth every agency dataset is
// derived from. Households of related people (head, spouse, children, a parent of the head) in
// real current communes; 12-digit personal IDs with the structure of Circular 07/2016 (all
// unique); names from the real tables (name_tables.h); ethnicity and religion with 2019 census
// shares; deaths in the five years before `as_of`; social insurance numbers, old 9-digit ID
// numbers and occupations for the agency datasets; and a small pool of people absent from the
// registry (foreign nationals, unregistered residents). Model and sources:
// docs/design/datagen.md#population-model.
//
// Deterministic: a (seed, options) pair gives the same population on every platform. Pure
// function of its inputs; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "datagen/name_tables.h"
#include "ident/date.h"
#include "ident/personal_id.h"

namespace ndc::datagen {

enum class Relation : uint8_t { kHead, kSpouse, kChild, kParent, kNone };
enum class Occupation : uint8_t { kNone, kWorker, kCivilServant, kPensioner, kPupil, kStudent };

// Days since 1970-01-01 marking "alive" in Person::death_day.
inline constexpr int32_t kAlive = INT32_MIN;

struct Person {
  uint64_t personal_id = 0;  // the 12 digits as a number; 0 for people absent from the registry
  PersonName name;
  int32_t birth_day = 0;  // days since 1970-01-01
  int32_t death_day = kAlive;
  ident::Sex sex = ident::Sex::kMale;
  bool registered = true;  // in the population registry
  bool foreign = false;    // a foreign national (never registered)
  Relation relation = Relation::kNone;
  Occupation occupation = Occupation::kNone;
  uint8_t ethnic = 0;        // index into ident::EthnicGroups()
  uint8_t religion = 0;      // index into Religions()
  uint8_t registration = 0;  // index into ident::RegistrationProvinces(): ID digits 1-3
  uint16_t origin_province = 0;    // index into ident::CurrentProvinces(): quê quán
  uint16_t permanent_commune = 0;  // index into ident::CurrentCommunes()
  uint16_t current_commune = 0;
  uint32_t household = UINT32_MAX;  // index into Population::households, registered only
  int32_t father = -1, mother = -1, spouse = -1;  // person numbers, when in the population
  uint64_t social_insurance_number = 0;  // 10 digits; 0 = none
  uint32_t old_id = 0;                   // 9-digit CMND; 0 = none

  bool alive() const { return death_day == kAlive; }
  ident::Date birth() const { return ident::DateFromDaysSinceEpoch(birth_day); }
};

struct Household {
  uint32_t head = 0;
  uint16_t commune = 0;
  std::string number;  // the residence file number: commune code + 8-digit sequence
};

struct PopulationOptions {
  size_t persons = 10000;  // registered people, at least 1
  uint64_t seed = 1;
  ident::Date as_of{2026, 1, 1};
  int province = -1;  // index into ident::CurrentProvinces() to confine everyone to; -1: the nation
  double absent_share = 0.02;  // extra people absent from the registry, as a share of `persons`
};

struct Population {
  // Registered people first (person number = index < registered_count), then the absent ones.
  std::vector<Person> persons;
  size_t registered_count = 0;
  std::vector<Household> households;
  ident::Date as_of;
};

// Errors: kInvalidArgument "persons must be at least 1" / "absent_share must be in [0, 1]".
Result<Population> GeneratePopulation(const PopulationOptions& options);

// The 12 digits of a personal ID number (zero-padded).
std::string FormatPersonalId(uint64_t id);
// Religion names as written in the registry ("Không", "Công giáo", ...), index 0 = none.
std::span<const std::string_view> Religions();
// Age in whole years on `day`.
int AgeOn(const Person& p, int32_t day);

}  // namespace ndc::datagen
