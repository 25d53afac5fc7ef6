#include "person/linker.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "common/json.h"
#include "common/log.h"
#include "person/person_index.h"
#include "person/person_ops.h"
#include "person/person_store.h"
#include "person/record_linker.h"

namespace ndc::person {
namespace {

uint64_t Fnv1a(std::string_view s) {
  uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::vector<std::string> SplitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(',', start);
    if (end == std::string::npos) end = s.size();
    std::string item = s.substr(start, end - start);
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.push_back(item);
    start = end + 1;
  }
  return out;
}

// Models are kept once trained on this many persons and records; below, they serve one run.
constexpr size_t kMinStoredTraining = 1000;
// A kept model that waits for values (Model::retrain_at_seq) is trained again after at least
// this many more events.
constexpr int64_t kRetrainMinEvents = 1000;

}  // namespace

std::string Partition::Name() const { return fmt::format("{}/{}", index, count); }

bool Partition::Contains(const RecordState& record) const {
  if (count <= 1) return true;
  auto it = record.attributes.find("personal_id");
  const std::string& key = it != record.attributes.end() ? it->second : record.key;
  return static_cast<int>(Fnv1a(key) % static_cast<uint64_t>(count)) == index;
}

Result<Partition> ParsePartition(const std::string& text) {
  Partition p;
  size_t slash = text.find('/');
  auto parse = [](std::string_view s, int* out) {
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && ptr == s.data() + s.size();
  };
  if (slash == std::string::npos || !parse(std::string_view(text).substr(0, slash), &p.index) ||
      !parse(std::string_view(text).substr(slash + 1), &p.count) || p.count < 1 || p.count > 1024 || p.index < 0 ||
      p.index >= p.count) {
    return InvalidArgumentError(
        fmt::format("partition '{}': expected i/n with 0 <= i < n <= 1024, e.g. 0/4 for the first of four", text));
  }
  return p;
}

Result<LinkPolicy> LoadLinkPolicy(store::Executor& db) {
  LinkPolicy policy;
  ASSIGN_OR_RETURN(std::optional<std::string> authority, GetPersonSetting(db, kAuthoritySetting));
  if (authority) {
    policy.authority = *authority;
  } else {
    ASSIGN_OR_RETURN(store::ResultSet rs, db.Query("SELECT 1 FROM datasets WHERE id = $1",
                                                   std::vector<store::Value>{std::string(kDefaultAuthority)}));
    if (!rs.rows.empty()) policy.authority = kDefaultAuthority;
  }
  if (!policy.authority.empty()) policy.priority.push_back(policy.authority);
  ASSIGN_OR_RETURN(std::optional<std::string> priority, GetPersonSetting(db, kPrioritySetting));
  for (auto& d : SplitList(priority.value_or(""))) {
    if (std::find(policy.priority.begin(), policy.priority.end(), d) == policy.priority.end()) {
      policy.priority.push_back(std::move(d));
    }
  }
  return policy;
}

Linker::Linker(store::Database* db, catalog::Catalog* catalog, Clock* clock, RandomSource* random,
               LinkerOptions options)
    : db_(db), catalog_(catalog), clock_(clock), random_(random), options_(std::move(options)) {}

// The state of one Run: the policy and, per dataset, its model and index.
class Linker::Run_ {
 public:
  Run_(Linker* l, LinkPolicy policy, const LinkProgressFn& progress)
      : l_(l), policy_(std::move(policy)), progress_(progress) {}

  // Links one dataset into *report, which holds what was committed also when this fails.
  Status Dataset(const catalog::DatasetInfo& dataset, DatasetLinkReport* out);

 private:
  // Loads the persons and the dataset's model (trained if needed) and builds the index; null
  // index when there is no model (report.model says why).
  Status PrepareIndex(const catalog::DatasetInfo& dataset, DatasetLinkReport* report);
  Status StoreTermFrequencyBase(const std::string& dataset_id, const link::RecordTable& persons,
                                bool surrogates_only);
  // Trains on the dataset's records against `persons` (there are some), or uses the kept model.
  Result<link::Model> TrainModel(const catalog::DatasetInfo& dataset, const link::RecordTable& persons,
                                 DatasetLinkReport* report);
  // Links `records` (the partition's changes after report->to_seq, through `to_seq`) in one
  // transaction. False, with nothing written, when another run of the partition has moved its
  // cursor since this run last did: that run is ahead, and this one stops on the dataset (its
  // person index does not hold the persons the other one founded).
  Result<bool> Chunk(const catalog::DatasetInfo& dataset, const std::vector<RecordState>& records, int64_t to_seq,
                     DatasetLinkReport* report);
  void Progress(const std::string& dataset, int64_t records, int64_t pending, const char* stage) {
    if (progress_) progress_(LinkProgressInfo{dataset, records, pending, stage});
  }

  Linker* l_;
  LinkPolicy policy_;
  const LinkProgressFn& progress_;
  std::unique_ptr<PersonIndex> index_;
  int64_t newest_seq_ = 0;  // the dataset's newest change event, linked or not (read by Dataset)
};

namespace {

// The names of the model's untrained comparisons that `schema` maps a field to (the attribute
// or one it is derived from) and that the persons hold, joined by ", ".
std::string NotYetStated(const link::Settings& settings, const catalog::DatasetSchema& schema,
                         const link::RecordTable& sample, const link::RecordTable& persons, const link::Model& model) {
  std::set<std::string> mapped;
  for (const auto& f : schema.fields) {
    if (!f.person.empty()) mapped.insert(f.person);
  }
  auto can_state = [&](const std::string& attribute) {
    if (mapped.contains(attribute)) return true;
    for (const auto& a : settings.attributes) {
      if (a.name != attribute) continue;
      for (const auto& from : a.derive_from) {
        if (mapped.contains(from)) return true;
      }
    }
    return false;
  };
  std::string out;
  for (size_t c = 0; c < model.comparisons.size() && c < settings.comparisons.size(); ++c) {
    if (!model.comparisons[c].untrained || sample.ComparisonPresent(c) > 0 || persons.ComparisonPresent(c) == 0) continue;
    const auto& attributes = settings.comparisons[c].attributes;
    if (!std::any_of(attributes.begin(), attributes.end(), can_state)) continue;
    out += (out.empty() ? "" : ", ") + settings.comparisons[c].name;
  }
  return out;
}

}  // namespace

Result<link::Model> Linker::Run_::TrainModel(const catalog::DatasetInfo& dataset, const link::RecordTable& persons,
                                             DatasetLinkReport* report) {
  const std::string name = "model:" + dataset.schema.id;
  const int64_t last_seq = newest_seq_;  // what a waiting model counts to
  ASSIGN_OR_RETURN(std::optional<std::string> stored, GetPersonSetting(*l_->db_, name));
  if (stored) {
    Result<link::Model> m = link::ModelFromJson(*stored);
    const bool fits = m.ok() && link::CheckModel(l_->options_.settings, *m).ok();
    if (fits && (m->retrain_at_seq == 0 || last_seq < m->retrain_at_seq)) {
      link::ApplyWeightBounds(&*m);  // a model kept before 2026-12-03 gets them here
      report->model = "stored";
      return m;
    }
    log::Info("person.model_retrain",
              {{"dataset", dataset.schema.id},
               {"reason", fits ? "the stored model waited for values of a comparison the dataset maps"
                               : "the stored model does not fit the settings"}});
  }
  Progress(dataset.schema.id, 0, 0, "train");
  // The dataset's records, up to training_records. A record linked to a surrogate whose golden
  // values it supplies (one it founded on an earlier run, when no model was kept) is left out:
  // against the person table it would be a pair of the record with itself, and the model would
  // learn that persons never differ (a review of 2026-11-30 found a model kept so, with a prior of
  // 0.96). Records linked to registry persons stay (they are compared on the registry's values),
  // and the authority leaves none out (it is trained against surrogates, which its records do not
  // supply). The leave-out reads at most four times training_records records; if it leaves
  // nothing, the run trains on every record, as before.
  const bool leave_out = persons.size() > 0 && dataset.schema.id != policy_.authority;
  size_t left_out = 0;
  auto read_sample = [&](bool leaving_out) -> Result<link::RecordTable> {
    link::RecordTable sample(l_->options_.settings);
    const size_t max_read = leaving_out ? 4 * l_->options_.training_records : l_->options_.training_records;
    size_t read = 0;
    for (int64_t after = 0; sample.size() < l_->options_.training_records && read < max_read;) {
      ASSIGN_OR_RETURN(std::vector<RecordState> page, ReadChangedRecords(*l_->db_, dataset, after, 10000));
      if (page.empty()) break;
      read += page.size();
      std::set<std::string> behind;
      if (leaving_out) {
        std::vector<std::string> keys;
        keys.reserve(page.size());
        for (const auto& r : page) {
          if (!r.deleted) keys.push_back(r.key);
        }
        ASSIGN_OR_RETURN(behind, RecordsBehindTheirSurrogates(*l_->db_, dataset.schema.id, keys));
      }
      for (const auto& r : page) {
        if (r.deleted || sample.size() >= l_->options_.training_records) continue;
        if (behind.contains(r.key)) {
          ++left_out;
          continue;
        }
        sample.Add(r.key, ToEngineValues(r.attributes));
      }
      after = page.back().seq;
    }
    return sample;
  };
  ASSIGN_OR_RETURN(link::RecordTable sample, read_sample(leave_out));
  if (left_out > 0 && sample.size() == 0) {
    ASSIGN_OR_RETURN(sample, read_sample(false));
    left_out = 0;
  }
  const std::string left_out_note =
      left_out > 0 ? fmt::format("; {} records left out as the sources of surrogates they founded", left_out) : "";
  link::TrainOptions options;
  options.threads = l_->options_.threads;
  ASSIGN_OR_RETURN(link::Model model,
                   link::Train(l_->options_.settings, sample, &persons, options));
  // Comparisons the dataset can state but whose sample held no value yet (a first load without ID
  // numbers) weigh 0 in this model: it is trained again once the dataset's events have doubled
  // (and at least 1,000 more), so that values arriving later are learned from, at a cost of a few
  // trainings over a dataset's life even when the values never come.
  const std::string waiting = NotYetStated(l_->options_.settings, dataset.schema, sample, persons, model);
  if (!waiting.empty()) {
    model.retrain_at_seq = std::max<int64_t>(2 * last_seq, last_seq + kRetrainMinEvents);
  }
  const std::string waiting_note =
      waiting.empty() ? "" : fmt::format("; no values yet for {}: trained again at event {}", waiting, model.retrain_at_seq);
  if (sample.size() >= kMinStoredTraining && persons.size() >= kMinStoredTraining) {
    RETURN_IF_ERROR(PutPersonSetting(*l_->db_, name, link::ModelToJson(model), l_->clock_->NowMicros()));
    const std::string notes = left_out_note + waiting_note;
    report->model = "trained" + (notes.empty() ? "" : " (" + notes.substr(2) + ")");
  } else {
    report->model = "trained (for this run only: too few records to keep it" + left_out_note + waiting_note + ")";
  }
  return model;
}

Status Linker::Run_::StoreTermFrequencyBase(const std::string& dataset_id, const link::RecordTable& persons,
                                            bool surrogates_only) {
  // What a review item's explanation needs to weigh a value by its frequency as this run did:
  // each term-frequency comparison's denominator (persons with a value), and which persons counted.
  nlohmann::json base = nlohmann::json::object();
  const link::Settings& settings = l_->options_.settings;
  for (size_t c = 0; c < settings.comparisons.size(); ++c) {
    if (settings.comparisons[c].tf_adjust) base[settings.comparisons[c].name] = persons.ComparisonPresent(c);
  }
  if (base.empty()) return OkStatus();
  base["_surrogates_only"] = surrogates_only;
  return PutPersonSetting(*l_->db_, std::string(kTermFrequencySetting) + dataset_id, DumpJson(base),
                          l_->clock_->NowMicros());
}

Status Linker::Run_::PrepareIndex(const catalog::DatasetInfo& dataset, DatasetLinkReport* report) {
  index_.reset();
  if (dataset.schema.id == policy_.authority) {
    // Authoritative records are scored only to find surrogates that are them.
    ASSIGN_OR_RETURN(store::ResultSet any, l_->db_->Query("SELECT 1 FROM persons WHERE kind = 'surrogate' AND "
                                                          "status = 'active' LIMIT 1"));
    if (any.rows.empty()) {
      report->model = "not needed (no surrogate persons to merge)";
      return OkStatus();
    }
  }
  Progress(dataset.schema.id, 0, 0, "index");
  // The authority's records are scored (and its model trained) against surrogates alone: its
  // registry persons are its own records (until 2026-11-30 they were in the table, and a model
  // trained on a registry change after other datasets had founded surrogates learned from pairs
  // of records with themselves: m = 1 on every exact level, 1e-9 on every other).
  ASSIGN_OR_RETURN(link::RecordTable persons,
                   LoadPersonTable(*l_->db_, l_->options_.settings, {}, nullptr,
                                   /*surrogates_only=*/dataset.schema.id == policy_.authority));
  if (persons.size() == 0 && !l_->options_.model) {
    // Nobody to link to yet: the run links by ID and founds surrogates, and the registry's run
    // merges those that are its persons (by ID or score). A model trained on the
    // dataset alone learns from pairs that are mostly different people who share a name and a
    // birth year (a review of 2026-12-03: 14 persons of two or three people each, out of 20,000
    // distinct tax records).
    report->model = "none (no persons yet: records link by ID and found persons; the registry's run merges "
                    "those that are its persons)";
    return OkStatus();
  }
  link::Model model;
  if (l_->options_.model) {
    model = *l_->options_.model;
    report->model = "given";
  } else {
    Result<link::Model> trained = TrainModel(dataset, persons, report);
    if (trained.status().code() == StatusCode::kFailedPrecondition) {
      report->model = fmt::format("none ({})", trained.status().message());
      return OkStatus();
    }
    RETURN_IF_ERROR(trained.status());
    model = *std::move(trained);
  }
  RETURN_IF_ERROR(StoreTermFrequencyBase(dataset.schema.id, persons, dataset.schema.id == policy_.authority));
  ASSIGN_OR_RETURN(index_, PersonIndex::Build(l_->options_.settings, model, std::move(persons)));
  return OkStatus();
}

Result<bool> Linker::Run_::Chunk(const catalog::DatasetInfo& dataset, const std::vector<RecordState>& records,
                                 int64_t to_seq, DatasetLinkReport* report) {
  std::vector<const Attributes*> attrs;
  attrs.reserve(records.size());
  for (const auto& r : records) attrs.push_back(&r.attributes);
  std::optional<link::RecordTable> probe;
  if (index_) probe.emplace(index_->MakeProbe(attrs));
  Status last;
  for (int attempt = 0; attempt < 3; ++attempt) {
    DatasetLinkReport counts;
    OpsContext ctx{l_->clock_->NowMicros(), policy_.authority, policy_.priority, l_->random_};
    ASSIGN_OR_RETURN(std::unique_ptr<store::Transaction> tx, l_->db_->Begin());
    // Runs of one partition take turns chunk by chunk (every `ndc serve` runs 0/1 each minute:
    // two nodes on one PostgreSQL both found a new person for the same unlinked record, and one
    // of them stayed behind with no record). In its turn a chunk sees every link committed
    // before it; if another run has moved the cursor, that run goes on alone.
    const std::string part = l_->options_.partition.Name();
    // A turn that does not come within the store's wait is another run's, still linking this
    // dataset: leave it and the datasets after it to that run, as when it moved the cursor (the
    // "busy" path below is for records a batch holds, never for this turn).
    if (Status turn = store::SerializeOn(*tx, "person.link:" + dataset.schema.id + ":" + part); !turn.ok()) {
      if (turn.code() == StatusCode::kDeadlineExceeded) return false;
      return turn;
    }
    ASSIGN_OR_RETURN(int64_t linked, GetCursor(*tx, dataset.schema.id, part));
    if (linked != report->to_seq) return false;
    PersonOps ops(tx.get(), &ctx);
    RecordLinker linker(tx.get(), &ops, &ctx, index_.get(), probe ? &*probe : nullptr,
                        l_->options_.settings.thresholds, l_->options_.max_candidates, &counts);
    last = OkStatus();
    for (uint32_t i = 0; i < records.size() && last.ok(); ++i) last = linker.Link(dataset.schema.id, records[i], i);
    if (last.ok()) last = SetCursor(*tx, dataset.schema.id, part, to_seq, ctx.now);
    if (last.ok()) last = tx->Commit();
    if (last.ok()) {
      report->authority += counts.authority;
      report->by_id += counts.by_id;
      report->by_rule += counts.by_rule;
      report->probabilistic += counts.probabilistic;
      report->by_decision += counts.by_decision;
      report->new_persons += counts.new_persons;
      report->queued += counts.queued;
      report->unlinked += counts.unlinked;
      report->merged += counts.merged;
      return true;
    }
    if (last.code() != StatusCode::kAborted) return last;
  }
  return last;
}

Status Linker::Run_::Dataset(const catalog::DatasetInfo& dataset, DatasetLinkReport* out) {
  DatasetLinkReport& report = *out;
  report = DatasetLinkReport{};
  report.dataset_id = dataset.schema.id;
  const std::string part = l_->options_.partition.Name();
  ASSIGN_OR_RETURN(report.from_seq, GetCursor(*l_->db_, dataset.schema.id, part));
  report.to_seq = report.from_seq;
  ASSIGN_OR_RETURN(std::vector<RecordState> first, ReadChangedRecords(*l_->db_, dataset, report.from_seq, 1));
  if (first.empty()) {
    report.model = "not needed (no changes)";
    return OkStatus();
  }
  // A dataset with no field mapped to a person attribute (an enterprise register, a price list)
  // is about no one: no model, no index, and each changed record, holding no person attribute,
  // founds no person (RecordLinker::Link) — one it is linked to from before (an empty surrogate
  // founded until 2026-12-01, or mappings since removed) is unlinked.
  ASSIGN_OR_RETURN(store::Row last, l_->db_->QueryOne("SELECT COALESCE(MAX(last_seq), 0) FROM ingest_state "
                                                      "WHERE dataset_id = $1",
                                                      std::vector<store::Value>{dataset.schema.id}));
  newest_seq_ = last.Int(0);
  const bool about_persons = dataset.schema.FirstPersonMappedField() != nullptr;
  if (about_persons) {
    RETURN_IF_ERROR(PrepareIndex(dataset, &report));
  } else {
    index_.reset();
    report.model = "none (no field is mapped to a person attribute)";
  }
  const int64_t pending = std::max<int64_t>(0, newest_seq_ - report.from_seq);
  while (true) {
    ASSIGN_OR_RETURN(std::vector<RecordState> page,
                     ReadChangedRecords(*l_->db_, dataset, report.to_seq, l_->options_.chunk_records));
    if (page.empty()) break;
    const int64_t to_seq = page.back().seq;
    std::erase_if(page, [&](const RecordState& r) { return !l_->options_.partition.Contains(r); });
    ASSIGN_OR_RETURN(bool linked, Chunk(dataset, page, to_seq, &report));
    if (!linked) {
      report.overtaken = true;
      break;
    }
    report.records += static_cast<int64_t>(page.size());
    report.to_seq = to_seq;
    Progress(dataset.schema.id, report.records, pending, "link");
  }
  return OkStatus();
}

namespace {

// Records another transaction (a batch) held locked past PostgreSQL's statement timeout. Not
// SQLite's busy timeout (kAborted): there the one write lock is held by any writer, another run
// of the linker included, and a run that goes on past a dataset another run is linking would
// link later records before the persons that run founds; it fails as before. Nor a conflict
// that outlasted the chunk's retries (kAborted).
bool IsLockWait(const Status& s) { return s.code() == StatusCode::kDeadlineExceeded; }

}  // namespace

Result<std::vector<DatasetLinkReport>> Linker::Run(const std::vector<std::string>& datasets,
                                                   const LinkProgressFn& progress,
                                                   const std::function<void(const DatasetLinkReport&)>& each) {
  ASSIGN_OR_RETURN(LinkPolicy policy, LoadLinkPolicy(*db_));
  std::vector<catalog::DatasetInfo> todo;
  if (datasets.empty()) {
    ASSIGN_OR_RETURN(todo, catalog_->ListDatasets());
  } else {
    for (const auto& id : datasets) {
      ASSIGN_OR_RETURN(catalog::DatasetInfo d, catalog_->GetDataset(id));
      todo.push_back(std::move(d));
    }
  }
  // The authority first, so records of other datasets meet the persons it defines.
  std::stable_partition(todo.begin(), todo.end(),
                        [&](const catalog::DatasetInfo& d) { return d.schema.id == policy.authority; });
  Run_ run(this, policy, progress);
  std::vector<DatasetLinkReport> out;
  for (const auto& d : todo) {
    DatasetLinkReport r;
    const Status linked = run.Dataset(d, &r);
    if (!linked.ok() && IsLockWait(linked) && d.schema.id != policy.authority) {
      // A batch holds this dataset's records (a first load holds the whole table): one busy
      // dataset must not stop the linking of every other, on every node, every minute (review of
      // 2026-12-01). The chunks linked before stay, and so do their counts (until 2026-12-03
      // the report said nothing of them, so they went unaudited); the rest waits for a later run.
      r.dataset_id = d.schema.id;
      r.busy = true;
      if (r.to_seq == r.from_seq) {  // nothing linked (the cursor's own read may be what timed out)
        ASSIGN_OR_RETURN(r.to_seq, GetCursor(*db_, r.dataset_id, options_.partition.Name()));
        r.from_seq = r.to_seq;
        r.model = fmt::format("not linked now (busy: {})", linked.message());
      } else {
        r.model = fmt::format("{}{}linked up to event {}, not further now (busy: {})", r.model,
                              r.model.empty() ? "" : "; ", r.to_seq, linked.message());
      }
      out.push_back(std::move(r));
      if (each) each(out.back());
      continue;
    }
    if (!linked.ok()) {
      // What the dataset committed before the error is handed over, to be audited (until
      // 2026-12-03 it was in no report at all).
      if (r.to_seq > r.from_seq && each) {
        r.failed = std::string(linked.message());
        each(r);
      }
      return linked;
    }
    const bool overtaken = r.overtaken;
    out.push_back(std::move(r));
    if (each) each(out.back());
    // Linking the later datasets now, before the other run has linked this one (the authority
    // first of all), would let their records found persons that the ones it is still linking
    // define (review of 2026-12-01). They are left to that run, if it links them, or to the next.
    if (overtaken) {
      for (size_t i = out.size(); i < todo.size(); ++i) {
        DatasetLinkReport left;
        left.dataset_id = todo[i].schema.id;
        ASSIGN_OR_RETURN(left.from_seq, GetCursor(*db_, left.dataset_id, options_.partition.Name()));
        left.to_seq = left.from_seq;
        left.overtaken = true;
        left.model = kLeftAfterOvertaken;
        out.push_back(std::move(left));
        if (each) each(out.back());
      }
      break;
    }
  }
  return out;
}

}  // namespace ndc::person
