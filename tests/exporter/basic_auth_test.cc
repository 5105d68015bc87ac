#include <crypt.h>

#include <gtest/gtest.h>

#include "exporter/basic_auth.h"

namespace berth::exporter {
namespace {

std::string Bcrypt(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn("$2y$", 4, nullptr, 0, salt, sizeof(salt)), nullptr);
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), salt, &data);
  return hash ? hash : "";
}

TEST(Base64Test, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(Base64Decode("YWxpY2U6c2VjcmV0"), "alice:secret");
  EXPECT_EQ(Base64Decode("YQ=="), "a");
  EXPECT_EQ(Base64Decode("YQ"), "a");
  EXPECT_FALSE(Base64Decode("Y!Q="));
}

TEST(ParseBasicAuthorizationTest, Cases) {
  auto ok = ParseBasicAuthorization("Basic YWxpY2U6c2U6Y3JldA==");  // alice:se:cret
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->first, "alice");
  EXPECT_EQ(ok->second, "se:cret");
  EXPECT_TRUE(ParseBasicAuthorization("basic YWxpY2U6eA=="));
  EXPECT_FALSE(ParseBasicAuthorization(""));
  EXPECT_FALSE(ParseBasicAuthorization("Bearer abc"));
  EXPECT_FALSE(ParseBasicAuthorization("Basic YWxpY2U="));  // no colon
}

TEST(VerifyCryptHashTest, BcryptVariants) {
  const std::string hash = Bcrypt("s3cret");
  ASSERT_EQ(hash.substr(0, 4), "$2y$");
  EXPECT_TRUE(VerifyCryptHash("s3cret", hash));
  EXPECT_FALSE(VerifyCryptHash("s3cret!", hash));
  // The same hash under the $2b$ prefix (what htpasswd -B and Go write).
  std::string b = hash;
  b[2] = 'b';
  EXPECT_TRUE(VerifyCryptHash("s3cret", b));
  EXPECT_FALSE(VerifyCryptHash("s3cret", "not-a-hash"));
  // crypt(3) stops at a NUL: "s3cret\0tail" must not pass as "s3cret".
  EXPECT_FALSE(VerifyCryptHash(std::string("s3cret\0tail", 11), hash));
  EXPECT_FALSE(VerifyCryptHash("s3cret", hash + std::string(1, '\0') + "x"));
}

TEST(BasicAuthTest, PasswordWithNulIsRejected) {
  BasicAuth auth({{"alice", Bcrypt("secret")}});
  EXPECT_TRUE(auth.Check("Basic YWxpY2U6c2VjcmV0"));       // alice:secret
  EXPECT_FALSE(auth.Check("Basic YWxpY2U6c2VjcmV0AHh5eg=="));  // alice:secret\0xyz
}

TEST(BasicAuthTest, ChecksUsersAndCachesSuccess) {
  BasicAuth auth({{"alice", Bcrypt("secret")}});
  ASSERT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.Check("Basic YWxpY2U6c2VjcmV0"));  // alice:secret
  EXPECT_TRUE(auth.Check("Basic YWxpY2U6c2VjcmV0"));  // cached path
  EXPECT_FALSE(auth.Check("Basic YWxpY2U6d3Jvbmc="));  // alice:wrong
  EXPECT_FALSE(auth.Check("Basic Ym9iOnNlY3JldA=="));  // bob:secret
  EXPECT_FALSE(auth.Check(""));
}

TEST(BasicAuthTest, DisabledWithoutUsers) {
  BasicAuth auth({});
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.Check(""));
}

}  // namespace
}  // namespace berth::exporter
