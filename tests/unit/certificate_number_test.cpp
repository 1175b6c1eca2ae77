// Certificate numbers: printed on the certificate, checked by the public verify page.

#include <gtest/gtest.h>

#include "store/tokens.hpp"

namespace regdesk::store {
namespace {

const std::string kKey(32, 'k');
const std::string kId = "0123456789abcdef0123456789abcdef";

TEST(CertificateNumber, NamesTheEventAndTheRegistrationWithACheckPart) {
  std::string n = certificate_number(kKey, "midnet-symposium-2024", 123, kId);
  ASSERT_EQ(n.rfind("midnet-symposium-2024-000123-", 0), 0u) << n;
  std::string check = n.substr(n.rfind('-') + 1);
  ASSERT_EQ(check.size(), 8u);
  for (char c : check)
    EXPECT_NE(std::string("0123456789ABCDEFGHJKMNPQRSTVWXYZ").find(c), std::string::npos);
  auto parts = parse_certificate_number(n);
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->slug, "midnet-symposium-2024");
  EXPECT_EQ(parts->number, 123);
}

TEST(CertificateNumber, DependsOnTheKeyAndTheRegistration) {
  std::string n = certificate_number(kKey, "e", 1, kId);
  EXPECT_EQ(n, certificate_number(kKey, "e", 1, kId));
  EXPECT_NE(n, certificate_number(std::string(32, 'x'), "e", 1, kId));
  EXPECT_NE(n, certificate_number(kKey, "e", 1, "f" + kId.substr(1)));
}

TEST(CertificateNumber, WhatIsNotOneParsesToNothing) {
  for (const char* bad : {"", "-", "e-000001", "e-000001-", "-000001-ABCDEFGH", "e-00001-ABCDEFGH",
                          "e-0000x1-ABCDEFGH", "e-000001-ABCDEFG", "e-1234567890-ABCDEFGH"})
    EXPECT_FALSE(parse_certificate_number(bad)) << bad;
  EXPECT_TRUE(parse_certificate_number("a-b-c-000001-ABCDEFGH"));
}

}  // namespace
}  // namespace regdesk::store
