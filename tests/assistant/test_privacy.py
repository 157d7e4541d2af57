"""Personal identity numbers and e-mail addresses never reach logs, storage or search."""

from __future__ import annotations

import pytest

from assistant.privacy import mask


@pytest.mark.parametrize("text", [
    "Mitt personnummer är 19850312-1234.", "pnr 850312-1234", "850312+1234 (över 100 år)", "198503121234",
    "samordningsnummer 850372-1234", "Skriv till anna.svensson@uni.se", "kontakt: x_y+z@mail.example.org",
])
def test_personal_data_is_masked(text: str) -> None:
    masked, changed = mask(text)
    assert changed, f"{text!r} holds personal data"
    assert not any(ch.isdigit() for ch in masked.split("[")[0][-4:]) or "[" in masked
    assert "@" not in masked and "1234" not in masked, f"nothing of the number or address may remain: {masked!r}"


@pytest.mark.parametrize("text", [
    "Säkerhetsskyddslag (2018:585) 3 kap. 1 §", "Lag (2021:952)", "beslut den 2025-05-22",
    "högst 50 000 000 kronor", "SFS 2025:1472", "telefon 08-123 456",
])
def test_legal_references_and_amounts_are_left_alone(text: str) -> None:
    masked, changed = mask(text)
    assert not changed and masked == text, f"{text!r} is not personal data"
