import pytest

from propmark.decode import BinaryContent, decode

RU = "Правительство заявило, что не будет менять закон, который был принят в среду."
DE = "Die Regierung hat am Mittwoch das Gesetz für Gebühren und Zölle geändert – endgültig."
NB = "Regjeringen sier at strømprisen blir høyere i år, ifølge NTB."


@pytest.mark.parametrize(
    "text, encoding",
    [
        (DE, "utf-8"),
        (RU, "cp1251"),
        (RU, "koi8-r"),
        (DE, "cp1252"),
        (NB, "cp1252"),
        (DE, "utf-16-le"),
        (RU, "utf-16-be"),
        (DE, "utf-8-sig"),
    ],
)
def test_round_trips_the_supported_encodings(text: str, encoding: str) -> None:
    data = text.encode(encoding)
    if encoding.startswith("utf-16"):
        data = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + data
    decoded, chosen = decode(data)
    assert decoded == text
    assert chosen == encoding.removesuffix("-sig")


def test_latin1_when_cp1252_cannot_be_right() -> None:
    text, chosen = decode("Caf\xe9 \x81 ok".encode("latin-1"))
    assert chosen == "latin-1" and text == "Caf\xe9 \x81 ok"


@pytest.mark.parametrize("data", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", bytes(range(0, 32)) * 10])
def test_binary_is_refused(data: bytes) -> None:
    with pytest.raises(BinaryContent):
        decode(data)
