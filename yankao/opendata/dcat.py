"""The catalogue in DCAT-AP 3.0.1 (RDF, as JSON-LD or Turtle).

Every resource a property points to is typed as the DCAT-AP shapes expect (a publisher is
a ``foaf:Agent``, a licence a ``dct:LicenseDocument``, a format a
``dct:MediaTypeOrExtent``…), so the graph validates against the published SHACL shapes
without inference (tests: ``test_dcat.py``). Controlled vocabularies are the EU
Publications Office's authority tables (frequency, language, file type) and IANA media
types; service categories are our own concept scheme.
"""

from __future__ import annotations

import datetime as dt

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

from yankao.core.calendar import TAIPEI
from yankao.opendata.files import FORMATS
from yankao.opendata.national import resource_address

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
DCAT_VERSION = URIRef(f"{DCAT}version")  # DCAT 3's dcat:version (newer than rdflib's list)
EU = "http://publications.europa.eu/resource/authority/"
FREQUENCY = {  # (unit, every) → EU frequency authority code
    ("hour", 1): "HOURLY", ("day", 1): "DAILY", ("week", 1): "WEEKLY",
    ("week", 2): "BIWEEKLY", ("month", 1): "MONTHLY", ("month", 2): "BIMONTHLY",
    ("month", 3): "QUARTERLY", ("quarter", 1): "QUARTERLY", ("month", 6): "ANNUAL_2",
    ("year", 1): "ANNUAL", ("year", 2): "BIENNIAL", ("year", 3): "TRIENNIAL",
}
FILE_TYPES = {"CSV": "CSV", "JSON": "JSON", "GeoJSON": "GEOJSON", "XML": "XML", "KML": "KML",
              "RSS": "RSS", "ODS": "ODS", "XLSX": "XLSX", "XLS": "XLS", "PDF": "PDF",
              "DOCX": "DOCX", "ODT": "ODT", "ZIP": "ZIP"}
LANGUAGES = {"zh": "ZHO", "en": "ENG"}


class CatalogueGraph:
    """Builds one graph; ``add_dataset`` for each dataset, then serialise."""

    def __init__(self, *, base_url: str, title: str, description: str, publisher_name: str):
        self.base = base_url.rstrip("/")
        self.graph = Graph()
        for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF),
                                  ("vcard", VCARD), ("skos", SKOS), ("adms", ADMS)):
            self.graph.bind(prefix, namespace)
        self.catalog = URIRef(f"{self.base}/opendata/catalog")
        self.scheme = URIRef(f"{self.base}/opendata/groups")
        g = self.graph
        g.add((self.catalog, RDF.type, DCAT.Catalog))
        g.add((self.catalog, DCTERMS.title, Literal(title, lang="zh-Hant")))
        g.add((self.catalog, DCTERMS.description, Literal(description, lang="zh-Hant")))
        city = URIRef(f"{self.base}/")
        g.add((city, RDF.type, FOAF.Agent))
        g.add((city, FOAF.name, Literal(publisher_name, lang="zh-Hant")))
        g.add((self.catalog, DCTERMS.publisher, city))
        homepage = URIRef(f"{self.base}/opendata/")
        g.add((homepage, RDF.type, FOAF.Document))
        g.add((self.catalog, FOAF.homepage, homepage))
        g.add((self.catalog, DCAT.themeTaxonomy, self.scheme))
        g.add((self.scheme, RDF.type, SKOS.ConceptScheme))
        g.add((self.scheme, DCTERMS.title, Literal("服務分類", lang="zh-Hant")))
        g.add((self.scheme, DCTERMS.title, Literal("Service categories", lang="en")))
        self._typed: set[URIRef] = set()

    def _once(self, node: URIRef, kind: URIRef, *labels: tuple[URIRef, Literal]) -> URIRef:
        if node not in self._typed:
            self._typed.add(node)
            self.graph.add((node, RDF.type, kind))
            for predicate, value in labels:
                self.graph.add((node, predicate, value))
        return node

    def agent(self, agency) -> URIRef:
        return self._once(URIRef(f"{self.base}/opendata/organizations/{agency.code}"),
                          FOAF.Agent, (FOAF.name, Literal(agency.name_zh, lang="zh-Hant")),
                          (FOAF.name, Literal(agency.name_en, lang="en")))

    def theme(self, category) -> URIRef:
        node = URIRef(f"{self.base}/opendata/groups/{category.slug}")
        return self._once(node, SKOS.Concept,
                          (SKOS.prefLabel, Literal(category.name_zh, lang="zh-Hant")),
                          (SKOS.prefLabel, Literal(category.name_en, lang="en")),
                          (SKOS.notation, Literal(category.code)),
                          (SKOS.inScheme, self.scheme))

    def licence(self, licence) -> URIRef:
        return self._once(URIRef(licence.url), DCTERMS.LicenseDocument,
                          (DCTERMS.title, Literal(licence.title_zh, lang="zh-Hant")),
                          (DCTERMS.title, Literal(licence.title_en, lang="en")))

    def add_dataset(self, dataset, resources) -> URIRef:
        g = self.graph
        node = URIRef(f"{self.base}/opendata/datasets/{dataset.name}")
        g.add((self.catalog, DCAT.dataset, node))
        g.add((node, RDF.type, DCAT.Dataset))
        g.add((node, DCTERMS.identifier, Literal(dataset.identifier)))
        g.add((node, DCTERMS.title, Literal(dataset.title, lang="zh-Hant")))
        if dataset.title_en:
            g.add((node, DCTERMS.title, Literal(dataset.title_en, lang="en")))
        g.add((node, DCTERMS.description, Literal(dataset.description, lang="zh-Hant")))
        g.add((node, DCTERMS.publisher, self.agent(dataset.agency)))
        g.add((node, DCAT.theme, self.theme(dataset.category)))
        for tag in dataset.tags.all():
            g.add((node, DCAT.keyword, Literal(tag.name, lang="zh-Hant")))
        if dataset.published_at:
            g.add((node, DCTERMS.issued, _date_time(dataset.published_at)))
        g.add((node, DCTERMS.modified, _date_time(dataset.modified_at)))
        g.add((node, DCAT_VERSION, Literal(str(dataset.version))))
        language = LANGUAGES.get(dataset.language)
        if language:
            g.add((node, DCTERMS.language, self._once(
                URIRef(f"{EU}language/{language}"), DCTERMS.LinguisticSystem)))
        frequency = FREQUENCY.get((dataset.update_unit, dataset.update_every)) \
            if dataset.update_regular else "IRREG"
        g.add((node, DCTERMS.accrualPeriodicity, self._once(
            URIRef(f"{EU}frequency/{frequency or 'OTHER'}"), DCTERMS.Frequency)))
        page = self._once(URIRef(f"{self.base}/opendata/datasets/{dataset.name}/"),
                          FOAF.Document)
        g.add((node, DCAT.landingPage, page))
        contact = BNode()
        g.add((node, DCAT.contactPoint, contact))
        g.add((contact, RDF.type, VCARD.Kind))
        g.add((contact, VCARD.fn, Literal(dataset.publisher_contact_name)))
        g.add((contact, VCARD.hasEmail, URIRef(f"mailto:{dataset.publisher_contact_email}")))
        g.add((contact, VCARD.hasTelephone, Literal(dataset.publisher_contact_phone)))
        if dataset.temporal_from or dataset.temporal_to:
            period = BNode()
            g.add((node, DCTERMS.temporal, period))
            g.add((period, RDF.type, DCTERMS.PeriodOfTime))
            if dataset.temporal_from:
                g.add((period, DCAT.startDate, Literal(dataset.temporal_from, datatype=XSD.date)))
            if dataset.temporal_to:
                g.add((period, DCAT.endDate, Literal(dataset.temporal_to, datatype=XSD.date)))
        if dataset.spatial:
            place = BNode()
            g.add((node, DCTERMS.spatial, place))
            g.add((place, RDF.type, DCTERMS.Location))
            g.add((place, SKOS.prefLabel, Literal(dataset.spatial, lang="zh-Hant")))
        licence = self.licence(dataset.licence) if dataset.licence.url else None
        for resource in resources:
            g.add((node, DCAT.distribution, self._distribution(dataset, resource, licence)))
        return node

    def _distribution(self, dataset, resource, licence) -> URIRef:
        g = self.graph
        node = URIRef(f"{self.base}/opendata/resources/{resource.id}")
        g.add((node, RDF.type, DCAT.Distribution))
        g.add((node, DCTERMS.identifier, Literal(resource.identifier)))
        g.add((node, DCTERMS.title, Literal(resource.description, lang="zh-Hant")))
        address = URIRef(resource_address(resource, self.base))
        g.add((node, DCAT.accessURL, address))
        if resource.kind == "file":
            g.add((node, DCAT.downloadURL, address))
            g.add((node, DCAT.byteSize, Literal(resource.attachment.size,
                                                datatype=XSD.nonNegativeInteger)))
        g.add((node, DCTERMS.issued, _date_time(resource.created_at)))
        g.add((node, DCTERMS.modified, _date_time(resource.modified_at)))
        file_type = FILE_TYPES.get(resource.format)
        if file_type:
            g.add((node, DCTERMS.format, self._once(URIRef(f"{EU}file-type/{file_type}"),
                                                    DCTERMS.MediaTypeOrExtent)))
        fmt = FORMATS.get(resource.format)
        if fmt:
            g.add((node, DCAT.mediaType, self._once(URIRef(
                f"https://www.iana.org/assignments/media-types/{fmt.media_type}"),
                DCTERMS.MediaType)))
        if licence is not None:
            g.add((node, DCTERMS.license, licence))
        return node

    def serialise(self, fmt: str) -> str:
        if fmt == "turtle":
            return self.graph.serialize(format="turtle")
        return self.graph.serialize(format="json-ld", context={
            "dcat": str(DCAT), "dct": str(DCTERMS), "foaf": str(FOAF), "vcard": str(VCARD),
            "skos": str(SKOS), "xsd": str(XSD)}, auto_compact=True)


def _date_time(moment: dt.datetime) -> Literal:
    return Literal(moment.astimezone(TAIPEI).replace(microsecond=0).isoformat(),
                   datatype=XSD.dateTime)
