"""The public library as a static website a programme can put on its own site without running
the app: an index by topic, one page per public article (with its sources, who reviewed it
and the help-now lines), a stylesheet with a print layout, and no JavaScript. Only articles
marked ``public: true`` are written; every piece of text is HTML-escaped.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from companion import programme
from companion.library import articles
from companion.library.articles import Article, Library

STYLE = """\
body { font: 1.05rem/1.6 system-ui, sans-serif; color: #1f1f1f; background: #fff;
  margin: 0 auto; max-width: 40rem; padding: 1rem; }
a { color: #1f5f8b; }
a:focus-visible { outline: 3px solid #1f5f8b; outline-offset: 2px; }
header, footer { border-bottom: 1px solid #c9c8c5; padding-bottom: 0.5rem; }
footer { border-top: 1px solid #c9c8c5; border-bottom: 0; margin-top: 2rem; padding-top: 0.5rem; }
.meta, .small { color: #595856; font-size: 0.9rem; }
.help { border: 1px solid #c9c8c5; border-radius: 0.5rem; padding: 0.5rem 1rem; }
li { margin: 0.25rem 0; }
@media print {
  nav, .help { display: none; }
  body { max-width: none; font-size: 11pt; }
  a { color: inherit; text-decoration: none; }
}
"""


def _page(title: str, body: str, *, name: str) -> str:
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)} · {escape(name)}</title>\n"
        '<link rel="stylesheet" href="style.css">\n</head>\n<body>\n'
        f'<header><p><a href="index.html">{escape(name)}</a>: articles about pain '
        "rehabilitation</p></header>\n"
        f'<main id="main">\n{body}\n</main>\n</body>\n</html>\n'
    )


def _help(settings: dict) -> str:
    lines = "".join(f"<p>{escape(line)}</p>" for line in programme.help_lines(settings))
    return f'<aside class="help" aria-label="Help now"><h2>Help now</h2>{lines}</aside>'


def article_page(article: Article, public: Library, settings: dict) -> str:
    name = settings.get("name") or "IIPT Companion"
    parts = [
        f"<h1>{escape(article.title)}</h1>",
        f'<p class="meta">For {escape(articles.AUDIENCES[article.audience].lower())} · '
        f"{escape(article.topic)} · {article.minutes} min read</p>",
    ]
    for block in articles.blocks(article.body):
        if block.kind == "heading":
            parts.append(f"<h2>{escape(block.text)}</h2>")
        elif block.kind == "paragraph":
            parts.append(f"<p>{escape(block.text)}</p>")
        else:
            tag = "ol" if block.kind == "numbers" else "ul"
            items = "".join(f"<li>{escape(item)}</li>" for item in block.items)
            parts.append(f"<{tag}>{items}</{tag}>")
    related = [public.articles[s] for s in article.links if s in public.articles]
    if related:
        links = "".join(
            f'<li><a href="{escape(a.slug)}.html">{escape(a.title)}</a></li>' for a in related
        )
        parts.append(f'<nav aria-label="Read next"><h2>Read next</h2><ul>{links}</ul></nav>')
    sources = "".join(f"<li>{escape(s)}</li>" for s in article.sources)
    parts.append(f"<h2>Sources</h2><ul>{sources}</ul>")
    if article.reviewed_by:
        review = f"Reviewed by {article.reviewed_by} on {article.reviewed_on}."
    else:
        review = "Written for the IIPT Companion. Not yet reviewed by this programme."
    parts.append(f'<p class="small">{escape(review)}</p>')
    parts.append(_help(settings))
    parts.append(
        '<nav aria-label="All articles"><p><a href="index.html">All articles</a></p></nav>'
    )
    return _page(article.title, "\n".join(parts), name=name)


def index_page(public: Library, settings: dict) -> str:
    name = settings.get("name") or "IIPT Companion"
    parts = [
        f"<h1>{escape(name)}: learn about pain rehabilitation</h1>",
        "<p>Short articles about intensive pain rehabilitation for children and teens, for "
        "families and anyone who supports them.</p>",
    ]
    if not public.articles:
        parts.append("<p>There are no public articles yet.</p>")
    for topic in articles.TOPICS:
        found = articles.filter_articles(public, topic=topic)
        if not found:
            continue
        items = "".join(
            f'<li><a href="{escape(a.slug)}.html">{escape(a.title)}</a>'
            f'<br><span class="small">{escape(a.summary)}</span></li>'
            for a in found
        )
        parts.append(f"<h2>{escape(topic)}</h2><ul>{items}</ul>")
    parts.append(_help(settings))
    return _page("Articles", "\n".join(parts), name=name)


def export(library: Library, settings: dict, folder: Path) -> list[Path]:
    """Write the site into ``folder``; returns the files written."""
    public = library.public()
    folder.mkdir(parents=True, exist_ok=True)
    written = {
        folder / "index.html": index_page(public, settings),
        folder / "style.css": STYLE,
    }
    for article in public.articles.values():
        written[folder / f"{article.slug}.html"] = article_page(article, public, settings)
    for path, text in written.items():
        path.write_text(text, encoding="utf-8")
    return sorted(written)
