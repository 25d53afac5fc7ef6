// ndc link files: standalone record linkage of CSV files with a settings file.
// Library: src/link (docs/design/linkage.md). Other `ndc link` subcommands (hub mode) attach to
// the `link` group created here.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/hub.h"
#include "link/explain.h"
#include "link/linker.h"
#include "link/model.h"
#include "link/pairs_csv.h"
#include "link/record_table.h"
#include "link/settings.h"

namespace ndc::cli {
namespace {

struct LinkFilesFlags {
  std::string settings, left, right, out, clusters, model_in, model_out;
  std::vector<std::string> explain;
  size_t threads = 0;
  bool quiet = false;
};

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open '" + path + "': check the path");
  std::ostringstream b;
  b << in.rdbuf();
  return b.str();
}

Result<link::RecordTable> Load(const link::Settings& s, const std::string& path, const char* input, bool quiet,
                               size_t threads) {
  link::ColumnMap map;
  auto it = s.inputs.find(input);
  if (it != s.inputs.end()) {
    map = it->second;
  } else {
    map.same_names = true;  // no map in the settings: columns named like the attributes
  }
  auto t0 = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(auto table, link::RecordTable::FromCsv(s, path, map, [&](size_t rows) {
                     if (!quiet) std::cerr << fmt::format("link: {}: {} records read\n", input, rows);
                   }, threads));
  if (!quiet) {
    std::cerr << fmt::format("link: {}: {} records from {} ({:.1f} s)\n", input, table.size(), path,
                             std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return table;
}

Status WriteOutputs(const LinkFilesFlags& f, const link::Settings& s, const link::RecordTable& left,
                    const link::RecordTable* right, const link::LinkResult& r) {
  const link::RecordTable& other = right ? *right : left;
  RETURN_IF_ERROR(link::WritePairsCsv(f.out, s, left, other, r, f.threads));
  if (!f.clusters.empty()) {
    std::ofstream c(f.clusters, std::ios::binary);
    if (!c) return UnavailableError("cannot write '" + f.clusters + "'");
    c << "cluster_id,input,record_id\n";
    for (size_t i = 0; i < r.clusters.cluster_of.size(); ++i) {
      bool is_left = i < left.size();
      uint32_t row = static_cast<uint32_t>(is_left ? i : i - left.size());
      c << r.clusters.cluster_of[i] << ',' << (is_left ? "left" : "right") << ','
        << CsvField(is_left ? left.id(row) : right->id(row)) << '\n';
    }
    if (!c.flush()) return UnavailableError("writing '" + f.clusters + "' failed (disk full?)");
  }
  return OkStatus();
}

Status Run(const LinkFilesFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  ASSIGN_OR_RETURN(link::Settings s, link::LoadSettingsFile(f.settings));
  if (f.out.empty() && f.explain.empty()) return InvalidArgumentError("--out is required (or use --explain ID1 ID2)");
  if (!f.model_in.empty() && !f.model_out.empty()) return InvalidArgumentError("use --model or --model-out, not both");
  ASSIGN_OR_RETURN(auto left, Load(s, f.left, "left", f.quiet, f.threads));
  std::optional<link::RecordTable> right;
  if (!f.right.empty()) {
    ASSIGN_OR_RETURN(auto r, Load(s, f.right, "right", f.quiet, f.threads));
    right.emplace(std::move(r));
  }
  const link::RecordTable* rp = right ? &*right : nullptr;
  link::Model model;
  if (!f.model_in.empty()) {
    ASSIGN_OR_RETURN(std::string json, ReadFile(f.model_in));
    auto m = link::ModelFromJson(json);
    if (!m.ok()) return Status(m.status().code(), f.model_in + ": " + m.status().message());
    model = std::move(m).value();
    RETURN_IF_ERROR(link::CheckModel(s, model));
  } else {
    link::TrainOptions to;
    to.threads = f.threads;
    if (!f.quiet) to.progress = [](std::string_view m) { std::cerr << "link: train: " << m << "\n"; };
    ASSIGN_OR_RETURN(model, link::Train(s, left, rp, to));
    if (!f.model_out.empty()) {
      std::ofstream mo(f.model_out, std::ios::binary);
      mo << link::ModelToJson(model) << "\n";
      if (!mo.flush()) return UnavailableError("cannot write '" + f.model_out + "'");
    }
  }
  if (!f.explain.empty()) {
    int64_t a = left.FindId(f.explain[0]);
    const link::RecordTable& other = rp ? *rp : left;
    int64_t b = other.FindId(f.explain[1]);
    if (a < 0) return NotFoundError("--explain: no record '" + f.explain[0] + "' in " + f.left);
    if (b < 0) return NotFoundError("--explain: no record '" + f.explain[1] + "' in " + (rp ? f.right : f.left));
    auto e = link::Explain(s, model, left, static_cast<uint32_t>(a), other, static_cast<uint32_t>(b));
    std::cout << link::ExplanationToText(e);
    if (f.out.empty()) return OkStatus();
  }
  link::LinkOptions lo;
  lo.threads = f.threads;
  if (!f.quiet) {
    lo.progress = [](const link::LinkProgress& p) {
      std::cerr << fmt::format("link: {}/{} records, {} candidate pairs\n", p.left_done, p.left_total, p.candidate_pairs);
    };
  }
  ASSIGN_OR_RETURN(auto r, link::Link(s, model, left, rp, lo));
  RETURN_IF_ERROR(WriteOutputs(f, s, left, rp, r));
  if (!f.quiet) {
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    size_t records = left.size() + (rp ? rp->size() : 0);
    std::cout << fmt::format(
        "Records: {} left{}\nCandidate pairs: {}\nPairs kept (probability >= {}): {} ({} matches, {} deterministic)\n"
        "Clusters: {}\nTime: {:.2f} s ({:.0f} records/s)\nWrote {}{}\n",
        left.size(), rp ? fmt::format(", {} right", rp->size()) : "", r.stats.candidate_pairs, s.thresholds.review,
        r.stats.pairs_kept, r.stats.matches, r.stats.deterministic_pairs, r.clusters.count, secs,
        records / std::max(secs, 1e-9), f.out, f.clusters.empty() ? "" : " and " + f.clusters);
  }
  return OkStatus();
}

}  // namespace

void RegisterLink(CLI::App* app, int* exit_code) {
  auto* group = app->add_subcommand(
      "link", "Record linkage: find the records that belong to the same person. See docs/design/linkage.md");
  group->require_subcommand(1);
  auto* f = NewCommandState<LinkFilesFlags>();
  auto* cmd = group->add_subcommand(
      "files",
      "Link two CSV files (--left, --right) or deduplicate one (--left only) with a settings file; writes scored "
      "pairs and clusters. Weights are learned from the data (EM) unless --model is given");
  cmd->add_option("--settings,-s", f->settings, "Settings file (.toml or .json): attributes, comparisons, blocking")
      ->required();
  cmd->add_option("--left,-l", f->left, "CSV file (header row); its columns are mapped by [inputs.left]")->required();
  cmd->add_option("--right,-r", f->right, "Second CSV file to link to (mapped by [inputs.right]); omit to deduplicate");
  cmd->add_option("--out,-o", f->out, "Pairs CSV: left_id, right_id, match_weight, match_probability, how (required unless --explain)");
  cmd->add_option("--clusters", f->clusters, "Clusters CSV: cluster_id, input, record_id");
  cmd->add_option("--threads,-j", f->threads, "Worker threads (default: all cores)");
  cmd->add_option("--model", f->model_in, "Use this trained model (JSON) instead of training");
  cmd->add_option("--model-out", f->model_out, "Write the trained model (JSON)");
  cmd->add_option("--explain", f->explain, "Explain the score of one pair: LEFT_ID RIGHT_ID")->expected(2);
  cmd->add_flag("--quiet,-q", f->quiet, "No progress or summary");
  cmd->callback([f, exit_code] {
    Status s = Run(*f);
    *exit_code = s.ok() ? 0 : ReportError(s);
  });
}

}  // namespace ndc::cli
