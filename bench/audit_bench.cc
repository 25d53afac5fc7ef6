// audit_bench: durable audit appends per second with group commit, against plain durable
// single-row inserts into the same SQLite store measured in the same run; and inclusion-proof
// latency (and store reads per proof) on a large log. docs/benchmarks.md, "Audit log".
//
//   audit_bench [--entries N] [--proof-log N] [--producers P] [--persons N] [--dir DIR]
//
//   --entries N    appends measured for throughput (default 200,000)
//   --proof-log N  size of the log the proofs are measured on (default 2,000,000)
//   --producers P  threads calling AppendAsync (default 2)
//   --persons N    entry i is about one of N persons, scattered (a multiplicative hash of i), as
//                  real data accesses are (default 0: entry i is about its own person, keys
//                  increasing)
//   --dir DIR      where the SQLite files go (default: a new directory under $TMPDIR or /tmp)
//
// Method. Every figure is wall time on a SQLite store in WAL mode with synchronous=FULL (each
// commit is fsynced), the same settings `ndc serve` uses:
//  - baseline "single-row inserts": INSERT of one row (index, 200-byte blob) per autocommit
//    transaction into a bare table of the same store, for 3 s or 5,000 rows;
//  - baseline "batched inserts": the same rows, 8,192 per transaction (the same batching as
//    group commit, without encoding, hashing or tree);
//  - NDC, async: AuditLog::AppendAsync from P threads, each keeping up to 8,192 appends in flight
//    and waiting for each to be durable; also the CPU time per append (getrusage), in all threads
//    and in the producer threads, which a busy machine changes far less than the wall-time rate;
//  - NDC, blocking: AuditLog::Append (returns when durable) from 64 threads, as request handlers
//    would call it;
//  - the person index's cost: the same async appends with no person in the entries (nothing for
//    the person index to do), right after the phase above, in the same store;
//  - proofs: AuditLog::ProveInclusion of 2,000 random entries against the full log (each reads
//    the entry row, at most one 16-leaf block and the stored nodes above), mean and p99 latency,
//    and the store statements per proof;
//  - person histories on the proof log (AuditLog::EntriesForPerson, newest 50, as
//    GET /v1/me/access asks) for 2,000 random persons, p50 and p99 latency.
//  Proofs and histories are timed twice: "as appended", right after the last append, while the
//  person index still merges runs in the background and the store's checkpointer copies the WAL
//  back (a busy hub); and "settled", after PersonIndex::CatchUp (timed) and 5 s for the store's
//  background checkpointer (a hub between bursts).
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <future>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "audit/merkle/verify.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "store/store.h"
#include "flags.h"

namespace {

using Clock = std::chrono::steady_clock;
using ndc::audit::Entry;

constexpr char kUsage[] =
    "usage: audit_bench [--entries N] [--proof-log N] [--producers P] [--persons N] [--dir DIR]\n\n"
    "Durable audit appends/s (group commit) against plain inserts in the same run, and inclusion-proof\n"
    "and person-history latency on a large log. docs/benchmarks.md, \"Audit log\".\n\n"
    "  --entries N    appends measured for throughput (default 200,000)\n"
    "  --proof-log N  size of the log the proofs are measured on (default 2,000,000)\n"
    "  --producers P  threads calling AppendAsync (default 2)\n"
    "  --persons N    entries are about N persons, scattered (default 0: one person per entry)\n"
    "  --dir DIR      where the SQLite files go (default: a new directory under $TMPDIR or /tmp)\n";

[[noreturn]] void Usage(const char* problem) {
  std::fprintf(stderr, "audit_bench: %s\n\n%s", problem, kUsage);
  std::exit(2);
}

uint64_t Number(const std::string& flag, const char* value) {
  const std::optional<uint64_t> n = ndc::bench::ParseCount(value);
  if (!n) Usage((flag + " wants a whole number, not \"" + value + "\"").c_str());
  return *n;
}

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU time (user + system) of the process or of the calling thread, in seconds.
double CpuSeconds(int who) {
  rusage u{};
  getrusage(who, &u);
  auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return s(u.ru_utime) + s(u.ru_stime);
}

// CPU spent per append in a phase: in the whole process, and in the producer threads alone (the
// rest is the committer, the store's checkpoint thread and fsync). Unlike wall time it hardly
// moves with the machine's load, so runs on a busy machine can be compared.
struct CpuPerAppend {
  double total_us = 0;
  double producers_us = 0;
};
CpuPerAppend g_async_cpu;

uint64_t g_persons = 0;
bool g_no_person = false;  // entries about no person: the baseline for the person index's cost

std::string PersonKey(uint64_t person) { return std::string("p").append(std::to_string(100000000 + person)); }

Entry MakeEntry(uint64_t i) {
  Entry e;
  const uint64_t person = g_persons ? (i * 0x9E3779B97F4A7C15ull >> 17) % g_persons : i % 99999989;
  e.actor = {"ndc_4f1c2a9b7e30", "vss", "agency"};
  e.action = "person.read";
  // append(), not "p" + ...: GCC 12 -O3 reports a false -Wrestrict for the operator+ form.
  e.subject = {g_no_person ? std::string() : PersonKey(person), "social_insurance",
               std::string("r").append(std::to_string(i))};
  e.fields = {"full_name", "date_of_birth", "insurance_number"};
  e.purpose = "benefit eligibility check";
  e.legal_basis = "Decree 13/2023/ND-CP art. 17";
  e.decision = ndc::audit::Decision::kAllowed;
  e.request_id = std::string("3f2a9c0d1e4b5a69").append(std::to_string(i));
  return e;
}

std::unique_ptr<ndc::store::Database> OpenStore(const std::string& path) {
  ndc::store::OpenOptions options;
  options.pool_size = 8;
  auto db = ndc::store::OpenSqlite(path, options);
  if (!db.ok()) {
    std::fprintf(stderr, "open %s: %s\n", path.c_str(), db.status().ToString().c_str());
    std::exit(1);
  }
  auto migrated = (*db)->Migrate();
  if (!migrated.ok()) {
    std::fprintf(stderr, "migrate: %s\n", migrated.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*db);
}

void Check(const ndc::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

double SingleRowInserts(ndc::store::Database* db) {
  Check(db->ExecScript("CREATE TABLE bench_single (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL)"), "create");
  std::string blob(200, 'x');
  auto start = Clock::now();
  int64_t n = 0;
  while (n < 5000 && Seconds(start, Clock::now()) < 3.0) {
    ndc::store::Value p[] = {n, ndc::store::Blob{blob}};
    Check(db->Exec("INSERT INTO bench_single (idx, entry) VALUES ($1, $2)", p).status(), "insert");
    ++n;
  }
  return n / Seconds(start, Clock::now());
}

double BatchedInserts(ndc::store::Database* db, int64_t total) {
  Check(db->ExecScript("CREATE TABLE bench_batched (idx INTEGER PRIMARY KEY, entry BLOB NOT NULL)"), "create");
  std::string blob(200, 'x');
  auto start = Clock::now();
  for (int64_t done = 0; done < total;) {
    auto tx = db->Begin();
    Check(tx.status(), "begin");
    for (int i = 0; i < 8192 && done < total; ++i, ++done) {
      ndc::store::Value p[] = {done, ndc::store::Blob{blob}};
      Check((*tx)->Exec("INSERT INTO bench_batched (idx, entry) VALUES ($1, $2)", p).status(), "insert");
    }
    Check((*tx)->Commit(), "commit");
  }
  return total / Seconds(start, Clock::now());
}

int g_producers = 2;

double AsyncAppends(ndc::audit::AuditLog* log, uint64_t total, uint64_t first) {
  const int kProducers = g_producers;
  constexpr size_t kWindow = 8192;
  std::atomic<bool> failed{false};
  std::atomic<double> producer_cpu{0};
  const double cpu_start = CpuSeconds(RUSAGE_SELF);
  auto start = Clock::now();
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      const double thread_start = CpuSeconds(RUSAGE_THREAD);
      std::vector<std::future<ndc::Result<ndc::audit::Appended>>> window;
      for (uint64_t i = p; i < total; i += kProducers) {
        window.push_back(log->AppendAsync(MakeEntry(first + i)));
        if (window.size() == kWindow) {
          for (auto& f : window) failed = failed || !f.get().ok();
          window.clear();
        }
      }
      for (auto& f : window) failed = failed || !f.get().ok();
      producer_cpu += CpuSeconds(RUSAGE_THREAD) - thread_start;
    });
  }
  for (auto& t : producers) t.join();
  double rate = total / Seconds(start, Clock::now());
  g_async_cpu = {(CpuSeconds(RUSAGE_SELF) - cpu_start) * 1e6 / total, producer_cpu * 1e6 / total};
  if (failed) {
    std::fprintf(stderr, "an append failed\n");
    std::exit(1);
  }
  return rate;
}

double BlockingAppends(ndc::audit::AuditLog* log, uint64_t total, uint64_t first) {
  constexpr int kThreads = 64;
  std::atomic<uint64_t> next{0};
  std::atomic<bool> failed{false};
  auto start = Clock::now();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (uint64_t i; (i = next++) < total;) failed = failed || !log->Append(MakeEntry(first + i)).ok();
    });
  }
  for (auto& t : threads) t.join();
  if (failed) std::exit(1);
  return total / Seconds(start, Clock::now());
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(v.size() * p))];
}

// Inclusion-proof latency for 2,000 random entries of a log of `head.first` entries; each proof is
// verified against the head's root (the bench aborts on a bad proof).
void ProofLatencies(ndc::audit::AuditLog* log, const std::pair<uint64_t, ndc::merkle::Hash>& head, const char* state) {
  ndc::SeededRandom pick(3);
  std::vector<double> micros;
  long reads = 0;
  int max_reads = 0;
  for (int i = 0; i < 2000; ++i) {
    uint64_t index = pick.Uint64() % head.first;
    auto t0 = Clock::now();
    auto proof = log->ProveInclusion(index, head.first);
    auto t1 = Clock::now();
    Check(proof.status(), "prove");
    Check(ndc::merkle::VerifyInclusion(index, head.first, proof->entry.leaf_hash, proof->hashes, head.second),
          "verify");
    micros.push_back(Seconds(t0, t1) * 1e6);
    reads += proof->node_reads;
    max_reads = std::max(max_reads, proof->node_reads);
  }
  double mean = 0;
  for (double m : micros) mean += m;
  mean /= micros.size();
  std::printf("inclusion proofs, %s: mean %.0f us, median %.0f us, p99 %.0f us; store reads per proof mean %.1f, "
              "max %d (proof length %zu hashes)\n",
              state, mean, Percentile(micros, 0.5), Percentile(micros, 0.99),
              static_cast<double>(reads) / micros.size(), max_reads,
              log->ProveInclusion(0, head.first)->hashes.size());
}

// History latency (newest 50, as GET /v1/me/access asks) for 2,000 random persons that have entries.
void PersonHistories(ndc::audit::AuditLog* log, uint64_t size, const char* state) {
  ndc::audit::PersonIndex* index = log->person_index();
  const uint64_t persons = g_persons ? g_persons : size;
  auto indexed = index->IndexedEnd();
  Check(indexed.status(), "indexed end");
  auto runs = log->db()->QueryOne("SELECT COUNT(*) FROM audit_person_runs WHERE state = 'live'");
  Check(runs.status(), "runs");
  ndc::SeededRandom pick(4);
  std::vector<double> micros;
  uint64_t found = 0;
  for (int i = 0; i < 2000; ++i) {
    // Persons that have entries: those of random entries (person i when --persons is 0).
    const uint64_t at = pick.Uint64() % size;
    const uint64_t person = g_persons ? (at * 0x9E3779B97F4A7C15ull >> 17) % persons : at % 99999989;
    auto t0 = Clock::now();
    auto history = log->EntriesForPerson(PersonKey(person), UINT64_MAX, 50);
    micros.push_back(Seconds(t0, Clock::now()) * 1e6);
    Check(history.status(), "person history");
    found += history->size();
  }
  std::printf("person histories (newest 50), %s: p50 %.0f us, p99 %.0f us, %.1f entries each; %lld live runs, "
              "%llu entries in the unindexed tail\n",
              state, Percentile(micros, 0.5), Percentile(micros, 0.99), static_cast<double>(found) / 2000,
              static_cast<long long>(runs->Int(0)), static_cast<unsigned long long>(size - *indexed));
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t entries = 200000, proof_log = 2000000;
  std::string dir;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--help" || flag == "-h") {
      std::printf("%s", kUsage);
      return 0;
    }
    if (i + 1 >= argc) Usage(("flag " + flag + " needs a value").c_str());
    const char* value = argv[++i];
    if (flag == "--entries") {
      entries = Number(flag, value);
    } else if (flag == "--proof-log") {
      proof_log = Number(flag, value);
    } else if (flag == "--dir") {
      dir = value;
    } else if (flag == "--producers") {
      g_producers = static_cast<int>(std::max<uint64_t>(1, Number(flag, value)));
    } else if (flag == "--persons") {
      g_persons = Number(flag, value);
    } else {
      Usage(("unknown flag " + flag).c_str());
    }
  }
  if (entries == 0 || proof_log == 0) Usage("--entries and --proof-log must be at least 1");
  if (dir.empty()) {
    std::string tmpl = std::string(getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") + "/ndc_audit_bench_XXXXXX";
    if (!mkdtemp(tmpl.data())) return 1;
    dir = tmpl;
  }
  std::printf("audit_bench: SQLite (WAL, synchronous=FULL) in %s, %u hardware threads\n", dir.c_str(),
              std::thread::hardware_concurrency());

  {
    auto db = OpenStore(dir + "/throughput.db");
    ndc::SeededRandom random(1);
    auto log = ndc::audit::AuditLog::Open(db.get(), ndc::SystemClock(), &random);
    Check(log.status(), "open log");
    double single = SingleRowInserts(db.get());
    double batched = BatchedInserts(db.get(), static_cast<int64_t>(entries));
    double async_rate = AsyncAppends(log->get(), entries, 0);
    double blocking = BlockingAppends(log->get(), entries / 4, entries);
    const CpuPerAppend with_persons = g_async_cpu;
    g_no_person = true;
    double no_person = AsyncAppends(log->get(), entries, entries + entries / 4);
    const CpuPerAppend without_persons = g_async_cpu;
    g_no_person = false;
    g_async_cpu = with_persons;
    auto stats = (*log)->commit_stats();
    std::printf("\n%-58s %14s\n", "durable writes", "per second");
    std::printf("%-58s %14.0f\n", "baseline: plain single-row inserts (1 row/commit)", single);
    std::printf("%-58s %14.0f\n", "baseline: plain inserts, 8,192 rows/commit", batched);
    std::printf("%-58s %14.0f  (%.0fx single-row)\n",
                ("NDC audit appends, async, " + std::to_string(g_producers) + " producer threads").c_str(), async_rate,
                async_rate / single);
    std::printf("%-58s %14.0f  (%.0fx single-row)\n", "NDC audit appends, blocking Append, 64 threads", blocking,
                blocking / single);
    std::printf("%-58s %14.0f  (CPU %.2f us/append)\n", "  the async figure with no person in the entries", no_person,
                without_persons.total_us);
    std::printf("CPU per async append: %.2f us in all threads, %.2f us in the producer threads\n",
                g_async_cpu.total_us, g_async_cpu.producers_us);
    std::printf("group commit: %llu entries in %llu transactions (%.0f per commit)\n",
                static_cast<unsigned long long>(stats.entries), static_cast<unsigned long long>(stats.batches),
                static_cast<double>(stats.entries) / std::max<uint64_t>(1, stats.batches));
  }

  {
    auto db = OpenStore(dir + "/proofs.db");
    ndc::SeededRandom random(2);
    auto log = ndc::audit::AuditLog::Open(db.get(), ndc::SystemClock(), &random);
    Check(log.status(), "open log");
    auto build_start = Clock::now();
    // Every 5 s: how far the log and its person index have come.
    std::atomic<bool> built{false};
    std::thread progress([&] {
      for (int tick = 1; !built; ++tick) {
        for (int i = 0; i < 50 && !built; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        auto head = (*log)->Head();
        auto indexed = (*log)->person_index()->IndexedEnd();
        auto runs = db->QueryOne("SELECT COUNT(*) FROM audit_person_runs WHERE state = 'live'");
        if (built || !head.ok() || !indexed.ok() || !runs.ok()) continue;
        std::fprintf(stderr, "  %5.1f s: %llu entries, person index %llu behind, %lld live runs\n",
                     Seconds(build_start, Clock::now()), static_cast<unsigned long long>(head->first),
                     static_cast<unsigned long long>(head->first - *indexed), static_cast<long long>(runs->Int(0)));
      }
    });
    AsyncAppends(log->get(), proof_log, 0);
    double build = Seconds(build_start, Clock::now());
    built = true;
    progress.join();
    auto head = (*log)->Head();
    Check(head.status(), "head");
    std::printf("\nproof log: %llu entries, built in %.1f s (%.0f appends/s)\n",
                static_cast<unsigned long long>(head->first), build, head->first / build);
    // First as the appends left the log: the person index still merging runs and the store's
    // checkpointer copying the WAL back, as on a busy hub. Then settled: the index caught up and
    // the checkpointer given time, as on a hub between bursts.
    ProofLatencies(log->get(), *head, "as appended");
    PersonHistories(log->get(), head->first, "as appended");
    auto t0 = Clock::now();
    Check((*log)->person_index()->CatchUp(), "person index catch-up");
    // The store's own checkpointer (a background thread) copies the WAL back; give it the time a
    // quiet hub would (an explicit checkpoint here would contend with it).
    const double catch_up = Seconds(t0, Clock::now());
    std::this_thread::sleep_for(std::chrono::seconds(5));
    std::printf("settling: person index caught up in %.1f s, then 5 s for the store's checkpointer\n", catch_up);
    ProofLatencies(log->get(), *head, "settled");
    PersonHistories(log->get(), head->first, "settled");
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return 0;
}
