// ContainerJson (schema berth.containers.v1): the identity fields, in
// particular those only some runtimes give (restart count, health status).
#include <gtest/gtest.h>

#include "exporter/api_json.h"
#include "tests/exporter/snapshot_builder.h"

namespace berth::exporter {
namespace {

TEST(ApiJsonTest, IdentityFieldsWithoutRestartsOrHealthAreNull) {
  const collector::ContainerStats c = testing::MakeContainer(2);
  const nlohmann::json j = ContainerJson(c, nullptr);
  EXPECT_EQ(j["name"], "svc-2");
  EXPECT_EQ(j["labels"]["com.docker.compose.service"], "web");
  EXPECT_DOUBLE_EQ(j["started_at"].get<double>(), 1.7e9 + 2);
  ASSERT_TRUE(j.contains("restart_count"));
  EXPECT_TRUE(j["restart_count"].is_null());
  ASSERT_TRUE(j.contains("health_status"));
  EXPECT_TRUE(j["health_status"].is_null());
}

TEST(ApiJsonTest, RestartCountAndHealthStatusAsTheRuntimeGaveThem) {
  struct Case {
    std::optional<int64_t> restarts;
    std::string health;
    nlohmann::json want_restarts, want_health;
  };
  const Case cases[] = {
      {0, "", 0, nullptr},
      {7, "starting", 7, "starting"},
      {std::nullopt, "healthy", nullptr, "healthy"},
      {2, "unhealthy", 2, "unhealthy"},
  };
  for (const Case& t : cases) {
    collector::ContainerStats c = testing::MakeContainer(3);
    c.identity.restart_count = t.restarts;
    c.identity.health_status = t.health;
    const nlohmann::json j = ContainerJson(c, nullptr);
    EXPECT_EQ(j["restart_count"], t.want_restarts) << t.health;
    EXPECT_EQ(j["health_status"], t.want_health) << t.health;
  }
}

}  // namespace
}  // namespace berth::exporter
