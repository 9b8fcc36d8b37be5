"""Markdown written by people becomes clean HTML: markdown-it-py, then nh3."""

import html

import nh3
from markdown_it import MarkdownIt

# Raw HTML in the Markdown reaches nh3, which keeps only the tags below and drops
# scripts and styles with their content, so pasted markup disappears quietly.
# The typographer prints published-looking text: "curly" quotes, apostrophes,
# en and em dashes from -- and ---, and an ellipsis from three dots. The
# commonmark preset leaves its two rules off, so they are enabled by name.
_md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": True}).enable(
    ["table", "replacements", "smartquotes"]
)

# No images: a module may not make a reader's browser, or the PDF renderer,
# fetch anything. Links keep their text and may only point to web or mail.
ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h2",
    "h3",
    "h4",
    "strong",
    "em",
    "blockquote",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def render(text: str) -> str:
    html = _md.render(text or "")
    # h1 is the module's own title: demote any in the body.
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def typeset(text: str | None) -> str:
    """Plain text with the typographer's quotes and dashes, still plain text
    (for one-line fields such as a summary or a list of sources)."""
    inline = _md.renderInline(text or "")
    return html.unescape(nh3.clean(inline, tags=set(), strip_comments=True))


def reading_minutes(text: str) -> int:
    words = len((text or "").split())
    return max(1, -(-words // 200))
