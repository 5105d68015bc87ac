// Table-driven tests for the Docker Engine API response parsers, over
// response shapes written from the Engine API reference (v1.41 and v1.47).
#include "collector/runtimes/docker_parsers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace berth::collector {
namespace {

// GET /version as Debian 12's dockerd answers (API 1.41), trimmed.
constexpr char kVersionDebian[] = R"({
  "Platform": {"Name": ""},
  "Components": [{"Name": "Engine", "Version": "20.10.24+dfsg1",
                  "Details": {"ApiVersion": "1.41", "MinAPIVersion": "1.12"}}],
  "Version": "20.10.24+dfsg1", "ApiVersion": "1.41", "MinAPIVersion": "1.12",
  "GitCommit": "5d6db84", "GoVersion": "go1.19.8", "Os": "linux", "Arch": "amd64",
  "KernelVersion": "6.1.0-13-amd64", "BuildTime": "2023-05-18T08:38:34.000000000+00:00"})";

// Docker Engine 29 (refuses clients below 1.44).
constexpr char kVersionEngine29[] =
    R"({"Version":"29.0.1","ApiVersion":"1.52","MinAPIVersion":"1.44","Os":"linux",
        "NewFieldFromTheFuture":{"x":[1,2,3]}})";

// Podman 4.3.1's Docker-compatible GET /version (podman system service on
// Debian 12), shortened.
constexpr char kVersionPodman[] =
    R"({"Platform":{"Name":"linux/amd64/debian-12"},"Components":[{"Name":"Podman Engine",
        "Version":"4.3.1","Details":{"APIVersion":"4.3.1","MinAPIVersion":"4.0.0","Os":"linux"}},
        {"Name":"Conmon","Version":"conmon version 2.1.6","Details":{}}],"Version":"4.3.1",
        "ApiVersion":"1.41","MinAPIVersion":"1.24","Os":"linux","Arch":"amd64"})";

TEST(ParseDockerVersion, Table) {
  struct Case {
    const char* name;
    std::string body;
    bool ok;
    ApiVersion api;
    std::optional<ApiVersion> min_api;
    std::string engine;
    bool podman = false;
  };
  const std::vector<Case> cases = {
      {"debian_1_41", kVersionDebian, true, {1, 41}, ApiVersion{1, 12}, "20.10.24+dfsg1"},
      {"engine29_unknown_fields", kVersionEngine29, true, {1, 52}, ApiVersion{1, 44}, "29.0.1"},
      {"podman_compat", kVersionPodman, true, {1, 41}, ApiVersion{1, 24}, "4.3.1", true},
      {"components_not_a_list", R"({"ApiVersion":"1.41","Components":{"Name":"Podman Engine"}})",
       true, {1, 41}, std::nullopt, ""},
      {"no_min_version_pre_1_25", R"({"Version":"1.12.6","ApiVersion":"1.24"})", true,
       {1, 24}, std::nullopt, "1.12.6"},
      {"missing_api_version", R"({"Version":"20.10"})", false, {}, std::nullopt, ""},
      {"api_version_not_string", R"({"ApiVersion":1.41})", false, {}, std::nullopt, ""},
      {"api_version_garbage", R"({"ApiVersion":"v1"})", false, {}, std::nullopt, ""},
      {"error_json", R"({"message":"page not found"})", false, {}, std::nullopt, ""},
      {"array", "[]", false, {}, std::nullopt, ""},
      {"not_json", "404 page not found\n", false, {}, std::nullopt, ""},
      {"empty", "", false, {}, std::nullopt, ""},
      {"truncated", R"({"ApiVersion":"1.4)", false, {}, std::nullopt, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto info = ParseDockerVersion(c.body);
    ASSERT_EQ(info.has_value(), c.ok);
    if (!c.ok) continue;
    EXPECT_EQ(info->api_version, c.api);
    EXPECT_EQ(info->min_api_version, c.min_api);
    EXPECT_EQ(info->engine_version, c.engine);
    EXPECT_EQ(info->podman, c.podman);
  }
}

TEST(ParseApiVersion, OrdersNumerically) {
  EXPECT_EQ(ParseApiVersion("1.41"), (ApiVersion{1, 41}));
  EXPECT_LT(*ParseApiVersion("1.9"), *ParseApiVersion("1.41"));
  EXPECT_EQ(ParseApiVersion("1.47")->ToString(), "1.47");
  for (const char* bad : {"", "1", "1.", ".4", "1.4.1", "a.b", "-1.4", "1.41 "}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseApiVersion(bad).has_value());
  }
}

// GET /containers/json?all=1 (API 1.41 shape, two containers: one with a
// legacy link alias listed first, one exited with null Labels).
constexpr char kListNormal[] = R"([
 {"Id":"8dfafdbc3a40f9c1c6d0d1bd5f2a3c7c9dc7a5a0b2e3bb4c1e0f0a1b2c3d4e5f",
  "Names":["/web/db","/db"],"Image":"postgres:16","ImageID":"sha256:0123",
  "Command":"docker-entrypoint.sh postgres","Created":1714557072,
  "Ports":[{"PrivatePort":5432,"Type":"tcp"}],
  "Labels":{"com.docker.compose.project":"shop","com.docker.compose.service":"db"},
  "State":"running","Status":"Up 2 hours",
  "HostConfig":{"NetworkMode":"default"},
  "NetworkSettings":{"Networks":{"bridge":{"IPAddress":"172.17.0.2"}}},
  "Mounts":[]},
 {"Id":"9cd87474be90aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00ee11ff22aa33",
  "Names":["/quirky_turing"],"Image":"sha256:7b9f3a","Created":1714550000,
  "Labels":null,"State":"exited","Status":"Exited (0) 5 minutes ago"}
])";

TEST(ParseDockerContainerList, Normal) {
  auto list = ParseDockerContainerList(kListNormal);
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 2u);
  const DockerContainerSummary& db = (*list)[0];
  EXPECT_EQ(db.id, "8dfafdbc3a40f9c1c6d0d1bd5f2a3c7c9dc7a5a0b2e3bb4c1e0f0a1b2c3d4e5f");
  EXPECT_EQ(db.name, "db");  // not the link alias "web/db"
  EXPECT_EQ(db.image, "postgres:16");
  EXPECT_EQ(db.created_seconds, 1714557072);
  EXPECT_EQ(db.state, "running");
  EXPECT_EQ(db.labels.size(), 2u);
  EXPECT_EQ(db.labels.at("com.docker.compose.service"), "db");
  const DockerContainerSummary& other = (*list)[1];
  EXPECT_EQ(other.name, "quirky_turing");
  EXPECT_EQ(other.image, "sha256:7b9f3a");
  EXPECT_EQ(other.state, "exited");
  EXPECT_TRUE(other.labels.empty());
}

TEST(ParseDockerContainerList, Table) {
  struct Case {
    const char* name;
    std::string body;
    bool ok;
    std::vector<std::string> names;  // parsed names, in order
  };
  const std::vector<Case> cases = {
      {"empty_list", "[]", true, {}},
      {"empty_list_whitespace", " [ ]\n", true, {}},
      {"unknown_fields",
       R"([{"Id":"aa","Names":["/a"],"Image":"x","Future":{"deep":[null]},"SizeRw":12}])",
       true, {"a"}},
      {"missing_names", R"([{"Id":"aa","Image":"x"}])", true, {""}},
      {"names_empty_array", R"([{"Id":"aa","Names":[]}])", true, {""}},
      {"only_link_alias", R"([{"Id":"aa","Names":["/web/db"]}])", true, {"web/db"}},
      {"entry_without_id_skipped", R"([{"Names":["/x"]},{"Id":"bb","Names":["/b"]}])", true,
       {"b"}},
      {"id_not_string_skipped", R"([{"Id":12,"Names":["/x"]}])", true, {}},
      {"non_object_entry_skipped", R"([1,"x",null,{"Id":"cc","Names":["/c"]}])", true, {"c"}},
      {"labels_wrong_type", R"([{"Id":"aa","Names":["/a"],"Labels":["x"]}])", true, {"a"}},
      {"error_json", R"({"message":"client version 1.41 is too old"})", false, {}},
      {"not_json", "<html>bad gateway</html>", false, {}},
      {"truncated", R"([{"Id":"aa","Names":["/a"])", false, {}},
      {"empty_body", "", false, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto list = ParseDockerContainerList(c.body);
    ASSERT_EQ(list.has_value(), c.ok);
    if (!c.ok) continue;
    std::vector<std::string> names;
    for (const auto& s : *list) names.push_back(s.name);
    EXPECT_EQ(names, c.names);
  }
}

TEST(ParseDockerContainerList, NonStringLabelValuesAreSkipped) {
  auto list = ParseDockerContainerList(
      R"([{"Id":"aa","Labels":{"ok":"yes","num":3,"nul":null},"Created":"soon"}])");
  ASSERT_TRUE(list.has_value());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].labels, (std::map<std::string, std::string>{{"ok", "yes"}}));
  EXPECT_FALSE((*list)[0].created_seconds.has_value());
}

// GET /containers/<id>/json, trimmed.
constexpr char kInspectRunning[] = R"({
  "Id":"8dfafdbc3a40f9c1c6d0d1bd5f2a3c7c9dc7a5a0b2e3bb4c1e0f0a1b2c3d4e5f",
  "Created":"2024-05-01T10:11:12.345678901Z","Path":"postgres","Args":[],
  "State":{"Status":"running","Running":true,"Paused":false,"Restarting":false,
           "OOMKilled":false,"Dead":false,"Pid":4242,"ExitCode":0,"Error":"",
           "StartedAt":"2024-05-01T10:11:13.5Z","FinishedAt":"0001-01-01T00:00:00Z",
           "Health":{"Status":"healthy","FailingStreak":0,"Log":[]}},
  "Name":"/db","RestartCount":3,"HostConfig":{"Memory":0}})";

TEST(ParseDockerContainerInspect, Table) {
  struct Case {
    const char* name;
    std::string body;
    bool ok;
    std::optional<double> started;
    std::optional<int64_t> restarts;
    std::string health;
  };
  const std::vector<Case> cases = {
      {"running_healthy", kInspectRunning, true, 1714558273.5, 3, "healthy"},
      {"created_never_started",
       R"({"Id":"aa","State":{"Status":"created","StartedAt":"0001-01-01T00:00:00Z"},"RestartCount":0})",
       true, std::nullopt, 0, ""},
      {"no_state", R"({"Id":"aa"})", true, std::nullopt, std::nullopt, ""},
      {"no_id", R"({"State":{}})", false, std::nullopt, std::nullopt, ""},
      {"error_json", R"({"message":"No such container: aa"})", false, std::nullopt,
       std::nullopt, ""},
      {"not_json", "oops", false, std::nullopt, std::nullopt, ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto details = ParseDockerContainerInspect(c.body);
    ASSERT_EQ(details.has_value(), c.ok);
    if (!c.ok) continue;
    ASSERT_EQ(details->started_at_seconds.has_value(), c.started.has_value());
    if (c.started) {
      EXPECT_DOUBLE_EQ(*details->started_at_seconds, *c.started);
    }
    EXPECT_EQ(details->restart_count, c.restarts);
    EXPECT_EQ(details->health_status, c.health);
  }
}

TEST(DockerWritableLayer, Table) {
  struct Store {
    std::string path, mount_id;
  };
  const std::string id(64, 'a');
  const std::string resolv = "/var/lib/docker/containers/" + id + "/resolv.conf";
  const std::string mount_path = "/var/lib/docker/image/vfs/layerdb/mounts/" + id + "/mount-id";
  struct Case {
    const char* name;
    std::string body;
    std::optional<std::string> mount_id;  // what the layer store holds
    std::string want;
  };
  auto inspect = [&](const std::string& driver, const std::string& data) {
    return R"({"Id":")" + id + R"(","ResolvConfPath":")" + resolv +
           R"(","GraphDriver":{"Name":")" + driver + R"(","Data":)" + data + "}}";
  };
  const std::vector<Case> cases = {
      {"overlay2 upper dir",
       inspect("overlay2", R"({"LowerDir":"/l","MergedDir":"/m","UpperDir":"/var/lib/docker/overlay2/x/diff","WorkDir":"/w"})"),
       std::nullopt, "/var/lib/docker/overlay2/x/diff"},
      {"overlay2 without data", inspect("overlay2", "null"), std::nullopt, ""},
      {"overlay2 relative upper dir", inspect("overlay2", R"({"UpperDir":"x/diff"})"),
       std::nullopt, ""},
      {"overlay2 upper dir with ..", inspect("overlay2", R"({"UpperDir":"/a/../etc"})"),
       std::nullopt, ""},
      {"vfs from the layer store", inspect("vfs", "null"), std::string("94f4\n"),
       "/var/lib/docker/vfs/dir/94f4"},
      {"vfs, store unreadable", inspect("vfs", "null"), std::nullopt, ""},
      {"vfs, mount-id a path", inspect("vfs", "null"), std::string("../../etc"), ""},
      {"vfs, mount-id empty", inspect("vfs", "null"), std::string("\n"), ""},
      {"btrfs subvolume", inspect("btrfs", "null"), std::string("77"),
       "/var/lib/docker/btrfs/subvolumes/77"},
      {"devicemapper unknown", inspect("devicemapper", R"({"DeviceName":"x"})"),
       std::string("77"), ""},
      {"vfs, resolv.conf of another container",
       R"({"Id":")" + id + R"(","ResolvConfPath":"/var/lib/docker/containers/b/resolv.conf",)"
           R"("GraphDriver":{"Name":"vfs","Data":null}})",
       std::string("77"), ""},
      {"no graph driver (containerd image store)", R"({"Id":")" + id + R"("})",
       std::string("77"), ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto details = ParseDockerContainerInspect(c.body);
    ASSERT_TRUE(details.has_value());
    struct Context {
      const Case* c;
      const std::string* want_path;
    } context{&c, &mount_path};
    const std::string got = DockerWritableLayer(
        *details,
        [](const std::string& path, const void* ctx) -> std::optional<std::string> {
          const auto* context = static_cast<const Context*>(ctx);
          const std::string want = *context->want_path;
          // btrfs reads its own store
          if (path != want && path.find("/image/btrfs/") == std::string::npos) {
            return std::nullopt;
          }
          return context->c->mount_id;
        },
        &context);
    EXPECT_EQ(got, c.want);
  }
}

TEST(ParseDockerTimestamp, Table) {
  struct Case {
    const char* text;
    std::optional<double> seconds;
  };
  const std::vector<Case> cases = {
      {"1970-01-01T00:00:00Z", 0.0},
      {"2024-05-01T10:11:12Z", 1714558272.0},
      {"2024-05-01T10:11:12.25Z", 1714558272.25},
      {"2024-05-01T12:11:12.25+02:00", 1714558272.25},
      {"2024-05-01T08:41:12-01:30", 1714558272.0},
      {"2000-02-29T00:00:00Z", 951782400.0},
      {"0001-01-01T00:00:00Z", std::nullopt},  // Go zero time: never started
      {"2023-02-29T00:00:00Z", std::nullopt},  // no such day
      {"2024-13-01T00:00:00Z", std::nullopt},
      {"2024-05-01 10:11:12Z", std::nullopt},
      {"2024-05-01T10:11:12", std::nullopt},   // no zone
      {"2024-05-01T10:11:12.Z", std::nullopt},
      {"2024-05-01T10:11:12Zjunk", std::nullopt},
      {"", std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto seconds = ParseDockerTimestamp(c.text);
    ASSERT_EQ(seconds.has_value(), c.seconds.has_value());
    if (c.seconds) {
      EXPECT_DOUBLE_EQ(*seconds, *c.seconds);
    }
  }
}

TEST(ParseDockerErrorMessage, Table) {
  EXPECT_EQ(ParseDockerErrorMessage(R"({"message":"No such container: x"})"),
            "No such container: x");
  EXPECT_EQ(ParseDockerErrorMessage(R"({"message":"m","extra":1})"), "m");
  EXPECT_FALSE(ParseDockerErrorMessage(R"({"message":5})").has_value());
  EXPECT_FALSE(ParseDockerErrorMessage(R"(["message"])").has_value());
  EXPECT_FALSE(ParseDockerErrorMessage("Bad Request").has_value());
  EXPECT_FALSE(ParseDockerErrorMessage("").has_value());
}

TEST(MinimumVersionFromError, Table) {
  EXPECT_EQ(MinimumVersionFromError("client version 1.41 is too old. Minimum supported API "
                                    "version is 1.44, please upgrade your client to a newer "
                                    "version"),
            (ApiVersion{1, 44}));
  EXPECT_EQ(MinimumVersionFromError("Minimum supported API version is 1.24."),
            (ApiVersion{1, 24}));
  EXPECT_FALSE(MinimumVersionFromError("client version 1.41 is too old").has_value());
  EXPECT_FALSE(MinimumVersionFromError("Minimum supported API version is x").has_value());
}

}  // namespace
}  // namespace berth::collector
