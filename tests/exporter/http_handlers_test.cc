#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "exporter/http_handlers.h"
#include "tests/exporter/snapshot_builder.h"

namespace berth::exporter {
namespace {

// Each collection advances every counter by one second of one CPU.
class StepSource : public SnapshotSource {
 public:
  collector::SnapshotPtr Collect() override {
    auto snapshot = testing::MakeSnapshot(3);
    snapshot->monotonic_time += std::chrono::seconds(step_);
    snapshot->wall_time += std::chrono::seconds(step_);
    *snapshot->host.cpu_total_ns += static_cast<uint64_t>(step_) * 4000000000ull;
    for (auto& c : snapshot->containers) *c.cpu.usage_ns += static_cast<uint64_t>(step_) * 500000000ull;
    ++step_;
    return snapshot;
  }
  collector::ErrorCounts ErrorTotals() const override { return {}; }

 private:
  int step_ = 0;
};

class HttpHandlersTest : public ::testing::Test {
 protected:
  StepSource source_;
  SharedCollection collection_{source_, std::chrono::milliseconds(0)};
  HttpHandlers handlers_{collection_, FamilyOptions{}, "/metrics"};
};

TEST_F(HttpHandlersTest, Routes) {
  EXPECT_EQ(handlers_.Route("GET", "/metrics").content_type,
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_EQ(handlers_.Route("GET", "/healthz").body, "ok\n");
  const HttpReply landing = handlers_.Route("GET", "/");
  EXPECT_EQ(landing.status, 200);
  EXPECT_NE(landing.body.find("href=\"/metrics\""), std::string::npos);
  EXPECT_NE(landing.body.find("href=\"/api/v1/containers\""), std::string::npos);
  EXPECT_EQ(handlers_.Route("GET", "/nope").status, 404);
  EXPECT_EQ(handlers_.Route("POST", "/metrics").status, 405);
  EXPECT_EQ(handlers_.Route("HEAD", "/healthz").status, 200);
}

TEST_F(HttpHandlersTest, CustomTelemetryPath) {
  HttpHandlers custom(collection_, FamilyOptions{}, "/probe");
  EXPECT_EQ(custom.Route("GET", "/metrics").status, 404);
  EXPECT_NE(custom.Route("GET", "/probe").Text().find("container_last_seen"), std::string::npos);
  EXPECT_NE(custom.Landing().body.find("href=\"/probe\""), std::string::npos);
}

TEST_F(HttpHandlersTest, ContainersJsonSchemaAndRates) {
  const auto first = nlohmann::json::parse(handlers_.Route("GET", "/api/v1/containers").body);
  EXPECT_EQ(first["schema"], "berth.containers.v1");
  EXPECT_TRUE(first["interval_seconds"].is_null());
  ASSERT_EQ(first["containers"].size(), 3u);
  EXPECT_TRUE(first["containers"][0]["rates"]["cpu_percent"].is_null());
  EXPECT_EQ(first["time"], "2026-01-01T00:00:00.000Z");

  const HttpReply reply = handlers_.Route("GET", "/api/v1/containers");
  EXPECT_EQ(reply.content_type, "application/json");
  const auto second = nlohmann::json::parse(reply.body);
  EXPECT_DOUBLE_EQ(second["interval_seconds"].get<double>(), 1.0);
  const auto& c = second["containers"][0];
  // 0.5 s of CPU over 4 s of host CPU on 4 CPUs = 50 %.
  EXPECT_NEAR(c["rates"]["cpu_percent"].get<double>(), 50.0, 1e-9);
  EXPECT_EQ(c["limits"]["memory_bytes"], 512ull << 20);
  EXPECT_DOUBLE_EQ(c["limits"]["cpus"].get<double>(), 1.5);
  EXPECT_TRUE(c["limits"]["memory_swap_bytes"].is_null());  // unlimited
  EXPECT_EQ(c["counters"]["net_rx_bytes"], c["counters"]["net_rx_bytes"]);
  EXPECT_TRUE(c["kubernetes"].is_null());
  EXPECT_EQ(c["runtime"], "docker");
  EXPECT_EQ(c["short_id"].get<std::string>().size(), 12u);
  EXPECT_EQ(second["host"]["online_cpus"], 4);
}

TEST_F(HttpHandlersTest, OneContainerByNameIdOrShortIdElse404Json) {
  const auto all = nlohmann::json::parse(handlers_.Route("GET", "/api/v1/containers").body);
  const std::string name = all["containers"][1]["name"];
  const std::string id = all["containers"][1]["id"];
  for (const std::string& key : {name, id, id.substr(0, 12)}) {
    const HttpReply reply = handlers_.Route("GET", "/api/v1/containers/" + key);
    ASSERT_EQ(reply.status, 200) << key;
    EXPECT_EQ(nlohmann::json::parse(reply.body)["id"], id) << key;
  }
  const HttpReply missing = handlers_.Route("GET", "/api/v1/containers/no-such-thing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.content_type, "application/json");
  EXPECT_NE(nlohmann::json::parse(missing.body)["error"].get<std::string>().find("no-such-thing"),
            std::string::npos);
}

}  // namespace
}  // namespace berth::exporter
