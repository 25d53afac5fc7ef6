// ndc serve: run the hub's HTTP API until SIGTERM or SIGINT, then shut down gracefully.
#include <signal.h>

#include <iostream>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "api/body_spool.h"
#include "api/http_server.h"
#include "api/service.h"
#include "cli/commands.h"
#include "cli/hub.h"
#include "common/log.h"
#include "common/metrics.h"
#include "common/thread_name.h"
#include "connector/scheduler.h"
#include "person/linker.h"

namespace ndc::cli {
namespace {

struct ServeFlags {
  HubFlags hub;
  std::string listen;
  int threads = -1;
  int checkpoint_interval = 60;
  int connector_poll = 30;
  int link_interval = 60;
};

// Calls `tick` every `interval` on a thread of its own, named `name`, until stopped (interval 0:
// never).
class PeriodicTask {
 public:
  PeriodicTask(std::string name, std::chrono::seconds interval, std::function<void()> tick)
      : interval_(interval), tick_(std::move(tick)) {
    if (interval_.count() > 0) thread_ = std::thread([this, name = std::move(name)] {
      SetThreadName(name);
      Run();
    });
  }
  ~PeriodicTask() { Stop(); }
  // Waits for a tick in progress to finish.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stopped_) return;
      stopped_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopped_; })) {
      lock.unlock();
      tick_();
      lock.lock();
    }
  }

  const std::chrono::seconds interval_;
  std::function<void()> tick_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopped_ = false;
  std::thread thread_;
};

// Signs a checkpoint if the log grew since the latest one.
void IssueCheckpointIfGrown(audit::Checkpointer* checkpointer, audit::AuditLog* log) {
  if (checkpointer == nullptr) return;
  auto head = log->Head();
  auto latest = log->LatestCheckpoint();
  if (head.ok() && latest.ok() && *latest && (*latest)->checkpoint.size == head->first) return;
  auto c = checkpointer->Issue();
  if (!c.ok()) {
    log::Error("audit.checkpoint_failed", {{"error", c.status().ToString()}});
  } else {
    log::Info("audit.checkpoint", {{"tree_size", c->checkpoint.size}});
  }
}

// Runs the pull connectors that are due (connector/scheduler.h). A pull in progress finishes
// before the server stops (a killed process rolls its batch back instead).
// A pull that made a batch is an audited change, like `ndc connector run`'s: audited as soon as
// its run ends, before the next connector's pull (until 2026-12-03 after all of them, so a crash
// during a later pull left the earlier, applied batches without an entry).
void RunDueConnectors(Hub& hub, connector::Scheduler* scheduler) {
  auto outcomes = scheduler->RunDue([&hub](const connector::RunOutcome& o) {
    log::Info("connector.run", {{"connector", o.connector}, {"result", o.Summary()}});
    if (!o.batch) return;
    if (Status s = AuditScheduledChange(hub, "connectors", "connector.run", {"", o.batch->dataset_id, o.connector});
        !s.ok()) {
      log::Error("audit.append_failed", {{"action", "connector.run"}, {"error", s.ToString()}});
    }
  });
  if (!outcomes.ok()) log::Error("connector.poll_failed", {{"error", outcomes.status().ToString()}});
}

Result<std::pair<std::string, uint16_t>> SplitListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return InvalidArgumentError(fmt::format("listen address '{}' must be IP:PORT, e.g. 127.0.0.1:8080", listen));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  std::string port_text = listen.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port < 0 || port > 65535) {
    return InvalidArgumentError(fmt::format("listen address '{}': port must be 0-65535", listen));
  }
  return std::make_pair(host, static_cast<uint16_t>(port));
}

Status Serve(ServeFlags flags) {
  if (!flags.listen.empty()) flags.hub.overrides["server.listen"] = flags.listen;
  if (flags.threads >= 0) flags.hub.overrides["server.threads"] = std::to_string(flags.threads);
  ASSIGN_OR_RETURN(HubConfig config, LoadHubConfig(flags.hub));
  RETURN_IF_ERROR(log::InitLogging(config.log_level, config.log_format));
  ASSIGN_OR_RETURN(auto where, SplitListen(config.listen));

  // Block the shutdown signals before any thread starts, so that only sigwait() below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  ASSIGN_OR_RETURN(Hub hub, OpenHub(flags.hub));
  api::ServiceDeps deps{hub.db.get(),           hub.catalog.get(), hub.keys.get(),         MetricsRegistry::Global(),
                        SystemClock(),            hub.audit.get(),   hub.checkpointer.get()};
  deps.ingestor = hub.ingestor.get();
  deps.agreements = hub.agreements.get();
  deps.consents = hub.consents.get();
  // On PostgreSQL, where several nodes may serve one hub, agreement rates are counted in the
  // store for all of them (sharing/rate_lease.h); on SQLite this process is the only server.
  // Leases go through connections of their own: a lease's transaction on the hub's pool would
  // end the request's read snapshot (store::Database::PinReads), and could wait for a connection
  // the requests hold.
  std::unique_ptr<store::Database> rate_db;
  std::unique_ptr<sharing::StoreTokenLease> shared_rates;
  if (hub.db->backend() == store::Backend::kPostgres) {
    store::OpenOptions rate_options;
    rate_options.pool_size = ServerThreads(config);
    ASSIGN_OR_RETURN(rate_db, store::Open(config.EffectiveStoreUrl(), rate_options));
    shared_rates = std::make_unique<sharing::StoreTokenLease>(rate_db.get(), SystemClock(), /*server_clock=*/true);
  }
  sharing::RateLimiter rate_limiter(SystemClock(), sharing::RateLimiter::WhenFull::kAdmit, shared_rates.get());
  deps.rate_limiter = &rate_limiter;
  deps.default_rate_per_minute = config.sharing_default_rate_per_minute;
  deps.audit_stall_after = std::chrono::seconds(config.audit_stall_seconds);
  // A batch holds a server thread until applied: at most half of them, so the rest keep serving.
  deps.max_concurrent_batches = std::max(1, ServerThreads(config) / 2);
  deps.max_concurrent_uploads = 8 * deps.max_concurrent_batches;
  deps.keyless_refusals_per_minute = config.keyless_refusals_per_minute;
  // Batch bodies are streamed to disk here, never held in memory (api/body_spool.h).
  deps.spool_dir = config.data_dir + "/spool";
  deps.max_batch_bytes = static_cast<uint64_t>(config.ingest_max_batch_bytes);
  ASSIGN_OR_RETURN(int stale_uploads, api::PrepareSpoolDir(deps.spool_dir));
  if (stale_uploads > 0) {
    log::Info("ingest.spool_cleaned", {{"path", deps.spool_dir}, {"removed", stale_uploads}});
  }
  if (hub.checkpointer == nullptr) {
    // Fine for a node of several when another one signs; alone, or after a restore that left
    // keys/ behind, nothing signs any more (the metric ndc_audit_unsigned_entries then grows).
    auto signed_before = hub.audit->LatestCheckpoint();
    const bool had_checkpoints = signed_before.ok() && signed_before->has_value();
    log::Warn("audit.no_signing_key",
              {{"path", config.data_dir + "/keys/signing.key"},
               {"effect", "this node appends and proves but signs no checkpoints"},
               {"what_to_do", had_checkpoints ? "the log holds signed checkpoints: if no other node signs, restore "
                                                "keys/ from the same backup as the data (docs/backup.md)"
                                              : "run `ndc init` on a new hub, or copy keys/ from the hub's backup"}});
  }
  // Signs a checkpoint every interval while the log grows (and once more at shutdown, below).
  PeriodicTask checkpoints("ndc-audit-sign", std::chrono::seconds(hub.checkpointer ? std::max(0, flags.checkpoint_interval) : 0),
                           [&hub] { IssueCheckpointIfGrown(hub.checkpointer.get(), hub.audit.get()); });
  connector::Scheduler scheduler(hub.db.get(), hub.catalog.get(), hub.ingestor.get(), SystemClock(), SystemRandom());
  PeriodicTask connectors("ndc-connectors", std::chrono::seconds(std::max(0, flags.connector_poll)),
                          [&hub, &scheduler] { RunDueConnectors(hub, &scheduler); });
  // Links new change events to the person repository (docs/design/person-repository.md).
  person::Linker linker(hub.db.get(), hub.catalog.get(), SystemClock(), SystemRandom(), person::LinkerOptions{});
  PeriodicTask linking("ndc-linker", std::chrono::seconds(std::max(0, flags.link_interval)), [&hub, &linker] {
    // Each dataset is an audited change, like `ndc link run`'s, audited as soon as it is linked
    // (until 2026-12-03 after the whole run: a crash or a failing later dataset left the
    // committed links of the earlier ones unaudited).
    auto reports = linker.Run({}, nullptr, [&hub](const person::DatasetLinkReport& r) {
      if (r.busy) log::Warn("person.link_busy", {{"dataset", r.dataset_id}, {"why", r.model}});
      if (r.records == 0) return;
      log::Info("person.linked", {{"dataset", r.dataset_id}, {"records", r.records}, {"new_persons", r.new_persons},
                                  {"queued", r.queued}, {"merged", r.merged}, {"overtaken", r.overtaken}});
      if (Status s = AuditScheduledChange(hub, "linking", "link.run", {"", r.dataset_id, ""}); !s.ok()) {
        log::Error("audit.append_failed", {{"action", "link.run"}, {"error", s.ToString()}});
      }
    });
    if (!reports.ok()) log::Warn("person.link_failed", {{"error", reports.status().ToString()}});
  });
  api::ApiService service(deps);
  api::ServerOptions options;
  options.host = where.first;
  options.port = where.second;
  options.threads = ServerThreads(config);
  options.max_body_bytes = static_cast<uint64_t>(config.max_body_bytes);
  options.max_header_bytes = static_cast<uint32_t>(config.max_header_bytes);
  options.request_timeout = std::chrono::seconds(config.request_timeout_seconds);
  options.min_upload_bytes_per_second = static_cast<uint64_t>(config.min_upload_bytes_per_second);
  options.spool_reserve_bytes = static_cast<uint64_t>(config.spool_reserve_bytes);
  options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  options.shutdown_grace = std::chrono::seconds(config.shutdown_grace_seconds);
  options.max_connections = config.max_connections;
  options.max_connections_per_address = config.max_connections_per_address;
  options.header_timeout = std::chrono::seconds(config.header_timeout_seconds);
  options.tls_cert_file = config.tls_cert;
  options.tls_key_file = config.tls_key;
  options.tls_client_ca_file = config.tls_client_ca;
  api::HttpServer server(
      options, [&service](api::Request& r) { return service.Handle(r); }, MetricsRegistry::Global(), SystemClock(),
      [&service](api::Request& r) { return service.Preflight(r); });
  RETURN_IF_ERROR(server.Start());
  std::string host = where.first.find(':') != std::string::npos ? "[" + where.first + "]" : where.first;
  log::Info("server.started", {{"listen", fmt::format("{}:{}", host, server.port())},
                               {"store", hub.db->Describe()},
                               {"threads", options.threads}});
  std::cout << fmt::format("NDC listening on {}://{}:{}{}  (store: {}; stop with Ctrl-C or SIGTERM)",
                           config.tls_cert.empty() ? "http" : "https", host, server.port(),
                           config.tls_client_ca.empty() ? "" : " (mutual TLS)", hub.db->Describe())
            << std::endl;
  // API keys and personal data cross the network in clear over plain HTTP: fine on loopback (or
  // behind a TLS-terminating proxy on this host), said loudly anywhere else.
  const std::string& bind = where.first;
  const bool loopback = bind == "::1" || bind == "localhost" || bind.starts_with("127.");
  if (config.tls_cert.empty() && !loopback) {
    log::Warn("server.plain_http", {{"listen", bind}});
    std::cerr << fmt::format("WARNING: plain HTTP on {}, not a loopback address: API keys and personal data cross the "
                             "network unencrypted. Set server.tls_cert and server.tls_key, or listen on 127.0.0.1 "
                             "behind a TLS-terminating proxy.\n",
                             host);
  }

  int sig = 0;
  sigwait(&signals, &sig);
  log::Info("server.stopping", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"},
                                {"grace_seconds", config.shutdown_grace_seconds}});
  server.Shutdown();
  server.Wait();
  linking.Stop();
  connectors.Stop();
  checkpoints.Stop();
  IssueCheckpointIfGrown(hub.checkpointer.get(), hub.audit.get());  // the last one covers everything
  log::Info("server.stopped");
  return OkStatus();
}

}  // namespace

void RegisterServe(CLI::App* app, int* exit_code) {
  auto* cmd = app->add_subcommand("serve", "Run the hub's HTTP API until SIGTERM/SIGINT; "
                                           "in-flight requests finish before it exits");
  auto* flags = NewCommandState<ServeFlags>();
  AddHubFlags(cmd, &flags->hub);
  cmd->add_option("--listen", flags->listen, "IP:PORT to listen on (default 127.0.0.1:8080; port 0 = any free port)");
  cmd->add_option("--threads", flags->threads, "HTTP worker threads (default: server.threads; 0 = 2 per core, at least 4)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--checkpoint-interval", flags->checkpoint_interval,
                  "Sign an audit checkpoint every N seconds while the log grows, and at shutdown (default 60; 0: "
                  "only on demand and at shutdown)")
      ->check(CLI::Range(0, 86400 * 7));
  cmd->add_option("--connector-poll", flags->connector_poll,
                  "Run the pull connectors that are due every N seconds (default 30; 0: only `ndc connector "
                  "run`)")
      ->check(CLI::Range(0, 86400 * 7));
  cmd->add_option("--link-interval", flags->link_interval,
                  "Link new change events to the person repository every N seconds (default 60; 0: only `ndc "
                  "link run`)")
      ->check(CLI::Range(0, 86400 * 7));
  cmd->callback([=] {
    Status s = Serve(*flags);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace ndc::cli
