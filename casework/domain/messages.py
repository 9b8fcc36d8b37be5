"""Secure messages between a family member and the practice: what a message
may hold, and how unread ones are spoken of. Plain Python."""

MAX_BODY = 4_000  # characters, after tidying: a long letter belongs elsewhere


def tidy(body: str | None) -> str:
    """What is kept of a typed message: plain text with the line breaks the
    writer made (any kind, as one), no spaces around it, and no run of more
    than two empty lines (a held-down Enter key)."""
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    while "\n\n\n\n" in text:
        text = text.replace("\n\n\n\n", "\n\n\n")
    return text


def problem(body: str) -> str | None:
    """Why a tidied message cannot be sent, in the writer's terms, or None."""
    if not body:
        return "Please write your message first."
    if len(body) > MAX_BODY:
        return (
            f"A message holds at most {MAX_BODY:,} characters; this one has {len(body):,}. "
            "Please shorten it, or send it in two parts."
        )
    return None


def unread_words(count: int) -> str:
    """'1 new message' / '3 new messages': a count, never what they say."""
    return f"{count} new message{'' if count == 1 else 's'}"
