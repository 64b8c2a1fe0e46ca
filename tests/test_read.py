"""Reading inputs: encodings, BOMs, line endings and the one-line refusals."""

import pytest

from mtcheck.read import InputProblem, decode, read_path

TEXT = "Xinhua reported the news on Monday.\n"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),  # with BOM
    (b"\xfe\xff" + TEXT.encode("utf-16-be"), "utf-16-be"),
    (b"\xff\xfe" + TEXT.encode("utf-16-le"), "utf-16-le"),
])
def test_decodes_utf8_and_utf16_with_or_without_bom(data, encoding):
    source = decode(data, "story.txt")
    assert source.text == TEXT  # the BOM is not part of the text: offsets start at the first letter


def test_crlf_is_kept_so_offsets_match_the_file():
    source = decode(b"One line.\r\nTwo lines.\r\n", "crlf.txt")
    assert source.text == "One line.\r\nTwo lines.\r\n"


@pytest.mark.parametrize("data, needle", [
    (b"", "empty"),
    (b"  \n\t\n", "empty"),
    (b"\x00\x01\x02binary\x00data", "binary"),
    (b"caf\xe9 au lait", "not valid UTF-8"),
])
def test_refuses_with_one_line_naming_the_input(data, needle):
    with pytest.raises(InputProblem) as info:
        decode(data, "bad.txt")
    message = str(info.value)
    assert message.startswith("bad.txt: ") and needle in message and "\n" not in message


def test_undecodable_byte_offset_is_reported():
    with pytest.raises(InputProblem, match="byte 0xff at offset 5"):  # c a f \xc3\xa9 \xff
        decode(b"caf\xc3\xa9\xff", "x.txt")


def test_read_path_missing_folder_and_too_large(tmp_path):
    with pytest.raises(InputProblem, match="no such file"):
        read_path(tmp_path / "missing.txt")
    with pytest.raises(InputProblem, match="is a folder"):
        read_path(tmp_path)
    big = tmp_path / "big.txt"
    big.write_text("word " * 100)
    with pytest.raises(InputProblem, match="too large"):
        read_path(big, max_bytes=100)
    assert read_path(big, max_bytes=1000).text.startswith("word")
