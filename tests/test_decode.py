import pytest

from propmark.text.decode import BinaryContent, decode, declared_charset

RU = "Правительство заявило, что не будет менять закон, который был принят в среду."
UK = "Уряд заявив, що не змінюватиме закон, який було ухвалено в середу. Їжак і ґанок."
DE = "Die Regierung hat am Mittwoch das Gesetz für Gebühren und Zölle geändert – endgültig."
NB = "Regjeringen sier at strømprisen blir høyere i år, ifølge NTB."


@pytest.mark.parametrize(
    "text, encoding, method",
    [
        (DE, "utf-8", "utf-8"),
        (RU, "cp1251", "detected"),
        (RU, "koi8-r", "detected"),
        (UK, "koi8-u", "detected"),
        (DE, "cp1252", "detected"),
        (NB, "cp1252", "detected"),
    ],
)
def test_round_trips_legacy_code_pages(text: str, encoding: str, method: str) -> None:
    decoded = decode(text.encode(encoding))
    assert (decoded.text, decoded.encoding, decoded.method) == (text, encoding, method)


@pytest.mark.parametrize("bom, codec", [(b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"), (b"\xef\xbb\xbf", "utf-8")])
def test_byte_order_marks(bom: bytes, codec: str) -> None:
    decoded = decode(bom + DE.encode(codec))
    assert (decoded.text, decoded.encoding, decoded.method) == (DE, codec, "bom")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_text_not_binary(codec: str) -> None:
    decoded = decode(DE.encode(codec))
    assert (decoded.text, decoded.encoding) == (DE, codec)


def test_a_broken_line_is_repaired_alone_instead_of_garbling_the_file() -> None:
    data = "Präsident Müller sprach.\n".encode() + "Zölle steigen.\n".encode("cp1252") + "Öl wird teurer.\n".encode()
    decoded = decode(data)
    assert decoded.text == "Präsident Müller sprach.\nZölle steigen.\nÖl wird teurer.\n"
    assert (decoded.method, decoded.repaired) == ("utf-8-repaired", 1)


def test_declared_charset_is_used_when_the_bytes_are_not_utf8() -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1250"></head><body>'
    data = (page + "Zażółć gęślą jaźń</body></html>").encode("cp1250")
    assert declared_charset(data) == "cp1250"
    decoded = decode(data, declared_charset(data))
    assert "Zażółć gęślą jaźń" in decoded.text and decoded.method == "declared"


def test_undefined_byte_never_raises() -> None:
    decoded = decode(RU.encode("cp1251") + b"\x98")  # 0x98 is undefined in cp1251
    assert decoded.text.startswith(RU[:20])


def test_a_few_nul_bytes_do_not_make_a_page_binary() -> None:
    decoded = decode(("<p>" + DE + "</p>\n").encode() * 200 + b"\x00" * 22)
    assert DE in decoded.text and "\x00" not in decoded.text and decoded.repaired == 22


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01", bytes(range(1, 32)) * 10])
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(BinaryContent):
        decode(data)
