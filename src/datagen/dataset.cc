#include "datagen/dataset.h"

#include <cstdio>

#include "datagen/geography.h"
#include "ident/admin_units.h"

namespace ndc::datagen {
namespace {

const std::string& Spell(const NameToken& t, const NameStyle& style, bool drop_diacritics) {
  const bool ascii = !style.diacritics || drop_diacritics;
  if (style.upper) return ascii ? t.ascii_upper : t.upper;
  return ascii ? t.ascii_title : t.title;
}

class Engine {
 public:
  Engine(AgencyDataset* ds, const Population& pop, const NoiseRates& rates, uint64_t seed)
      : ds_(ds), pop_(pop), rates_(rates), rng_(DeriveSeed(seed, ds->id())), geo_(Geography::Get()),
        names_(NameTables::Get()) {}

  Result<DatasetResult> Run(const std::string& dir) {
    result_.id = std::string(ds_->id());
    result_.rates = rates_;
    ASSIGN_OR_RETURN(data_, CsvWriter::Open(dir + "/" + result_.id + ".csv"));
    ASSIGN_OR_RETURN(truth_, CsvWriter::Open(dir + "/truth/" + result_.id + ".truth.csv"));
    for (auto h : ds_->header()) data_->Field(h);
    data_->EndRow();
    for (auto h : {"source_key", "person_no", "personal_id", "in_registry", "noise", "invalid"}) truth_->Field(h);
    truth_->EndRow();
    const size_t absent = pop_.persons.size() - pop_.registered_count;
    used_.assign(absent, false);
    for (size_t i = 0; i < pop_.registered_count; ++i) {
      const Person& p = pop_.persons[i];
      if (!ds_->Includes(p, pop_, &rng_)) continue;
      uint32_t mask = 0;
      if (!p.alive() && !ds_->records_deaths()) {
        if (!Draw(NoiseKind::kUnreportedDeath)) continue;
        mask |= Bit(NoiseKind::kUnreportedDeath);
      }
      Emit(p, static_cast<uint32_t>(i), mask, false);
      if (Draw(NoiseKind::kDuplicate)) Emit(p, static_cast<uint32_t>(i), Bit(NoiseKind::kDuplicate), true);
      // Each absent person appears at most once per dataset (a second record would be a
      // duplicate, and would repeat the source key); while unused ones remain, each is eligible.
      if (absent_used_ < absent && Draw(NoiseKind::kNotInRegistry)) {
        size_t a = rng_.Below(absent);
        while (used_[a]) a = (a + 1) % absent;
        used_[a] = true;
        ++absent_used_;
        const size_t no = pop_.registered_count + a;
        Emit(pop_.persons[no], static_cast<uint32_t>(no), Bit(NoiseKind::kNotInRegistry), false);
      }
    }
    RETURN_IF_ERROR(data_->Close());
    RETURN_IF_ERROR(truth_->Close());
    result_.rows = data_->rows() - 1;
    result_.bytes = data_->bytes();
    return result_;
  }

 private:
  static uint32_t Bit(NoiseKind k) { return 1u << static_cast<unsigned>(k); }

  // Counts an eligible record for `kind` and decides whether it gets the error.
  bool Draw(NoiseKind kind) {
    const size_t k = static_cast<size_t>(kind);
    ++result_.counts.eligible[k];
    if (!rng_.Chance(rates_.rate[k])) return false;
    ++result_.counts.injected[k];
    return true;
  }

  void Emit(const Person& p, uint32_t no, uint32_t mask, bool duplicate) {
    AgencyRecord r;
    r.person = &p;
    r.person_no = no;
    r.duplicate = duplicate;
    if (ds_->has_personal_id(p) && p.registered) {
      if (Draw(NoiseKind::kMissingId)) {
        mask |= Bit(NoiseKind::kMissingId);
      } else if (Draw(NoiseKind::kWrongIdDigit)) {
        mask |= Bit(NoiseKind::kWrongIdDigit);
        r.personal_id = FormatPersonalId(ReplaceIdDigit(p.personal_id, &rng_));
      } else {
        r.personal_id = FormatPersonalId(p.personal_id);
      }
    }
    const NameStyle style = ds_->name_style();
    bool drop = false;
    if (style.diacritics && Draw(NoiseKind::kDroppedDiacritics)) {
      mask |= Bit(NoiseKind::kDroppedDiacritics);
      drop = true;
    }
    r.surname = Spell(names_.token(p.name.surname), style, drop);
    for (uint16_t m : p.name.middle) {
      if (m == kNoToken) continue;
      if (!r.middle.empty()) r.middle += ' ';
      r.middle += Spell(names_.token(m), style, drop);
    }
    r.given = Spell(names_.token(p.name.given), style, drop);
    if (Draw(NoiseKind::kNameTypo)) {
      mask |= Bit(NoiseKind::kNameTypo);
      const uint64_t part = rng_.Below(4);
      std::string* target = part == 0 ? &r.surname : (part == 1 && !r.middle.empty()) ? &r.middle : &r.given;
      *target = Typo(*target, &rng_);
    }
    if (Draw(NoiseKind::kSwappedNameOrder)) {
      mask |= Bit(NoiseKind::kSwappedNameOrder);
      r.reversed = true;
    }
    r.birth = p.birth();
    if (r.birth.day <= 12 && r.birth.day != r.birth.month && Draw(NoiseKind::kDayMonthSwap)) {
      mask |= Bit(NoiseKind::kDayMonthSwap);
      r.birth = SwapDayMonth(r.birth);
    }
    bool wrong_year = false;
    if (Draw(NoiseKind::kWrongYear)) {
      mask |= Bit(NoiseKind::kWrongYear);
      r.birth = ShiftYear(r.birth, &rng_);
      wrong_year = true;
    }
    AddAddress(p, &r, &mask);
    const bool invalid = wrong_year && !r.personal_id.empty();
    if (invalid) ++result_.invalid;
    const std::string key = ds_->WriteRow(r, pop_, &rng_, data_.get());
    data_->EndRow();
    truth_->Field(key);
    truth_->Field(std::to_string(no));
    truth_->Field(p.registered ? FormatPersonalId(p.personal_id) : "");
    truth_->Field(p.registered ? "1" : "0");
    std::string kinds;
    for (size_t k = 0; k < kNoiseKindCount; ++k) {
      if (mask & (1u << k)) {
        if (!kinds.empty()) kinds += ';';
        kinds += NoiseKindName(static_cast<NoiseKind>(k));
      }
    }
    truth_->Field(kinds);
    truth_->Field(invalid ? "1" : "0");
    truth_->EndRow();
  }

  void AddAddress(const Person& p, AgencyRecord* r, uint32_t* mask) {
    const AddressKind kind = ds_->address_kind();
    if (kind == AddressKind::kNone) return;
    const uint16_t commune = kind == AddressKind::kPermanentCommune ? p.permanent_commune : p.current_commune;
    const CommuneInfo& info = geo_.communes()[commune];
    if (kind == AddressKind::kProvince) {
      const std::string_view legacy = geo_.LegacyProvinceCode(info.province);
      if (!legacy.empty() && Draw(NoiseKind::kStaleAddress)) {
        *mask |= Bit(NoiseKind::kStaleAddress);
        r->address = std::string(legacy);
      } else {
        r->address = std::string(info.unit->province_code);
      }
      return;
    }
    if (!info.legacy.empty() && Draw(NoiseKind::kStaleAddress)) {
      *mask |= Bit(NoiseKind::kStaleAddress);
      r->address = std::string(info.legacy[rng_.Below(info.legacy.size())]);
    } else {
      r->address = std::string(info.unit->code);
    }
  }

  AgencyDataset* ds_;
  const Population& pop_;
  const NoiseRates& rates_;
  Rng rng_;
  const Geography& geo_;
  const NameTables& names_;
  std::unique_ptr<CsvWriter> data_, truth_;
  DatasetResult result_;
  std::vector<bool> used_;  // absent persons already in this dataset
  size_t absent_used_ = 0;
};

}  // namespace

std::string AgencyRecord::FullName() const {
  std::string out;
  auto add = [&out](const std::string& s) {
    if (s.empty()) return;
    if (!out.empty()) out += ' ';
    out += s;
  };
  if (reversed) {
    add(given), add(middle), add(surname);
  } else {
    add(surname), add(middle), add(given);
  }
  return out;
}

Result<DatasetResult> WriteDataset(AgencyDataset* dataset, const Population& pop, const NoiseRates& rates,
                                   uint64_t seed, const std::string& dir) {
  return Engine(dataset, pop, rates, seed).Run(dir);
}

std::vector<std::unique_ptr<AgencyDataset>> AllDatasets() {
  std::vector<std::unique_ptr<AgencyDataset>> all;
  all.push_back(NewPopulationRegistry());
  all.push_back(NewSocialInsurance());
  all.push_back(NewHealthInsurance());
  all.push_back(NewEducation());
  all.push_back(NewCivilServants());
  all.push_back(NewTax());
  return all;
}

std::string Digits(uint64_t v, int width) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%0*llu", width, static_cast<unsigned long long>(v));
  return buf;
}

std::string FormatDate(const ident::Date& d, DateStyle style) {
  char buf[16];
  switch (style) {
    case DateStyle::kIso: std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d", d.year, d.month, d.day); break;
    case DateStyle::kDmySlash: std::snprintf(buf, sizeof(buf), "%02d/%02d/%04d", d.day, d.month, d.year); break;
    case DateStyle::kDmSlashShort: std::snprintf(buf, sizeof(buf), "%d/%d/%04d", d.day, d.month, d.year); break;
    case DateStyle::kDmyDash: std::snprintf(buf, sizeof(buf), "%02d-%02d-%04d", d.day, d.month, d.year); break;
    case DateStyle::kCompact: std::snprintf(buf, sizeof(buf), "%04d%02d%02d", d.year, d.month, d.day); break;
  }
  return buf;
}

}  // namespace ndc::datagen
