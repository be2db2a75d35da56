"""Which outlet a url belongs to: its registered domain, except on platforms, where each account is an outlet.

The Public Suffix List decides what a registered domain is (``bbc.co.uk``, ``orf.at``,
``news.cn``); tldextract ships a copy and is used offline, because second-level suffixes
change faster than any hand-written rule. What the list cannot know is that a Blogspot blog
or a Telegram channel is an outlet of its own while the platform is not: naive matching
would rate every WordPress blog as the one the lists happen to name. ``platforms`` in
defaults/outlets.yaml says which hosts hold outlets in a subdomain and which in a path.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from propmark.config import load_config


@lru_cache(maxsize=1)
def _extract():
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list: no network


def registered_domain(url: str) -> str:
    """The registered domain; for a Wayback Machine copy, that of the page it archived."""
    parts = _extract()(url)
    site = parts.top_domain_under_public_suffix or parts.domain or url
    if site == "archive.org" and "/web/" in url:
        archived = url.split("/web/", 1)[1].split("/", 1)[-1]  # drop the capture's timestamp
        return registered_domain(archived) if "." in archived else site
    return site


@lru_cache(maxsize=1)
def _platforms() -> tuple[frozenset[str], frozenset[str]]:
    cfg = load_config("outlets")["platforms"]
    return frozenset(cfg["by_subdomain"]), frozenset(cfg["by_path"])


def _split(url: str) -> tuple[str, list[str]]:
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").lower().removeprefix("www.")
    return host, [p for p in parts.path.split("/") if p]


def outlet_key(url: str) -> str | None:
    """The outlet a url is published by, as a key: ``rt.com``, ``someone.blogspot.com``, ``t.me/channel``.

    None where the url names a platform but no account on it (``youtube.com/watch``): the
    platform is not an outlet.
    """
    host, path = _split(url)
    if not host:
        return None
    domain = registered_domain(host)
    by_subdomain, by_path = _platforms()
    if domain in by_subdomain and host != domain:
        return host
    if domain in by_path:
        account = next((p for p in path if p not in {"c", "channel", "user", "s", "pages"}), None)
        if not account or "." in account or account in {"watch", "share", "sharer.php", "hashtag", "search"}:
            return None
        return f"{domain}/{account.lower()}"
    return None if domain in by_subdomain else domain


def scoped_keys(url: str) -> list[str]:
    """The outlet key, led by its first path segment where a list scopes an entry to one (``cato.org/blog``)."""
    key = outlet_key(url)
    if key is None:
        return []
    host, path = _split(url)
    if "/" not in key and path:
        return [f"{key}/{path[0].lower()}", key]
    return [key]
