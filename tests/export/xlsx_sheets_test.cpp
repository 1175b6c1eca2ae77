// An xlsx export longer than a sheet holds goes on to "参加者 (2)", "参加者 (3)", ... each with
// the header, so no registration is dropped (Excel stops at 1,048,576 rows). Read back with
// openpyxl, as organisers' Excel would open it; the sheet size is made small for the test.

#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <memory>
#include <string>

#include "export/registration_export.hpp"

namespace regdesk {
namespace {

std::string run(const std::string& command) {
  std::array<char, 4096> buf{};
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return out;
  while (fgets(buf.data(), buf.size(), pipe.get())) out += buf.data();
  return out;
}

TEST(XlsxSheetsTest, RowsPastASheetGoOnTheNextWithTheHeaderAndNoneIsLost) {
  char path[] = "/tmp/regdesk-xlsx-test-XXXXXX.xlsx";  // openpyxl goes by the extension
  int fd = mkstemps(path, 5);
  ASSERT_GE(fd, 0);
  close(fd);
  Event event;
  event.timezone = "Asia/Tokyo";
  auto writer = exporting::make_writer(exporting::Format::kXlsx, exporting::Encoding::kUtf8, event,
                                       nullptr, path, 2);
  for (int n = 1; n <= 5; ++n) {
    store::RegistrationRow r;
    r.public_id = "id" + std::to_string(n);
    r.number = n;
    r.status = "confirmed";
    r.name = "参加 " + std::to_string(n);
    r.registered_at = Instant(std::chrono::seconds(1700000000 + n));
    writer->row(r);
  }
  writer->finish();

  std::string read = run(std::string("/usr/bin/python3 -c \"import openpyxl, sys\n"
                                     "wb = openpyxl.load_workbook(sys.argv[1], read_only=True)\n"
                                     "for ws in wb.worksheets:\n"
                                     "    rows = list(ws.iter_rows(values_only=True))\n"
                                     "    print(ws.title, rows[0][0], [r[0] for r in rows[1:]])\" ") +
                         path);
  unlink(path);
  EXPECT_EQ(read,
            "参加者 受付番号 ['1', '2']\n"
            "参加者 (2) 受付番号 ['3', '4']\n"
            "参加者 (3) 受付番号 ['5']\n");
}

}  // namespace
}  // namespace regdesk
