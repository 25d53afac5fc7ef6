#include <gtest/gtest.h>

#include "link/cluster.h"

namespace ndc::link {
namespace {

TEST(Clusters, ConnectedComponentsJoinChainsAndKeepSingletons) {
  std::vector<Edge> edges = {{0, 2}, {2, 4}, {5, 6}};
  Clusters c = ConnectedComponents(7, edges);
  EXPECT_EQ(c.count, 4u);  // {0,2,4} {1} {3} {5,6}
  EXPECT_EQ(c.cluster_of, (std::vector<uint32_t>{0, 1, 0, 2, 0, 3, 3}));
}

TEST(Clusters, NoEdgesGivesOneClusterPerRecord) {
  Clusters c = ConnectedComponents(3, {});
  EXPECT_EQ(c.count, 3u);
}

}  // namespace
}  // namespace ndc::link
