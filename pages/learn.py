"""Learn: short articles for teens and parents. Suggested ones first (from the reader's own
week), then search and filters; an article opens on its own page (?article=slug)."""

import streamlit as st

from companion import ui
from companion.identity import Role
from companion.library import articles

# Signed out, a visitor (a family not enrolled yet, a teacher, a referring doctor) reads the
# articles marked public, and nothing about anyone; signed in, everyone reads every article.
visitor = ui.current_user() is None
user = None if visitor else ui.require_user(Role.TEEN, Role.PARENT, Role.CLINICIAN, Role.ADMIN)
library = ui.library().public() if visitor else ui.library()
database = ui.db()
read = set() if visitor else articles.read_slugs(database, user)
if visitor:
    ui.form_error()  # e.g. signed out in another tab: the tap on "I've read this" did nothing


def open_article(slug: str | None) -> None:
    if slug:
        st.query_params["article"] = slug
    else:
        st.query_params.pop("article", None)


def card(article: articles.Article, *, where: str, why: str = "") -> None:
    """One article in a list: its title is the button that opens it (a screen reader hears
    the title, not a row of identical "Read" buttons)."""
    with st.container(border=True):
        st.button(
            f"**{ui.esc(article.title)}**",
            key=f"{where}_{article.slug}",
            on_click=open_article,
            args=(article.slug,),
            type="tertiary",
        )
        done = " · read" if article.slug in read else ""
        st.caption(ui.esc(f"{article.topic} · {article.minutes} min{done}"))
        if why:
            st.text(why)
        st.text(article.summary)


article = library.get(st.query_params.get("article"))
if article is not None:
    st.button("← All articles", key="back", on_click=open_article, args=(None,))
    st.title(ui.esc(article.title))
    st.caption(
        ui.esc(
            f"For {articles.AUDIENCES[article.audience].lower()} · {article.topic} · "
            f"{article.minutes} min read"
        )
    )
    for block in articles.blocks(article.body):
        if block.kind == "heading":
            st.subheader(ui.esc(block.text), anchor=False)
        elif block.kind == "paragraph":
            st.markdown(ui.esc(block.text))
        else:
            mark = "1." if block.kind == "numbers" else "-"
            st.markdown("\n".join(f"{mark} {ui.esc(item)}" for item in block.items))
    if visitor:
        st.page_link("pages/signin.py", label="Sign in", icon=":material/login:")
    else:
        st.toggle(
            "I've read this",
            value=article.slug in read,
            key=f"read_{article.slug}",
            on_change=ui.run_action,  # re-checks the session when the tap arrives
            args=(
                f"read_{article.slug}",
                lambda: articles.mark_read(
                    ui.db(), user, article.slug, read=bool(ui.value(f"read_{article.slug}"))
                ),
                ui.drawn_for(),
            ),
        )
        ui.form_error()
    ui.field_error("article")
    related = [library.articles[s] for s in article.links if s in library.articles]
    if related:
        st.markdown("**Read next**")
        for other in related:
            st.button(
                ui.esc(other.title),
                key=f"next_{other.slug}",
                on_click=open_article,
                args=(other.slug,),
            )
    with st.expander("Sources"):
        for source in article.sources:
            st.text(source)
    if article.reviewed_by:
        when = article.reviewed_on or "an unknown date"
        st.caption(ui.esc(f"Reviewed by {article.reviewed_by} on {when}."))
    else:
        st.caption("Written for this app. Your programme has not reviewed this article yet.")
    if article.origin == "programme":
        st.caption("Added by your programme.")
    st.stop()

st.title("Learn")
if not library.articles:
    st.info("There are no articles yet. Your programme can add some.")
    st.stop()

if visitor:
    st.write(
        "Short articles about pain rehabilitation for children and teens, for families and "
        "anyone who supports them. Families in a programme sign in for more."
    )
    st.page_link("pages/signin.py", label="Sign in", icon=":material/login:")
today = ui.today()
suggested = [] if visitor else articles.suggestions(database, user, library, today)
if suggested:
    st.subheader("Suggested for you")
    for suggestion in suggested:
        card(library.articles[suggestion.slug], where="suggested", why=suggestion.why)

st.subheader("All articles")
query = st.text_input("Search articles", key="learn_search", placeholder="e.g. sleep, school")
audiences = [None, *articles.AUDIENCES]
mine = None if visitor else articles.default_audience(user)
cols = st.columns(2)
audience = cols[0].selectbox(
    "Written for",
    audiences,
    index=audiences.index(mine),
    format_func=lambda a: "Everyone" if a is None else articles.AUDIENCES[a],
    key="learn_audience",
)
topic = cols[1].selectbox(
    "Topic",
    [None, *articles.TOPICS],
    format_func=lambda t: "All topics" if t is None else t,
    key="learn_topic",
)
found = articles.filter_articles(library, audience=audience, topic=topic, query=query)
if not found:
    st.info("No articles match. Try another word, or choose “All topics”.")
else:
    st.caption(f"{len(found)} article{'s' if len(found) != 1 else ''}")
for item in found:
    card(item, where="all")
