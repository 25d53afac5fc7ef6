// api_bench: the sharing API under load. A real NDC server (api::HttpServer + ApiService, as
// `ndc serve` wires them) on a real SQLite hub in a temp directory, driven over loopback by the
// closed-loop load generator of bench/load (C keep-alive connections, one request in flight on
// each). In one run, on the same server:
//   (a) baseline: GET /healthz — public, no authentication, no policy, no audit;
//   (b) NDC: GET /v1/persons/{key}?purpose=... with an agency key — authentication, the policy
//       decision against the agency's agreement, the person's agreed fields only, and a durable
//       (group-committed) audit entry written before the response — for random person keys;
//   (c) the bound: a bench-only route that only appends a person read's audit entry and answers
//       once it is durable — what any audited read costs at least.
// Prints requests/s, p50/p90/p99 of each, the ratios (b)/(a) and (c)/(a) and whether the goal holds (ratio >=
// 0.5 and p99 < 10 ms at 64 connections); checks that the audit log grew by one entry per read
// and that sampled responses hold only agreed fields (it aborts if not). The three phases run
// --runs times in turn (a, b, c, a, b, c, ...): each round's ratios compare phases minutes
// apart at most, and the goal is judged on the medians of the rounds, so a machine whose speed
// drifts during the run (a shared virtual machine) moves every phase alike instead of deciding
// the figure. docs/benchmarks.md, "Sharing (API)".
//
// Usage: see kUsage below (`api_bench --help`).
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "api/audit_release.h"
#include "api/http_server.h"
#include "api/service.h"
#include "catalog/schema.h"
#include "cli/hub.h"
#include "common/clock.h"
#include "common/metrics.h"
#include "datagen/generator.h"
#include "ingest/formats/input.h"
#include "load/http_load.h"
#include "person/linker.h"
#include "sharing/agreement_json.h"
#include "sharing/rate_limiter.h"

namespace {

using ndc::bench::LoadResult;

constexpr char kPurpose[] = "public_service.social_insurance";
// Phase (c)'s bench-only route: a person read's durable audit append and nothing else.
constexpr char kAuditOnlyPath[] = "/bench/audit-only";

// What phase (c) answers: an entry shaped like an allowed person read's (the same action,
// actor, purpose, basis and field list), released to the client once it is durable.
ndc::api::Response AuditOnly(ndc::audit::AuditLog* log, const ndc::api::Request& request) {
  ndc::audit::Entry e;
  e.actor = {"bench0000000", "vss", "agency"};
  e.action = "person.read";
  e.subject.person_key = request.query.contains("p") ? request.query.at("p") : "";
  e.fields = {"population_registry.so_dinh_danh", "population_registry.ho_ten", "population_registry.ngay_sinh",
              "population_registry.gioi_tinh", "population_registry.ngay_mat", "population_registry.thuong_tru"};
  e.purpose = kPurpose;
  e.legal_basis = "Law on Social Insurance 41/2024/QH15; Decree 47/2020/NĐ-CP art. 15 (agreement vss-population v1)";
  e.request_id = request.request_id;
  ndc::api::Response r = ndc::api::JsonResponse("{\"audited\":true}");
  r.send_after = ndc::api::AppendAndGate(log, std::move(e), "the bench entry could not be audited");
  return r;
}
// What examples/agreements/vss-population.json grants: a response may hold these and no other.
const std::set<std::string> kGranted = {"so_dinh_danh", "ho_ten", "ngay_sinh", "gioi_tinh", "thuong_tru", "ngay_mat"};
constexpr char kGrantedDataset[] = "population_registry";

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "api_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Check(ndc::Result<T> r, const std::string& what) {
  if (!r.ok()) Die(what + ": " + r.status().ToString());
  return std::move(*r);
}

void Check(const ndc::Status& s, const std::string& what) {
  if (!s.ok()) Die(what + ": " + s.ToString());
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

constexpr char kUsage[] = R"(usage: api_bench [--connections C] [--seconds S] [--warmup S] [--persons N]
                 [--threads T] [--phase a|b|c|ab|abc] [--runs R] [--dir DIR]

  --connections C  keep-alive connections (default 64)
  --seconds S      measured seconds per phase (default 10), after --warmup S (default 2)
  --persons N      persons generated, ingested into population_registry and linked (default 10,000)
  --threads T      server worker threads (default: as `ndc serve`, server.threads 0)
  --phase P        which phases run, any of a (GET /healthz), b (the person read) and c (the
                   bound: only the read's durable audit append, see below), e.g. b to profile
                   one; default abc (all three, and the ratios (b)/(a) and (c)/(a))
  --runs R         run the phases R times in turn, a b c a b c ... (default 3); with all three
                   phases, each round's ratios are printed and the goal is judged on their
                   medians (and the median p99 of (b))
  --dir DIR        where the hub goes (default: a new directory under $TMPDIR or /tmp, removed)
  --help           this text

Phase (c) is a bench-only route on the same server that does nothing but what every data read
must do before answering: append one audit entry like a person read's and wait until it is
durable (no key, no SQL, no policy). Its ratio to (a) is the most any audited read can reach on
this machine.
)";

struct Flags {
  int connections = 64;
  double seconds = 10, warmup = 2;
  size_t persons = 10000;
  int threads = 0;
  std::string phase = "abc";
  int rounds = 3;
  std::string dir;
};

Flags ParseFlags(int argc, char** argv) {
  Flags f;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    }
    if (!a.starts_with("--")) Die("unexpected argument '" + a + "' (api_bench --help lists the flags)");
    if (i + 1 >= argc) Die("flag " + a + " needs a value (api_bench --help lists the flags)");
    const char* v = argv[++i];
    if (a == "--connections") f.connections = std::max(1, std::atoi(v));
    else if (a == "--seconds") f.seconds = std::max(0.5, std::atof(v));
    else if (a == "--warmup") f.warmup = std::max(0.0, std::atof(v));
    else if (a == "--persons") f.persons = std::max<size_t>(1, std::strtoull(v, nullptr, 10));
    else if (a == "--threads") f.threads = std::max(1, std::atoi(v));
    else if (a == "--phase") f.phase = v;
    else if (a == "--runs") f.rounds = std::max(1, std::atoi(v));
    else if (a == "--dir") f.dir = v;
    else Die("unknown flag " + a + " (api_bench --help lists the flags)");
  }
  if (f.phase.empty() || f.phase.find_first_not_of("abc") != std::string::npos) {
    Die("--phase " + f.phase + ": expected letters of a, b and c, e.g. ab (api_bench --help)");
  }
  return f;
}

// The hub: agencies, the generated registry ingested and linked, the agreement and the keys.
struct Setup {
  std::string agency_key, operator_key;
  std::vector<std::string> person_keys;
};

Setup Prepare(ndc::cli::Hub& hub, const Flags& flags) {
  auto t0 = std::chrono::steady_clock::now();
  auto lap = [&t0](const std::string& what) {
    auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "  %-44s %6.1f s\n", what.c_str(), std::chrono::duration<double>(now - t0).count());
    t0 = now;
  };
  Check(hub.catalog->CreateAgency({"bca", "Bộ Công an", "state", 0}).status(), "agency bca");
  Check(hub.catalog->CreateAgency({"vss", "Bảo hiểm xã hội Việt Nam", "state", 0}).status(), "agency vss");
  ndc::datagen::GeneratorOptions gen;
  gen.persons = flags.persons;
  const std::string gen_dir = flags.dir + "/datagen";
  Check(ndc::datagen::Generate(gen, gen_dir).status(), "datagen");
  lap(fmt::format("generated {} persons", flags.persons));
  auto schema = Check(ndc::catalog::ParseSchemaFile(gen_dir + "/population_registry.schema.json"), "schema");
  Check(hub.catalog->CreateDataset(schema).status(), "dataset");
  ndc::ingest::BatchRequest batch;
  batch.dataset_id = "population_registry";
  batch.source = "api_bench";
  batch.submitted_by = "api_bench";
  auto source = Check(ndc::ingest::OpenFileSource(gen_dir + "/population_registry.csv"), "open CSV");
  auto report = Check(hub.ingestor->Ingest(batch, std::move(source)), "ingest");
  lap(fmt::format("ingested {} registry records", report.inserted));
  ndc::person::Linker linker(hub.db.get(), hub.catalog.get(), ndc::SystemClock(), ndc::SystemRandom(), {});
  Check(linker.Run({"population_registry"}).status(), "link");
  lap("linked the registry into persons");

  std::ifstream in(std::string(NDC_EXAMPLES_DIR) + "/agreements/vss-population.json");
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_object()) Die("cannot read examples/agreements/vss-population.json");
  doc["rate_per_minute"] = 1000000;  // the bench measures the server, not the rate limit
  auto draft = Check(ndc::sharing::AgreementFromJson(doc), "agreement document");
  Check(hub.agreements->Create(std::move(draft), "api_bench").status(), "agreement");

  Setup s;
  s.agency_key = Check(hub.keys->Create("bench vss", ndc::auth::Role::kAgency, "vss"), "agency key").token;
  s.operator_key = Check(hub.keys->Create("bench operator", ndc::auth::Role::kOperator), "operator key").token;
  auto rows = Check(hub.db->Query("SELECT person_key FROM persons WHERE status = 'active'"), "persons");
  for (const auto& row : rows.rows) s.person_keys.push_back(row.Str(0));
  if (s.person_keys.empty()) Die("linking created no persons");
  lap(fmt::format("agreement, keys; {} persons to read", s.person_keys.size()));
  return s;
}

// A person read discloses only what the agreement grants: records of the granted dataset, each
// field among the granted ones, with its source and update time; and at least one field.
bool OnlyAgreedFields(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j["records"].is_array() || j["records"].empty()) return false;
  for (const auto& record : j["records"]) {
    if (record.value("dataset", "") != kGrantedDataset || !record["updated_at"].is_string()) return false;
    if (!record["fields"].is_object() || record["fields"].empty()) return false;
    for (const auto& [name, value] : record["fields"].items()) {
      if (!kGranted.contains(name)) return false;
    }
  }
  return true;
}

uint64_t AuditSize(ndc::cli::Hub& hub) { return Check(hub.audit->Head(), "audit head").first; }

// CPU seconds (user + system) this process has used: server, committer and load generator.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// CPU seconds (user + system) used so far by this process's threads, summed by thread name
// (/proc/self/task/*/stat): the server's threads are named (ndc-http, ndc-audit-write, ...; see
// docs/architecture.md), and the main thread, "api_bench", runs the load generator. Clock ticks
// (10 ms): enough over a phase of seconds.
std::map<std::string, double> CpuByThreadName() {
  std::map<std::string, double> out;
  static const double kTicks = static_cast<double>(sysconf(_SC_CLK_TCK));
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream in(task.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so split at the last ')'.
    const size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos || close < open) continue;
    std::istringstream rest(stat.substr(close + 1));
    std::string skipped;  // fields 3 (state) to 13
    for (int i = 3; i <= 13; ++i) rest >> skipped;
    unsigned long long utime = 0, stime = 0;
    if (!(rest >> utime >> stime)) continue;  // fields 14 and 15
    out[stat.substr(open + 1, close - open - 1)] += static_cast<double>(utime + stime) / kTicks;
  }
  return out;
}

// "ndc-http 68, ndc-audit-write 19, ...": CPU µs per request by thread name between two
// CpuByThreadName readings, largest first; names under 1 µs a request are left out.
std::string CpuSplit(const std::map<std::string, double>& before, const std::map<std::string, double>& after,
                     uint64_t requests) {
  std::vector<std::pair<double, std::string>> parts;
  for (const auto& [name, seconds] : after) {
    auto it = before.find(name);
    const double us = (seconds - (it == before.end() ? 0 : it->second)) * 1e6 / std::max<uint64_t>(requests, 1);
    if (us >= 1) parts.emplace_back(us, name == "api_bench" ? "load generator" : name);
  }
  std::sort(parts.rbegin(), parts.rend());
  std::string out;
  for (const auto& [us, name] : parts) out += fmt::format("{}{} {:.0f}", out.empty() ? "" : ", ", name, us);
  return out;
}

// Warm-up, then the measured window, printing progress on stderr. `cpu_per_request` gets the
// process's CPU microseconds per completed request in the window (less sensitive than requests/s
// to other programs on the machine), `cpu_split` the same by thread (CpuSplit).
LoadResult Phase(const char* name, const Flags& flags, uint16_t port, const ndc::bench::RequestFn& next,
                 const ndc::bench::ResponseFn& check, double* cpu_per_request, std::string* cpu_split) {
  ndc::bench::LoadOptions options;
  options.port = port;
  options.connections = flags.connections;
  std::string error;
  if (flags.warmup > 0) {
    options.seconds = flags.warmup;
    LoadResult warm;
    if (!ndc::bench::LoadGenerator(options).Run(next, check, &warm, &error)) Die(std::string(name) + ": " + error);
  }
  options.seconds = flags.seconds;
  options.progress = [name](double elapsed, uint64_t completed) {
    std::fprintf(stderr, "  %s: %4.0f s, %9llu requests, %8.0f/s\n", name, elapsed,
                 static_cast<unsigned long long>(completed), completed / std::max(elapsed, 1e-9));
  };
  LoadResult r;
  const std::map<std::string, double> threads_before = CpuByThreadName();
  const double cpu_before = ProcessCpuSeconds();
  if (!ndc::bench::LoadGenerator(options).Run(next, check, &r, &error)) Die(std::string(name) + ": " + error);
  *cpu_per_request = (ProcessCpuSeconds() - cpu_before) * 1e6 / std::max<uint64_t>(r.completed, 1);
  *cpu_split = CpuSplit(threads_before, CpuByThreadName(), r.completed);
  return r;
}

void PrintRow(const char* label, LoadResult& r, double cpu_per_request, const std::string& cpu_split) {
  std::printf("%-52s %10.0f %8.2f %8.2f %8.2f %9llu %8.0f\n", label, r.RequestsPerSecond(),
              r.latency.QuantileMillis(0.5), r.latency.QuantileMillis(0.9), r.latency.QuantileMillis(0.99),
              static_cast<unsigned long long>(r.completed), cpu_per_request);
  std::printf("  CPU µs a request by thread: %s\n", cpu_split.c_str());
}

// Everything but the temporary directory; the hub is closed when it returns.
int RunBench(const Flags& flags) {
  ndc::HubConfig defaults;
  defaults.threads = flags.threads;
  const int threads = ndc::cli::ServerThreads(defaults);  // as `ndc serve`
  std::printf("api_bench: SQLite hub in %s, %u hardware threads, %d server threads, %d connections, load %s\n",
              flags.dir.c_str(), std::thread::hardware_concurrency(), threads, flags.connections,
              LoadAverage().c_str());
  std::fflush(stdout);

  ndc::cli::HubFlags hub_flags;
  hub_flags.data_dir = flags.dir + "/hub";
  std::filesystem::create_directories(hub_flags.data_dir);
  auto config = Check(ndc::cli::LoadHubConfig(hub_flags), "config");
  ndc::cli::Hub hub = Check(ndc::cli::OpenHubWithConfig(config), "open hub");
  std::fprintf(stderr, "setup:\n");
  Setup setup = Prepare(hub, flags);

  ndc::api::ServiceDeps deps{hub.db.get(),      hub.catalog.get(), hub.keys.get(), ndc::MetricsRegistry::Global(),
                             ndc::SystemClock(), hub.audit.get(),   nullptr};
  deps.ingestor = hub.ingestor.get();
  deps.agreements = hub.agreements.get();
  deps.consents = hub.consents.get();
  ndc::sharing::RateLimiter rate_limiter(ndc::SystemClock(), ndc::sharing::RateLimiter::WhenFull::kAdmit);
  deps.rate_limiter = &rate_limiter;
  ndc::api::ApiService service(deps);
  ndc::api::ServerOptions options;
  options.threads = threads;
  ndc::api::HttpServer server(
      options,
      [&service, &hub](ndc::api::Request& r) {
        return r.path == kAuditOnlyPath ? AuditOnly(hub.audit.get(), r) : service.Handle(r);
      },
      ndc::MetricsRegistry::Global(), ndc::SystemClock(),
      [&service](ndc::api::Request& r) { return service.Preflight(r); });
  Check(server.Start(), "start the server");
  const uint16_t port = server.port();

  // One read in-process first: it must be allowed and hold only agreed fields, else nothing is measured.
  ndc::api::Request probe;
  probe.method = "GET";
  probe.target = fmt::format("/v1/persons/{}?purpose={}", setup.person_keys.front(), kPurpose);
  probe.headers["authorization"] = "Bearer " + setup.agency_key;
  if (!ndc::api::ParseTarget(probe.target, &probe.path, &probe.query)) Die("bad probe target " + probe.target);
  // Called directly, not through the server: wait for the audit entry as the server would.
  ndc::api::Response sample = ndc::api::WaitForRelease(service.Handle(probe));
  std::printf("sample (b) response, %d, %zu bytes: %s\n", sample.status, sample.body.size(), sample.body.substr(0, 400).c_str());
  if (sample.status != 200 || !OnlyAgreedFields(sample.body)) Die("the agency's person read is not served as agreed");

  // (b) reads random persons (one thread drives every connection, so one generator serves all).
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<size_t> pick(0, setup.person_keys.size() - 1);
  auto person_read = [&](int) {
    return fmt::format("GET /v1/persons/{}?purpose={} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {}\r\n\r\n",
                       setup.person_keys[pick(rng)], kPurpose, setup.agency_key);
  };
  auto health = [](int) { return std::string("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"); };
  auto audit_only = [&](int) {
    return fmt::format("GET {}?p={} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", kAuditOnlyPath,
                       setup.person_keys[pick(rng)]);
  };
  uint64_t checked = 0, seen = 0;
  auto check_person = [&](int status, std::string_view body) {
    if (status != 200) {
      std::fprintf(stderr, "api_bench: person read answered %d: %.*s\n", status, static_cast<int>(body.size()),
                   body.data());
      return false;
    }
    if (seen++ % 16 != 0) return true;  // a sample: every 16th response
    ++checked;
    if (OnlyAgreedFields(body)) return true;
    std::fprintf(stderr, "api_bench: a response holds a field the agreement does not grant (or none it grants): %.*s\n",
                 static_cast<int>(body.size()), body.data());
    return false;
  };
  auto check_health = [](int status, std::string_view) { return status == 200; };
  auto check_audited = [](int status, std::string_view body) {
    if (status == 200 && body == "{\"audited\":true}") return true;
    std::fprintf(stderr, "api_bench: the audit-only route answered %d: %.*s\n", status, static_cast<int>(body.size()),
                 body.data());
    return false;
  };

  std::fprintf(stderr, "load (%d connections, %.0f s warm-up + %.0f s per phase, %d round%s):\n", flags.connections,
               flags.warmup, flags.seconds, flags.rounds, flags.rounds == 1 ? "" : "s");
  const std::string load_before = LoadAverage();
  const bool run_a = flags.phase.find('a') != std::string::npos, run_b = flags.phase.find('b') != std::string::npos,
             run_c = flags.phase.find('c') != std::string::npos;
  struct Round {
    LoadResult bare, reads, bound;
    double bare_cpu = 0, reads_cpu = 0, bound_cpu = 0;
    std::string bare_split, reads_split, bound_split;  // CPU µs a request by thread (CpuSplit)
    uint64_t batches = 0, entries = 0;  // the audit's group commits during (b)
  };
  std::vector<Round> rounds(static_cast<size_t>(flags.rounds));
  uint64_t reads_audited = 0;  // entries appended during the (b) phases, warm-ups included
  for (int i = 0; i < flags.rounds; ++i) {
    Round& r = rounds[static_cast<size_t>(i)];
    const std::string tag = flags.rounds == 1 ? "" : fmt::format(" [round {}/{}]", i + 1, flags.rounds);
    const uint64_t before_health = AuditSize(hub);
    if (run_a) r.bare = Phase(("(a) /healthz" + tag).c_str(), flags, port, health, check_health, &r.bare_cpu, &r.bare_split);
    const uint64_t before_reads = AuditSize(hub);
    if (before_reads != before_health) Die("the audit log grew during (a): /healthz is not a bare route");
    const auto commits_before = hub.audit->commit_stats();
    const uint64_t seen_before = seen;
    if (run_b) r.reads = Phase(("(b) person read" + tag).c_str(), flags, port, person_read, check_person, &r.reads_cpu, &r.reads_split);
    const auto commits_after = hub.audit->commit_stats();
    const uint64_t after_reads = AuditSize(hub);
    r.batches = commits_after.batches - commits_before.batches;
    r.entries = commits_after.entries - commits_before.entries;
    if (after_reads - before_reads < seen - seen_before) {
      Die(fmt::format("the audit log grew by {} entries for {} reads: reads went unaudited", after_reads - before_reads,
                      seen - seen_before));
    }
    reads_audited += after_reads - before_reads;
    if (run_c) {
      r.bound = Phase(("(c) audit only" + tag).c_str(), flags, port, audit_only, check_audited, &r.bound_cpu, &r.bound_split);
      if (AuditSize(hub) - after_reads < r.bound.completed) Die("the audit-only route answered without appending");
    }
  }
  server.Shutdown();
  server.Wait();

  std::printf("\n%-52s %10s %8s %8s %8s %9s %8s\n", ("at " + std::to_string(flags.connections) + " connections").c_str(),
              "req/s", "p50 ms", "p90 ms", "p99 ms", "requests", "CPU µs");
  const bool all = run_a && run_b && run_c;
  std::vector<double> ratios, bounds, p99s, bound_p99s, read_vs_bound;
  for (size_t i = 0; i < rounds.size(); ++i) {
    Round& r = rounds[i];
    const std::string tag = rounds.size() == 1 ? "" : fmt::format(" [{}]", i + 1);
    if (run_a) PrintRow(((all ? "baseline (a): GET /healthz (no auth, no audit)" : "(a) GET /healthz") + tag).c_str(), r.bare, r.bare_cpu, r.bare_split);
    if (run_b) PrintRow(((all ? "NDC (b): audited, policy-checked person read" : "(b) audited person read") + tag).c_str(), r.reads, r.reads_cpu, r.reads_split);
    if (run_c) PrintRow(((all ? "bound (c): the read's durable audit append only" : "(c) audit append only") + tag).c_str(), r.bound, r.bound_cpu, r.bound_split);
    if (run_b) {
      std::printf("  audit group commits during (b): %llu, %.1f entries each\n", static_cast<unsigned long long>(r.batches),
                  static_cast<double>(r.entries) / std::max<uint64_t>(r.batches, 1));
    }
    if (!all) continue;
    ratios.push_back(r.reads.RequestsPerSecond() / r.bare.RequestsPerSecond());
    bounds.push_back(r.bound.RequestsPerSecond() / r.bare.RequestsPerSecond());
    read_vs_bound.push_back(r.reads.RequestsPerSecond() / r.bound.RequestsPerSecond());
    p99s.push_back(r.reads.latency.QuantileMillis(0.99));
    bound_p99s.push_back(r.bound.latency.QuantileMillis(0.99));
    std::printf("  round %zu: (b)/(a) = %.2f, p99 (b) = %.2f ms; (c)/(a) = %.2f; (b)/(c) = %.2f\n", i + 1, ratios.back(),
                p99s.back(), bounds.back(), read_vs_bound.back());
  }
  uint64_t reconnects = 0;
  for (const Round& r : rounds) reconnects += r.reads.reconnects + r.bare.reconnects;
  std::printf("audit log: +%llu entries during the (b) phases (warm-ups included), +0 during (a)\n",
              static_cast<unsigned long long>(reads_audited));
  std::printf("responses checked for agreed fields only: %llu of %llu (every 16th); reconnects: %llu\n",
              static_cast<unsigned long long>(checked), static_cast<unsigned long long>(seen),
              static_cast<unsigned long long>(reconnects));
  std::printf("load average (1/5/15 min): %s before, %s after\n", load_before.c_str(), LoadAverage().c_str());
  if (!all) return 0;  // not all three phases: each phase's figures, no ratios

  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  };
  const double ratio = median(ratios), p99 = median(p99s);
  const bool goal = ratio >= 0.5 && p99 < 10.0;
  const std::string of = rounds.size() == 1 ? "" : fmt::format(" (median of {} rounds)", rounds.size());
  std::printf("ratio (b)/(a) = %.2f; p99 (b) = %.2f ms%s; goal (ratio >= 0.5 and p99 < 10 ms at 64 connections): %s%s\n",
              ratio, p99, of.c_str(), goal ? "MET" : "NOT MET",
              flags.connections == 64 ? "" : fmt::format(" (this run: {} connections)", flags.connections).c_str());
  std::printf("bound (c)/(a) = %.2f, p99 (c) = %.2f ms%s: the most an audited read could reach here; (b)/(c) = %.2f\n",
              median(bounds), median(bound_p99s), of.c_str(), median(read_vs_bound));
  return goal ? 0 : 2;
}

}  // namespace

int main(int argc, char** argv) {
  Flags flags = ParseFlags(argc, argv);
  bool own_dir = flags.dir.empty();
  if (own_dir) {
    std::string tmpl = std::string(getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") + "/ndc_api_bench_XXXXXX";
    if (!mkdtemp(tmpl.data())) Die("cannot create a temporary directory");
    flags.dir = tmpl;
  }
  int rc = RunBench(flags);
  if (own_dir) {
    std::error_code ec;
    std::filesystem::remove_all(flags.dir, ec);
  }
  return rc;
}
