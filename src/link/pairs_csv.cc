#include "link/pairs_csv.h"

#include <charconv>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "link/internal/parallel.h"

namespace ndc::link {
namespace {

void AppendField(std::string_view s, std::string* out) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(s);
    return;
  }
  *out += '"';
  for (char c : s) {
    if (c == '"') *out += '"';
    *out += c;
  }
  *out += '"';
}

void AppendFixed(double x, int decimals, std::string* out) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::fixed, decimals);
  out->append(buf, r.ec == std::errc() ? r.ptr : buf);
}

}  // namespace

Status WritePairsCsv(const std::filesystem::path& path, const Settings& settings, const RecordTable& left,
                     const RecordTable& right, const LinkResult& result, size_t threads) {
  const std::string name = path.string();
  std::unique_ptr<FILE, int (*)(FILE*)> f(std::fopen(name.c_str(), "wb"), &std::fclose);
  if (!f) return UnavailableError("cannot write '" + name + "': check the directory exists and is writable");
  std::vector<std::string> how(settings.deterministic.size());
  for (size_t i = 0; i < how.size(); ++i) how[i] = "deterministic:" + settings.deterministic[i].name;
  constexpr size_t kBlock = 1 << 15;  // rows per formatted block
  threads = internal::Threads(threads);
  const auto& pairs = result.pairs;
  const size_t blocks = (pairs.size() + kBlock - 1) / kBlock;
  std::vector<std::string> text(threads);
  bool ok = std::fputs("left_id,right_id,match_weight,match_probability,how\n", f.get()) >= 0;
  for (size_t first = 0; first < blocks; first += threads) {  // `threads` blocks at a time, in order
    const size_t n = std::min(threads, blocks - first);
    internal::ParallelChunks(n, threads, [&](size_t i) {
      std::string& out = text[i];
      out.clear();
      const size_t end = std::min(pairs.size(), (first + i + 1) * kBlock);
      for (size_t k = (first + i) * kBlock; k < end; ++k) {
        const ScoredPair& p = pairs[k];
        AppendField(left.id(p.left), &out);
        out += ',';
        AppendField(right.id(p.right), &out);
        out += ',';
        AppendFixed(p.weight, 4, &out);
        out += ',';
        AppendFixed(p.probability, 6, &out);
        out += ',';
        out += p.how == MatchHow::kDeterministic ? std::string_view(how[p.rule])
                                                 : std::string_view("probabilistic");
        out += '\n';
      }
    });
    for (size_t i = 0; i < n; ++i)
      ok = ok && std::fwrite(text[i].data(), 1, text[i].size(), f.get()) == text[i].size();
  }
  if (std::fclose(f.release()) != 0 || !ok)
    return UnavailableError("writing '" + name + "' failed (disk full?)");
  return OkStatus();
}

}  // namespace ndc::link
