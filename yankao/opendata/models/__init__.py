"""Open data: the catalogue, its quality, its use, sharing and the national portal."""

from yankao.opendata.models.catalogue import (
    Dataset,
    DatasetVersion,
    Licence,
    Publisher,
    Resource,
    ResourceField,
    ServiceCategory,
    Tag,
)
from yankao.opendata.models.national import NationalPush
from yankao.opendata.models.quality import QualityAssessment
from yankao.opendata.models.search import SearchDocument
from yankao.opendata.models.sharing import ShareGrant, ShareLink
from yankao.opendata.models.usage import (
    DataRequest,
    DatasetComment,
    DatasetUsage,
    RequestPolicy,
)

__all__ = [
    "DataRequest",
    "Dataset",
    "DatasetComment",
    "DatasetUsage",
    "DatasetVersion",
    "Licence",
    "NationalPush",
    "Publisher",
    "QualityAssessment",
    "RequestPolicy",
    "Resource",
    "ResourceField",
    "SearchDocument",
    "ServiceCategory",
    "ShareGrant",
    "ShareLink",
    "Tag",
]
