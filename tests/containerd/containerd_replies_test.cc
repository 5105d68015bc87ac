// containerd reply decoders: messages encoded with the generated code (what
// containerd sends) decode to the same fields; a label that is not UTF-8
// costs nothing else; bytes that are not protobuf are refused; events map by
// topic and payload type.
#include "collector/runtimes/containerd/containerd_replies.h"

#include <gtest/gtest.h>

#include "collector/runtimes/containerd/containerd_proto.h"

namespace berth::collector {
namespace {

namespace api = containerd_api;

api::containers::Container Record(const std::string& id) {
  api::containers::Container c;
  c.set_id(id);
  c.set_image("docker.io/library/nginx:1.25");
  (*c.mutable_labels())["io.kubernetes.pod.name"] = "web-0";
  (*c.mutable_labels())["nerdctl/name"] = "web";
  c.set_snapshotter("overlayfs");
  c.set_snapshot_key(id);
  c.mutable_created_at()->set_seconds(1700000000);
  c.mutable_created_at()->set_nanos(500000000);
  c.mutable_runtime()->set_name("io.containerd.runc.v2");
  c.mutable_spec()->set_type_url("types.containerd.io/opencontainers/runtime-spec/1/Spec");
  c.mutable_spec()->set_value(std::string(4096, '{'));
  return c;
}

TEST(DecodeListContainersReplyTest, DecodesWhatTheGeneratedCodeEncodes) {
  api::containers::ListContainersResponse reply;
  *reply.add_containers() = Record(std::string(64, 'a'));
  *reply.add_containers() = Record(std::string(64, 'b'));
  reply.mutable_containers(1)->clear_labels();
  reply.mutable_containers(1)->clear_created_at();
  auto decoded = DecodeListContainersReply("k8s.io", reply.SerializeAsString());
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 2u);
  const ContainerdContainer& a = (*decoded)[0];
  EXPECT_EQ(a.namespace_name, "k8s.io");
  EXPECT_EQ(a.id, std::string(64, 'a'));
  EXPECT_EQ(a.image, "docker.io/library/nginx:1.25");
  EXPECT_EQ(a.labels, (std::map<std::string, std::string>{{"io.kubernetes.pod.name", "web-0"},
                                                          {"nerdctl/name", "web"}}));
  EXPECT_EQ(a.snapshotter, "overlayfs");
  EXPECT_EQ(a.snapshot_key, std::string(64, 'a'));
  ASSERT_TRUE(a.created_seconds);
  EXPECT_DOUBLE_EQ(*a.created_seconds, 1700000000.5);
  EXPECT_TRUE((*decoded)[1].labels.empty());
  EXPECT_FALSE((*decoded)[1].created_seconds);
}

TEST(DecodeListContainersReplyTest, EmptyReplyIsNoContainers) {
  auto decoded = DecodeListContainersReply("default", "");
  ASSERT_TRUE(decoded);
  EXPECT_TRUE(decoded->empty());
}

// proto3's generated parser refuses the whole reply over one such string;
// containerd (gogo) sends whatever a client stored.
TEST(DecodeListContainersReplyTest, LabelThatIsNotUtf8CostsNothingElse) {
  api::containers::ListContainersResponse reply;
  *reply.add_containers() = Record(std::string(64, 'a'));
  *reply.add_containers() = Record(std::string(64, 'b'));
  (*reply.mutable_containers(0)->mutable_labels())["bad"] = "x";
  std::string bytes = reply.SerializeAsString();
  // Turn the 'x' value of "bad" into 0xff (same length, still valid protobuf).
  const size_t at = bytes.find(std::string("bad") + '\x12' + '\x01' + 'x');
  ASSERT_NE(at, std::string::npos);
  bytes[at + 5] = '\xff';
  api::containers::ListContainersResponse strict;
  ASSERT_FALSE(strict.ParseFromString(bytes)) << "the generated parser would refuse it";
  auto decoded = DecodeListContainersReply("k8s.io", bytes);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 2u);
  EXPECT_EQ((*decoded)[0].labels.at("bad"), "\xff");
  EXPECT_EQ((*decoded)[1].labels.at("nerdctl/name"), "web");
}

TEST(DecodeListContainersReplyTest, LaterMapEntryWins) {
  // Concatenated encodings of one message merge; a repeated map key keeps
  // the last value, as protobuf's parser does.
  api::containers::Container c;
  c.set_id("y");
  std::string record = c.SerializeAsString();
  for (const char* v : {"1", "2"}) {
    api::containers::Container only;
    (*only.mutable_labels())["k"] = v;
    record += only.SerializeAsString();
  }
  const std::string bytes = std::string("\x0a") + static_cast<char>(record.size()) + record;
  auto decoded = DecodeListContainersReply("default", bytes);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->size(), 1u);
  EXPECT_EQ((*decoded)[0].labels.at("k"), "2");
}

TEST(DecodeRepliesTest, NotProtobufIsRefused) {
  for (const std::string& bytes :
       {std::string("\xff\xff\xff", 3), std::string("\x0a\x05" "ab", 4), std::string("\x08", 1),
        std::string("\x0a\x03\x12\x01", 4), std::string("{\"containers\":[]}")}) {
    EXPECT_FALSE(DecodeListContainersReply("default", bytes)) << testing::PrintToString(bytes);
    EXPECT_FALSE(DecodeEventEnvelope(bytes)) << testing::PrintToString(bytes);
  }
  EXPECT_FALSE(DecodeGetContainerReply("default", ""));  // no container in it
}

TEST(DecodeRepliesTest, GetAndNamespaces) {
  api::containers::GetContainerResponse get;
  *get.mutable_container() = Record("abc");
  auto container = DecodeGetContainerReply("default", get.SerializeAsString());
  ASSERT_TRUE(container);
  EXPECT_EQ(container->id, "abc");
  EXPECT_EQ(container->namespace_name, "default");

  api::namespaces::ListNamespacesResponse ns;
  ns.add_namespaces()->set_name("default");
  ns.add_namespaces()->set_name("k8s.io");
  ns.add_namespaces()->set_name("");
  auto names = DecodeListNamespacesReply(ns.SerializeAsString());
  ASSERT_TRUE(names);
  EXPECT_EQ(*names, (std::vector<std::string>{"default", "k8s.io"}));
}

std::string Envelope(const std::string& ns, const std::string& topic,
                     const google::protobuf::Message& payload, const std::string& type_url) {
  api::events::Envelope envelope;
  envelope.set_namespace_(ns);
  envelope.set_topic(topic);
  envelope.mutable_event()->set_type_url(type_url);
  envelope.mutable_event()->set_value(payload.SerializeAsString());
  return envelope.SerializeAsString();
}

TEST(DecodeEventEnvelopeTest, Table) {
  api::payloads::ContainerCreate create;
  create.set_id("c1");
  create.set_image("busybox");
  api::payloads::ContainerUpdate update;
  update.set_id("c1");
  update.set_image("busybox:2");
  (*update.mutable_labels())["nerdctl/name"] = "renamed";
  api::payloads::ContainerDelete del;
  del.set_id("c1");
  api::payloads::ContainerCreate no_id;
  using Kind = ContainerdEvent::Kind;
  struct Row {
    const char* label;
    std::string bytes;
    Kind kind;
    std::string id, image;
    std::map<std::string, std::string> labels;
  };
  const Row rows[] = {
      {"create", Envelope("k8s.io", "/containers/create", create, "containerd.events.ContainerCreate"),
       Kind::kCreate, "c1", "busybox", {}},
      {"create_with_host",
       Envelope("k8s.io", "/containers/create", create,
                "type.googleapis.com/containerd.events.ContainerCreate"),
       Kind::kCreate, "c1", "busybox", {}},
      {"update", Envelope("default", "/containers/update", update, "containerd.events.ContainerUpdate"),
       Kind::kUpdate, "c1", "busybox:2", {{"nerdctl/name", "renamed"}}},
      {"delete", Envelope("default", "/containers/delete", del, "containerd.events.ContainerDelete"),
       Kind::kDelete, "c1", "", {}},
      {"payload_of_another_type",
       Envelope("default", "/containers/delete", del, "containerd.events.ContainerCreate"),
       Kind::kOther, "", "", {}},  // the payload's type must match the topic
      {"type_suffix_only", Envelope("default", "/containers/delete", del, "xcontainerd.events.ContainerDelete"),
       Kind::kOther, "", "", {}},
      {"no_id", Envelope("default", "/containers/create", no_id, "containerd.events.ContainerCreate"),
       Kind::kOther, "", "", {}},
      {"task_event", Envelope("default", "/tasks/start", create, "containerd.events.TaskStart"),
       Kind::kOther, "", "", {}},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.label);
    auto event = DecodeEventEnvelope(row.bytes);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->kind, row.kind);
    EXPECT_EQ(event->id, row.id);
    EXPECT_EQ(event->image, row.image);
    EXPECT_EQ(event->labels, row.labels);
  }
  auto event = DecodeEventEnvelope(rows[0].bytes);
  EXPECT_EQ(event->namespace_name, "k8s.io");
  EXPECT_EQ(event->topic, "/containers/create");
}

}  // namespace
}  // namespace berth::collector
