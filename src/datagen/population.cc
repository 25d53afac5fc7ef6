#include "datagen/population.h"

#include <array>
#include <cmath>

#include "datagen/geography.h"
#include "datagen/internal/unique_set.h"
#include "ident/ethnic_group.h"
#include "ident/registration_province.h"

namespace ndc::datagen {
namespace {

constexpr std::array<std::string_view, 7> kReligions = {
    "Không", "Công giáo", "Phật giáo", "Phật giáo Hòa Hảo", "Tin Lành", "Cao Đài", "Khác"};
// 2019 Population and Housing Census (GSO): 86.32 % no religion, Catholic 6.10, Buddhist 4.79,
// Hòa Hảo 1.02, Protestant 1.00, Cao Đài 0.58, other 0.19.
constexpr std::array<double, 7> kReligionShares = {86.32, 6.10, 4.79, 1.02, 1.00, 0.58, 0.19};

// 2019 census ethnic shares (%) of the 18 largest groups, by GSO code; the other 36 groups share
// the remaining 1.35 % equally.
struct EthnicShare {
  std::string_view code;
  double share;
};
constexpr std::array<EthnicShare, 18> kEthnicShares = {{
    {"01", 85.32}, {"02", 1.92}, {"03", 1.85}, {"06", 1.52}, {"08", 1.45}, {"05", 1.32},
    {"07", 1.18},  {"09", 0.93}, {"04", 0.78}, {"10", 0.54}, {"12", 0.41}, {"13", 0.29},
    {"14", 0.22},  {"15", 0.21}, {"16", 0.21}, {"17", 0.19}, {"18", 0.19}, {"19", 0.15},
}};

// Age of household heads, 5-year bands from 20 (VHLSS-like shape: few heads under 25, a plateau
// 30-59, fewer old heads as parents move in with children).
constexpr std::array<double, 14> kHeadAgeBands = {3, 7, 10, 11, 11, 11, 10, 9, 8, 4.5, 2.5, 1.5, 0.8, 0.4};

// Annual probability of death at `age` (Gompertz fit to Vietnam's 2019 life table: life expectancy
// 73.6; about 0.1 % at 30, 1 % at 60, 4 % at 75).
double AnnualDeathRate(int age) {
  if (age < 1) return 0.012;
  if (age < 30) return 0.0007;
  return std::min(0.35, 0.001 * std::exp(0.082 * (age - 30)));
}

class Builder {
 public:
  Builder(const PopulationOptions& o)
      : o_(o), rng_(DeriveSeed(o.seed, "population")), geo_(Geography::Get()), names_(NameTables::Get()),
        ids_(o.persons), bhxh_(o.persons), cmnd_(o.persons / 2) {
    as_of_day_ = static_cast<int32_t>(ident::DaysSinceEpoch(o.as_of));
    std::vector<double> eth(ident::EthnicGroups().size(), 1.35 / 36);
    for (const auto& e : kEthnicShares) eth[static_cast<size_t>(std::stoi(std::string(e.code))) - 1] = e.share;
    ethnic_ = WeightedChoice(eth);
    religion_ = WeightedChoice(kReligionShares);
    head_age_ = WeightedChoice(kHeadAgeBands);
    if (o.province >= 0) {
      auto c = geo_.CommunesOf(static_cast<uint16_t>(o.province));
      allowed_.assign(c.begin(), c.end());
    } else {
      for (size_t i = 0; i < geo_.communes().size(); ++i) allowed_.push_back(static_cast<uint16_t>(i));
    }
  }

  Population Build() {
    Population pop;
    pop.as_of = o_.as_of;
    pop.persons.reserve(o_.persons + static_cast<size_t>(o_.persons * o_.absent_share) + 8);
    while (pop.persons.size() < o_.persons) AddHousehold(&pop);
    pop.registered_count = pop.persons.size();
    const size_t absent = static_cast<size_t>(std::llround(static_cast<double>(o_.persons) * o_.absent_share));
    for (size_t i = 0; i < absent; ++i) pop.persons.push_back(AbsentPerson());
    return pop;
  }

 private:
  int32_t BirthDayForAge(int age) {
    return as_of_day_ - static_cast<int32_t>(age * 365 + age / 4) - static_cast<int32_t>(rng_.Below(365)) - 1;
  }

  Person NewPerson(ident::Sex sex, int age, uint16_t commune, Region region) {
    Person p;
    p.sex = sex;
    p.birth_day = BirthDayForAge(age);
    const int year = ident::DateFromDaysSinceEpoch(p.birth_day).year;
    p.name = names_.Draw(sex, region, year, &rng_);
    p.permanent_commune = p.current_commune = commune;
    return p;
  }

  void AssignIdentity(Person* p, const CommuneInfo& home, bool born_here) {
    auto regs = ident::RegistrationProvinces();
    p->registration = born_here || !rng_.Chance(0.3) ? home.registration
                                                     : static_cast<uint8_t>(rng_.Below(regs.size()));
    const ident::Date birth = p->birth();
    const int year = birth.year;
    const int digit4 = (year / 100 - 19) * 2 + (p->sex == ident::Sex::kFemale ? 1 : 0);
    const uint64_t prefix = static_cast<uint64_t>(std::stoi(std::string(regs[p->registration].prefix)));
    const uint64_t head = ((prefix * 10 + static_cast<uint64_t>(digit4)) * 100 + static_cast<uint64_t>(year % 100));
    do {
      p->personal_id = head * 1000000 + rng_.Below(1000000);
    } while (!ids_.Insert(p->personal_id));
    p->origin_province = rng_.Chance(0.85) ? static_cast<uint16_t>(geo_.FindProvince(regs[p->registration].merged_into->code))
                                           : static_cast<uint16_t>(rng_.Below(ident::CurrentProvinces().size()));
    // Old 9-digit identity card: most people adult before the chip card (2016-2021) had one.
    if (year < 2003 && rng_.Chance(0.8)) {
      uint32_t v;
      do v = static_cast<uint32_t>(rng_.Between(10000000, 399999999)); while (!cmnd_.Insert(v));
      p->old_id = v;
    }
  }

  void AssignInsurance(Person* p, std::string_view gso) {
    const int age = AgeOn(*p, as_of_day_);
    const bool male = p->sex == ident::Sex::kMale;
    if (age >= 6 && age <= 10 && rng_.Chance(0.99)) p->occupation = Occupation::kPupil;
    else if (age >= 11 && age <= 14 && rng_.Chance(0.93)) p->occupation = Occupation::kPupil;
    else if (age >= 15 && age <= 17 && rng_.Chance(0.72)) p->occupation = Occupation::kPupil;
    else if (age >= 18 && age <= 22 && rng_.Chance(0.28)) p->occupation = Occupation::kStudent;
    else if (age >= 23 && age <= (male ? 61 : 60)) {
      if (rng_.Chance(0.045)) p->occupation = Occupation::kCivilServant;
      else if (rng_.Chance(0.42)) p->occupation = Occupation::kWorker;
    } else if (age > 60 && rng_.Chance(0.3)) {
      p->occupation = Occupation::kPensioner;
    }
    // Everyone ever insured has a social insurance number: 2 digits of the province, 8 random.
    const bool insured = p->occupation == Occupation::kWorker || p->occupation == Occupation::kCivilServant ||
                         p->occupation == Occupation::kPensioner || rng_.Chance(0.95);
    if (!insured) return;
    const uint64_t province = static_cast<uint64_t>(std::stoi(std::string(gso)));
    do {
      p->social_insurance_number = province * 100000000 + rng_.Below(100000000);
    } while (!bhxh_.Insert(p->social_insurance_number));
  }

  void MaybeDie(Person* p) {
    const int age = AgeOn(*p, as_of_day_);
    // The registry holds deaths of the last five years.
    double q = 0;
    for (int k = 0; k < 5 && age - k >= 0; ++k) q += AnnualDeathRate(age - k);
    if (!rng_.Chance(q)) return;
    const int32_t earliest = std::max(p->birth_day + 1, as_of_day_ - 5 * 365);
    if (earliest >= as_of_day_) return;
    p->death_day = static_cast<int32_t>(rng_.Between(earliest, as_of_day_ - 1));
  }

  void AddHousehold(Population* pop) {
    const uint16_t commune = allowed_[rng_.Below(allowed_.size())];
    const CommuneInfo& home = geo_.communes()[commune];
    const Region region = home.region;
    std::vector<Person> members;
    std::vector<Relation> rel;
    int head_age = 20 + static_cast<int>(head_age_.Draw(&rng_)) * 5 + static_cast<int>(rng_.Below(5));
    const ident::Sex head_sex = rng_.Chance(0.74) ? ident::Sex::kMale : ident::Sex::kFemale;
    members.push_back(NewPerson(head_sex, head_age, commune, region));
    rel.push_back(Relation::kHead);
    const double married_p = head_age < 25 ? 0.5 : head_age < 65 ? 0.88 : head_age < 75 ? 0.7 : 0.5;
    int mother = head_sex == ident::Sex::kFemale ? 0 : -1, father = head_sex == ident::Sex::kMale ? 0 : -1;
    if (rng_.Chance(married_p)) {
      const int gap = static_cast<int>(rng_.Between(0, 6));
      const int age = head_sex == ident::Sex::kMale ? std::max(18, head_age - gap) : head_age + gap;
      const ident::Sex s = head_sex == ident::Sex::kMale ? ident::Sex::kFemale : ident::Sex::kMale;
      members.push_back(NewPerson(s, age, commune, region));
      rel.push_back(Relation::kSpouse);
      (s == ident::Sex::kFemale ? mother : father) = 1;
    } else if (head_sex == ident::Sex::kMale || !rng_.Chance(0.3)) {
      mother = -1;  // a single head without children living with them
      father = -1;
    }
    if (mother >= 0) {
      const int mother_age = AgeOn(members[static_cast<size_t>(mother)], as_of_day_);
      const int mother_year = ident::DateFromDaysSinceEpoch(members[static_cast<size_t>(mother)].birth_day).year;
      static constexpr double kOld[] = {0.03, 0.1, 0.27, 0.3, 0.18, 0.12};  // born before 1970
      static constexpr double kNew[] = {0.08, 0.22, 0.5, 0.16, 0.04, 0.0};
      const double* dist = mother_year < 1970 ? kOld : kNew;
      double u = rng_.Unit();
      int children = 0;
      while (children < 5 && u >= dist[children]) u -= dist[children++];
      for (int c = 0; c < children; ++c) {
        const int age = mother_age - static_cast<int>(rng_.Between(19, 38));
        if (age < 0) continue;
        const double stays = age < 18 ? 1.0 : age < 25 ? 0.6 : age < 35 ? 0.15 : 0.03;
        if (!rng_.Chance(stays)) continue;
        members.push_back(NewPerson(rng_.Chance(0.512) ? ident::Sex::kMale : ident::Sex::kFemale, age, commune, region));
        // Children carry the father's surname.
        if (father >= 0) members.back().name.surname = members[static_cast<size_t>(father)].name.surname;
        rel.push_back(Relation::kChild);
      }
    }
    int grandparent = -1;
    if (head_age < 60 && rng_.Chance(0.15)) {
      const int age = head_age + static_cast<int>(rng_.Between(22, 35));
      if (age <= 95) {
        const ident::Sex s = rng_.Chance(0.62) ? ident::Sex::kFemale : ident::Sex::kMale;
        members.push_back(NewPerson(s, age, commune, region));
        if (s == ident::Sex::kMale) members.back().name.surname = members[0].name.surname;
        rel.push_back(Relation::kParent);
        grandparent = static_cast<int>(members.size()) - 1;
      }
    }
    if (pop->persons.size() + members.size() > o_.persons) {  // last household: keep the head only
      members.resize(1);
      rel.resize(1);
      mother = father = grandparent = -1;
    }
    const uint32_t base = static_cast<uint32_t>(pop->persons.size());
    const uint32_t hh = static_cast<uint32_t>(pop->households.size());
    const size_t eth = ethnic_.Draw(&rng_), relg = religion_.Draw(&rng_);
    std::string_view gso = ident::RegistrationProvinces()[home.registration].gso_code;
    for (size_t i = 0; i < members.size(); ++i) {
      Person& p = members[i];
      p.relation = rel[i];
      p.household = hh;
      p.ethnic = static_cast<uint8_t>(rng_.Chance(0.93) ? eth : ethnic_.Draw(&rng_));
      p.religion = static_cast<uint8_t>(rng_.Chance(0.95) ? relg : religion_.Draw(&rng_));
      AssignIdentity(&p, home, rel[i] == Relation::kChild);
      AssignInsurance(&p, gso);
      if (rel[i] == Relation::kChild) {
        if (father >= 0) p.father = static_cast<int32_t>(base) + father;
        if (mother >= 0) p.mother = static_cast<int32_t>(base) + mother;
        if (father >= 0) p.origin_province = members[static_cast<size_t>(father)].origin_province;
      }
      // Young adults move for study and work: current residence differs from the permanent one.
      const int age = AgeOn(p, as_of_day_);
      if (age >= 18 && age <= 40 && rng_.Chance(0.2)) {
        p.current_commune = allowed_[rng_.Below(allowed_.size())];
      }
      MaybeDie(&p);
    }
    if (members.size() > 1 && rel[1] == Relation::kSpouse) {
      members[0].spouse = static_cast<int32_t>(base) + 1;
      members[1].spouse = static_cast<int32_t>(base);
    }
    if (grandparent >= 0) {
      (members[static_cast<size_t>(grandparent)].sex == ident::Sex::kMale ? members[0].father : members[0].mother) =
          static_cast<int32_t>(base) + grandparent;
    }
    Household h;
    h.head = base;
    h.commune = commune;
    h.number = std::string(home.unit->code);
    char seq[16];
    std::snprintf(seq, sizeof(seq), "%08u", hh + 1);
    h.number += seq;
    pop->households.push_back(std::move(h));
    for (auto& m : members) pop->persons.push_back(std::move(m));
  }

  Person AbsentPerson() {
    const uint16_t commune = allowed_[rng_.Below(allowed_.size())];
    const CommuneInfo& home = geo_.communes()[commune];
    const ident::Sex sex = rng_.Chance(0.5) ? ident::Sex::kMale : ident::Sex::kFemale;
    const int age = static_cast<int>(rng_.Between(1, 65));
    Person p = NewPerson(sex, age, commune, home.region);
    p.registered = false;
    p.foreign = rng_.Chance(0.4);
    if (p.foreign) p.name = names_.DrawForeign(&rng_);
    p.ethnic = static_cast<uint8_t>(ethnic_.Draw(&rng_));
    p.registration = home.registration;
    p.origin_province = home.province;
    AssignInsurance(&p, ident::RegistrationProvinces()[home.registration].gso_code);
    if (p.social_insurance_number == 0) {  // foreign workers contribute too (Decree 143/2018)
      do {
        p.social_insurance_number = 9700000000ULL + rng_.Below(100000000);
      } while (!bhxh_.Insert(p.social_insurance_number));
    }
    return p;
  }

  const PopulationOptions& o_;
  Rng rng_;
  const Geography& geo_;
  const NameTables& names_;
  internal::UniqueSet ids_, bhxh_, cmnd_;
  WeightedChoice ethnic_, religion_, head_age_;
  std::vector<uint16_t> allowed_;
  int32_t as_of_day_ = 0;
};

}  // namespace

std::span<const std::string_view> Religions() { return kReligions; }

int AgeOn(const Person& p, int32_t day) {
  const ident::Date b = ident::DateFromDaysSinceEpoch(p.birth_day);
  const ident::Date d = ident::DateFromDaysSinceEpoch(day);
  int age = d.year - b.year;
  if (d.month < b.month || (d.month == b.month && d.day < b.day)) --age;
  return age;
}

std::string FormatPersonalId(uint64_t id) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%012llu", static_cast<unsigned long long>(id));
  return buf;
}

Result<Population> GeneratePopulation(const PopulationOptions& options) {
  if (options.persons < 1) return InvalidArgumentError("persons must be at least 1");
  if (!(options.absent_share >= 0 && options.absent_share <= 1)) {
    return InvalidArgumentError("absent_share must be in [0, 1]");
  }
  return Builder(options).Build();
}

}  // namespace ndc::datagen
