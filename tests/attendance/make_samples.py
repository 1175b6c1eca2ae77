#!/usr/bin/env python3
"""Writes the sample attendance reports in this directory, byte for byte.

The files are committed; this script says how their bytes were made (encodings, BOMs, line
ends). Run it from anywhere: python3 tests/attendance/make_samples.py
Event of the samples: DX Symposium 2026, 2026-12-01 14:00-16:00 Asia/Tokyo (05:00-07:00Z).
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def write(name: str, text: str, encoding: str, bom: bytes = b"", newline: str = "\r\n") -> None:
    body = text.replace("\n", newline).encode(encoding)
    (HERE / name).write_bytes(bom + body)


# Zoom web portal, English UI: Reports > Usage > Participants > Export, "Export with meeting
# data" ticked (the summary block and a blank line first). UTF-8 with BOM, CRLF.
# Taro Yamada left and came back (two rows); the last row is a guest without an address.
ZOOM = """\
Meeting ID,Topic,Start Time,End Time,User Email,Duration (Minutes),Participants
812 3456 7890,DX Symposium 2026 / DXシンポジウム2026,12/01/2026 01:55:02 PM,12/01/2026 04:05:40 PM,organizer@example.co.jp,131,5

Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest,Recording Consent,In Waiting Room
DX Symposium Office (事務局),organizer@example.co.jp,12/01/2026 01:55:02 PM,12/01/2026 04:05:40 PM,131,No,,No
Taro Yamada (山田 太郎),taro.yamada@example.co.jp,12/01/2026 01:58:47 PM,12/01/2026 02:41:09 PM,43,Yes,Y,No
"Sato, Hanako (佐藤 花子)",hanako.sato@example.co.jp,12/01/2026 02:00:13 PM,12/01/2026 04:00:02 PM,120,Yes,Y,No
Taro Yamada (山田 太郎),taro.yamada@example.co.jp,12/01/2026 02:44:30 PM,12/01/2026 04:01:15 PM,77,Yes,Y,No
鈴木 一郎,,12/01/2026 02:10:00 PM,12/01/2026 03:30:59 PM,81,Yes,Y,No
"""

# The same export from the ja-JP UI, opened and saved again by Japanese Excel: CP932, CRLF,
# times without seconds, the blank line as a row of commas. 髙 is CP932-only (IBM extension).
ZOOM_JA = """\
ミーティングID,トピック,開始時刻,終了時刻,ユーザーメール,所要時間（分）,参加者
812 3456 7890,DXシンポジウム2026,2026/12/1 13:55,2026/12/1 16:05,organizer@example.co.jp,131,4
,,,,,,
名前（元の名前）,ユーザーメール,参加時刻,退出時刻,所要時間（分）,ゲスト,録画への同意,待機室で
事務局,organizer@example.co.jp,2026/12/1 13:55,2026/12/1 16:05,131,いいえ,,いいえ
山田 太郎,taro.yamada@example.co.jp,2026/12/1 13:58,2026/12/1 14:41,43,はい,Y,いいえ
髙橋 美咲（たかはし みさき）,misaki.takahashi@example.co.jp,2026/12/1 14:05,2026/12/1 15:59,115,はい,Y,いいえ
山田 太郎,taro.yamada@example.co.jp,2026/12/1 14:44,2026/12/1 16:01,77,はい,Y,いいえ
"""

# Teams attendance report (format since 2021), en-US UI: UTF-16LE with BOM, tab-separated,
# CRLF, three sections. Taro Yamada rejoined: one participant row, two activity rows.
# The guest from outside the tenant has no address.
TEAMS = """\
1. Summary
Meeting title\tDX Symposium 2026
Attended participants\t4
Start time\t12/1/26, 1:55:02 PM
End time\t12/1/26, 4:05:40 PM
Meeting duration\t2h 10m 38s
Average attendance time\t1h 39m 44s

2. Participants
Name\tFirst Join\tLast Leave\tIn-Meeting Duration\tEmail\tParticipant ID (UPN)\tRole
DX Symposium Office\t12/1/26, 1:55:02 PM\t12/1/26, 4:05:40 PM\t2h 10m 38s\torganizer@example.co.jp\torganizer@example.co.jp\tOrganizer
Yamada Taro\t12/1/26, 1:58:47 PM\t12/1/26, 4:01:15 PM\t1h 59m 7s\ttaro.yamada@example.co.jp\ttaro.yamada@example.co.jp\tAttendee
Sato Hanako\t12/1/26, 2:00:13 PM\t12/1/26, 4:00:02 PM\t1h 59m 49s\thanako.sato@example.co.jp\thanako.sato@example.co.jp\tPresenter
Kimura Sho (Guest)\t12/1/26, 2:15:30 PM\t12/1/26, 3:00:00 PM\t44m 30s\t\t\tAttendee

3. In-Meeting Activities
Name\tJoin Time\tLeave Time\tDuration\tEmail\tRole
DX Symposium Office\t12/1/26, 1:55:02 PM\t12/1/26, 4:05:40 PM\t2h 10m 38s\torganizer@example.co.jp\tOrganizer
Yamada Taro\t12/1/26, 1:58:47 PM\t12/1/26, 2:41:09 PM\t42m 22s\ttaro.yamada@example.co.jp\tAttendee
Yamada Taro\t12/1/26, 2:44:30 PM\t12/1/26, 4:01:15 PM\t1h 16m 45s\ttaro.yamada@example.co.jp\tAttendee
Sato Hanako\t12/1/26, 2:00:13 PM\t12/1/26, 4:00:02 PM\t1h 59m 49s\thanako.sato@example.co.jp\tPresenter
Kimura Sho (Guest)\t12/1/26, 2:15:30 PM\t12/1/26, 3:00:00 PM\t44m 30s\t\tAttendee
"""

# The same report from the ja-JP UI: UTF-16LE with BOM, tabs. Teams decorates the title and
# quotes it (doubled quotes inside). Sato Hanako was on her PC and, for a while, her phone.
TEAMS_JA = """\
1. 要約
会議のタイトル\t\"\"\"DXシンポジウム2026\"\" で会議中\"
出席者数\t3
開始時刻\t2026/12/1 13:55:02
終了時刻\t2026/12/1 16:05:40
会議の長さ\t2 時間 10 分 38 秒
平均出席時間\t1 時間 42 分 10 秒

2. 参加者
名前\t初めての参加\t最終退出\t会議の長さ\tメール\t参加者 ID (UPN)\t役割
事務局\t2026/12/1 13:55:02\t2026/12/1 16:05:40\t2 時間 10 分 38 秒\torganizer@example.co.jp\torganizer@example.co.jp\t開催者
山田 太郎\t2026/12/1 13:58:47\t2026/12/1 16:01:15\t1 時間 59 分 7 秒\ttaro.yamada@example.co.jp\ttaro.yamada@example.co.jp\t出席者
佐藤 花子\t2026/12/1 14:00:13\t2026/12/1 16:00:02\t2 時間 14 分 49 秒\thanako.sato@example.co.jp\thanako.sato@example.co.jp\t発表者

3. 会議中のアクティビティ
名前\t参加時刻\t退出時刻\t期間\tメール\t役割
事務局\t2026/12/1 13:55:02\t2026/12/1 16:05:40\t2 時間 10 分 38 秒\torganizer@example.co.jp\t開催者
山田 太郎\t2026/12/1 13:58:47\t2026/12/1 14:41:09\t42 分 22 秒\ttaro.yamada@example.co.jp\t出席者
山田 太郎\t2026/12/1 14:44:30\t2026/12/1 16:01:15\t1 時間 16 分 45 秒\ttaro.yamada@example.co.jp\t出席者
佐藤 花子\t2026/12/1 14:00:13\t2026/12/1 16:00:02\t1 時間 59 分 49 秒\thanako.sato@example.co.jp\t発表者
佐藤 花子\t2026/12/1 14:30:00\t2026/12/1 14:45:00\t15 分 0 秒\thanako.sato@example.co.jp\t発表者
"""

# Webex attendance report (Meetings > attendance, "Export"), English UI, saved as UTF-8 CSV,
# LF. A display name with a comma and quotes; Ito Kenji dialled in by phone as well.
WEBEX = '''\
Meeting Name,Meeting Start Time,Meeting End Time,Display Name,First Name,Last Name,Role,Attendee Email,Join Time,Leave Time,Attendance Duration,Connection Type,Session Name
DX Symposium 2026,12/01/2026 01:55 PM,12/01/2026 04:05 PM,DX Symposium Office,DX,Office,Host,organizer@example.co.jp,12/01/2026 01:55 PM,12/01/2026 04:05 PM,131 mins,Desktop app,Main session
DX Symposium 2026,12/01/2026 01:55 PM,12/01/2026 04:05 PM,山田 太郎,太郎,山田,Attendee,taro.yamada@example.co.jp,12/01/2026 01:58 PM,12/01/2026 04:01 PM,123 mins,Web app,Main session
DX Symposium 2026,12/01/2026 01:55 PM,12/01/2026 04:05 PM,"Ito, Kenji ""Ken""",Kenji,Ito,Attendee,kenji.ito@example.ne.jp,12/01/2026 02:03 PM,12/01/2026 03:33 PM,90 mins,Desktop app,Main session
DX Symposium 2026,12/01/2026 01:55 PM,12/01/2026 04:05 PM,"Ito, Kenji ""Ken""",Kenji,Ito,Attendee,kenji.ito@example.ne.jp,12/01/2026 02:05 PM,12/01/2026 02:35 PM,30 mins,Phone,Main session
'''

if __name__ == "__main__":
    write("zoom_participants.csv", ZOOM, "utf-8", bom=b"\xef\xbb\xbf")
    write("zoom_participants_ja_cp932.csv", ZOOM_JA, "cp932")
    write("teams_attendance.csv", TEAMS, "utf-16-le", bom=b"\xff\xfe")
    write("teams_attendance_ja.csv", TEAMS_JA, "utf-16-le", bom=b"\xff\xfe")
    write("webex_attendees.csv", WEBEX, "utf-8", newline="\n")
