"""Secret-looking text is redacted (keys, tokens, cards, passwords, private keys); ordinary text is not."""

from __future__ import annotations

import pytest

from stores.redaction import luhn_ok, redact, redact_text


@pytest.mark.parametrize(
    ("text", "secret", "kind"),
    [
        ("OPENAI_API_KEY=sk-proj-Ab3dEfGh1jKlMnOpQrStUvWx", "sk-proj-Ab3dEfGh1jKlMnOpQrStUvWx", "api-key"),
        (
            "export GITHUB_TOKEN ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "api-key",
        ),
        ("aws_access_key_id AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE", "api-key"),
        ("Authorization: Bearer abcDEF123456ghiJKL789", "abcDEF123456ghiJKL789", "token"),
        ("postgres://admin:Tr0ub4dor@db.internal:5432/app", "Tr0ub4dor", "password"),
        ("Password: hunter2!", "hunter2!", "password"),
        ("client_secret = 9f8e7d6c5b4a", "9f8e7d6c5b4a", "secret"),
        ("Card number 4111 1111 1111 1111  exp 12/27", "4111 1111 1111 1111", "card"),
        (
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
            "b3BlbnNz",
            "private-key",
        ),
        ("seed K9xQ2mVb7LpR4tZw8NcY3hJd6FsA1gUe end", "K9xQ2mVb7LpR4tZw8NcY3hJd6FsA1gUe", "secret"),
    ],
)
def test_secrets_are_replaced_by_a_marker_naming_their_kind(text, secret, kind):
    result = redact(text)
    assert secret not in result.text
    assert f"[REDACTED:{kind}]" in result.text
    assert result.counts[kind] >= 1


def test_labels_stay_so_the_reader_knows_what_was_there():
    assert redact_text("Password: hunter2!") == "Password: [REDACTED:password]"
    assert redact_text("Authorization: Bearer abcDEF123456ghiJKL789") == "Authorization: Bearer [REDACTED:token]"


def test_card_numbers_need_a_valid_checksum():
    assert luhn_ok("4111111111111111") and not luhn_ok("4111111111111112")
    assert redact_text("Order 1234 5678 9012 3456 shipped") == "Order 1234 5678 9012 3456 shipped"
    assert "5500" not in redact_text("paid with 5500-0000-0000-0004")


@pytest.mark.parametrize(
    "text",
    [
        "Meeting with Priya on Thursday at 3pm about the Q3 budget",
        "Forgot password? Reset it here",
        "Password: ••••••••",
        "commit 3f2a9c1e4b5d6f7a8b9c0d1e2f3a4b5c6d7e8f90 (HEAD -> main)",
        "/home/ann/projects/mirix-app/stores/redaction.py line 42",
        "Call +44 20 7946 0958 before 2024-05-01",
        "",
    ],
)
def test_ordinary_text_is_left_alone(text):
    result = redact(text)
    assert result.text == text
    assert result.total == 0
