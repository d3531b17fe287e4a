"""The one source registry (``data/sources.yaml``) and the host allow-list (``data/hosts.yaml``).

Every citation of the knowledge base is defined once, here; studies, statements, safety rules,
opioid list entries, dosing protocols, measure definitions and code lists refer to it by id.
Loading fails (:class:`~ldnderm.kernel.errors.KnowledgeDataError`) on: a duplicate id or alias;
the same DOI, PMID, PMCID or URL in two entries; an entry with no locator (doi, pmid, pmcid, url or
registry_id) unless it is ``verification: unverified``; a URL whose host is not allow-listed; an
allow-list entry without a reason.

Tier policy (enforced by each loader with :meth:`SourceRegistry.supports_claim`): a ``weak`` source
never supports a clinical claim alone; a claim cites at least one ``primary`` or ``secondary``
source, or is itself marked ``verification: unverified`` and kept out of computed results.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from pydantic import Field, ValidationError, field_validator

from ldnderm.kernel.errors import KnowledgeDataError
from ldnderm.kernel.model import Frozen
from ldnderm.kernel.version import DATA_DIR
from ldnderm.kernel.yamlio import load_yaml

Kind = Literal[
    "study", "label", "regulator", "guideline", "review", "registry", "terminology", "web_page"
]
Tier = Literal["primary", "secondary", "weak"]
SourceVerification = Literal["verified", "partial", "unverified"]
HostCategory = Literal[
    "resolver",
    "bibliographic",
    "publisher",
    "regulator",
    "guideline",
    "registry",
    "terminology",
    "professional",
    "patient_org",
    "other",
]

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^[1-9]\d{0,8}$")
PMCID_RE = re.compile(r"^PMC\d{4,9}$")
URL_RE = re.compile(r"^https?://\S+$")
CLAIM_TIERS: frozenset[str] = frozenset({"primary", "secondary"})


class Source(Frozen):
    """One citable item: a study, label, regulator page, guideline, review, registry record,
    terminology value set or web page."""

    id: str
    kind: Kind
    tier: Tier
    citation: str = Field(min_length=1)
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    registry_id: str | None = None
    url: str | None = None
    verification: SourceVerification
    note: str | None = None
    aliases: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        if not ID_RE.match(value):
            raise ValueError(f"{value!r} is not a kebab-case id")
        return value

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        if value is not None and not DOI_RE.match(value):
            raise ValueError(f"{value!r} is not a DOI (10.<registrant>/<suffix>)")
        return value

    @field_validator("pmid", mode="before")
    @classmethod
    def _pmid(cls, value: Any) -> Any:
        if value is not None and not PMID_RE.match(str(value)):
            raise ValueError(f"{value!r} is not a PMID (digits only)")
        return None if value is None else str(value)

    @field_validator("pmcid")
    @classmethod
    def _pmcid(cls, value: str | None) -> str | None:
        if value is not None and not PMCID_RE.match(value):
            raise ValueError(f"{value!r} is not a PMCID (PMC<digits>)")
        return value

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not URL_RE.match(value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value

    @property
    def has_locator(self) -> bool:
        return bool(self.doi or self.pmid or self.pmcid or self.url or self.registry_id)

    @property
    def doi_url(self) -> str | None:
        return f"https://doi.org/{self.doi}" if self.doi else None

    @property
    def pubmed_url(self) -> str | None:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else None

    @property
    def pmc_url(self) -> str | None:
        return f"https://pmc.ncbi.nlm.nih.gov/articles/{self.pmcid}/" if self.pmcid else None

    @property
    def link(self) -> str | None:
        """The published link: doi.org, else PubMed, else PMC, else the recorded url."""
        return self.doi_url or self.pubmed_url or self.pmc_url or self.url

    @property
    def supports_claim(self) -> bool:
        """A primary or secondary source may support a clinical claim; a weak one never alone."""
        return self.tier in CLAIM_TIERS


class Host(Frozen):
    """One reviewed host with the reason it is trusted."""

    host: str = Field(min_length=1)
    category: HostCategory
    reason: str = Field(min_length=1)


class SourceRegistry:
    """The validated registry: look up by id or alias, check references, render links."""

    def __init__(self, sources: Mapping[str, Source], hosts: Mapping[str, Host]) -> None:
        self.sources = dict(sources)
        self.hosts = dict(hosts)
        self._alias = {a: s.id for s in self.sources.values() for a in s.aliases}

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and (key in self.sources or key in self._alias)

    def __len__(self) -> int:
        return len(self.sources)

    def canonical(self, key: str) -> str:
        """The canonical id of ``key`` (an id or an alias); KeyError if unknown."""
        if key in self.sources:
            return key
        return self._alias[key]

    def get(self, key: str) -> Source:
        return self.sources[self.canonical(key)]

    def unknown(self, ids: Iterable[str]) -> list[str]:
        """The ids among ``ids`` that name nothing in the registry."""
        return [i for i in ids if i not in self]

    def supports_claim(self, ids: Iterable[str]) -> bool:
        """At least one of ``ids`` is a primary or secondary source."""
        return any(i in self and self.get(i).supports_claim for i in ids)

    def host_allowed(self, host: str) -> bool:
        return host.lower() in self.hosts


def _problems_of(sources: list[Source], hosts: Mapping[str, Host]) -> list[str]:
    problems: list[str] = []
    names: dict[str, str] = {}
    locators: dict[tuple[str, str], str] = {}
    for s in sources:
        for name in (s.id, *s.aliases):
            if name in names:
                problems.append(f"sources: id or alias {name!r} used twice ({names[name]}, {s.id})")
            names[name] = s.id
        for field in ("doi", "pmid", "pmcid", "url"):
            value = getattr(s, field)
            if value is None:
                continue
            key = (field, str(value).lower().rstrip("/"))
            if key in locators:
                problems.append(
                    f"sources: {field} {value} in two entries ({locators[key]}, {s.id})"
                )
            locators[key] = s.id
        if not s.has_locator and s.verification != "unverified":
            problems.append(f"sources: {s.id} has no locator and is not marked unverified")
        if s.url is not None:
            host = (urlparse(s.url).hostname or "").lower()
            if host not in hosts:
                problems.append(f"sources: {s.id} links to {host!r}, not on the host allow-list")
    return problems


def build_registry(sources_doc: Any, hosts_doc: Any) -> SourceRegistry:
    """Validate parsed ``sources.yaml`` and ``hosts.yaml`` documents; raise with every problem."""
    problems: list[str] = []
    hosts: dict[str, Host] = {}
    raw_hosts = hosts_doc.get("hosts") if isinstance(hosts_doc, dict) else None
    if not isinstance(raw_hosts, list):
        raise KnowledgeDataError("hosts.yaml: expected a mapping with a 'hosts' list")
    for i, raw in enumerate(raw_hosts):
        try:
            host = Host.model_validate(raw)
        except ValidationError as exc:
            problems.append(f"hosts[{i}]: {_first(exc)}")
            continue
        if host.host.lower() in hosts:
            problems.append(f"hosts: {host.host} listed twice")
        hosts[host.host.lower()] = host
    raw_sources = sources_doc.get("sources") if isinstance(sources_doc, dict) else None
    if not isinstance(raw_sources, list):
        raise KnowledgeDataError("sources.yaml: expected a mapping with a 'sources' list")
    sources: list[Source] = []
    for i, raw in enumerate(raw_sources):
        try:
            sources.append(Source.model_validate(raw))
        except ValidationError as exc:
            where = raw.get("id", i) if isinstance(raw, dict) else i
            problems.append(f"sources[{where}]: {_first(exc)}")
    problems += _problems_of(sources, hosts)
    if problems:
        raise KnowledgeDataError("; ".join(problems))
    return SourceRegistry({s.id: s for s in sources}, hosts)


def _first(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'entry'}: {e['msg']}" for e in exc.errors()
    )


def load_from(data_dir: Path) -> SourceRegistry:
    return build_registry(load_yaml(data_dir / "sources.yaml"), load_yaml(data_dir / "hosts.yaml"))


@cache
def registry() -> SourceRegistry:
    """The shipped registry and allow-list (loaded and checked once)."""
    return load_from(DATA_DIR)


def source_view(source: Source, note: str | None = None) -> dict[str, Any]:
    """A JSON-ready view of one source: citation, identifiers, published link, tier and kind."""
    view: dict[str, Any] = {
        "id": source.id,
        "citation": source.citation,
        "kind": source.kind,
        "tier": source.tier,
        "doi": source.doi,
        "pmid": source.pmid,
        "pmcid": source.pmcid,
        "registry_id": source.registry_id,
        "url": source.link,
        "verification": source.verification,
    }
    if note is not None:
        view["note"] = note
    return view
