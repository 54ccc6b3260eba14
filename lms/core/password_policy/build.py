"""Build common_passwords.txt from patterns written here: `python -m lms.core.password_policy.build`.

People pick a word (English, Vietnamese, a name, the place they live) and add a number, a year or a
symbol. The list is those combinations, folded (lower case, no diacritics) and only those of the
minimum length or longer (shorter ones are refused anyway). A test checks that the file and these
patterns agree.
"""
from __future__ import annotations

from lms.core.password_policy.common import LIST_FILE, MIN_LENGTH
from lms.core.text import fold

WORDS = """
password passw0rd p@ssword p@ssw0rd qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm qazwsx qazwsxedc 1qaz2wsx
1q2w3e4r 1q2w3e4r5t abc abcd abcdef abcdefgh admin administrator root user guest test welcome letmein
login changeme default secret hello iloveyou loveyou monkey dragon football baseball soccer sunshine
princess superman batman master shadow trustno1 freedom whatever starwars computer internet samsung
google facebook apple michael charlie jennifer
matkhau matkhaumoi matkhaucuatoi anhyeuem emyeuanh yeuem yeuanh yeuemnhieu tinhyeu hanhphuc giadinh
xinchao chaoban congchua hoangtu thienthan baby vietnam vietnamvodich hanoi saigon hochiminh danang
haiphong cantho nhatrang hue quangngai quangnam thanhhoa nghean tuquoc quehuong doanthanhnien canbo
congchuc vienchuc ubnd sonoivu dangvien hocvien daotao elearning
nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly
anh minh huong linh trang hung dung tuan thao ngoc hoa lan mai long nam quan thanh hai phuong ha hien
thu hang duc cuong khanh son tam trung hieu thuy yen chi vy
""".split()

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "1234567", "12345678", "123456789", "1234567890",
            "!", "@", "#", "123!", "123@", "@123", "@1234", "@12345", "@123456", "!@#", "111", "000", "999", "@@"]
# Birth years of people at work, and recent years.
YEARS = [*range(1965, 2006), *range(2020, 2031)]

DIGIT_RUNS = ["0123456789", "1234567890", "0987654321", "9876543210", "147258369", "159753", "123123", "112233",
              "123321", "520520", "5201314", "147852369", "123654789", "0123"]


def _candidates():
    for word in WORDS:
        for suffix in SUFFIXES:
            yield word + suffix
        for year in YEARS:
            yield f"{word}{year}"
    for digit in "0123456789":
        for n in range(MIN_LENGTH, 17):
            yield digit * n
    for run in DIGIT_RUNS:
        yield from (run, run * 2, run * 3, run + "a", "a" + run)


def build() -> list[str]:
    """The list, folded, of the minimum length or longer, sorted, without repeats."""
    return sorted({fold(p) for p in _candidates() if len(p) >= MIN_LENGTH})


def write() -> None:
    header = "# Common passwords the platform refuses (folded); written by python -m lms.core.password_policy.build\n"
    LIST_FILE.write_text(header + "\n".join(build()) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write()
