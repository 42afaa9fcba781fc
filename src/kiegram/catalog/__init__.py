"""The model catalog: typed specs kept as data, their loader, costs and audit."""

from kiegram.catalog.catalog import Catalog
from kiegram.catalog.cost import credit_range, credits_for
from kiegram.catalog.kinds import (
    ApiFamily,
    Category,
    Confidence,
    InputKind,
    MediaKind,
    ModelStatus,
    OutputKind,
)
from kiegram.catalog.loader import DATA_DIR, load_catalog
from kiegram.catalog.spec import (
    CostExtra,
    CostSpec,
    InputSpec,
    Label,
    LimitRule,
    MediaCount,
    ModelSpec,
    Option,
    Value,
)

__all__ = [
    "DATA_DIR",
    "ApiFamily",
    "Catalog",
    "Category",
    "Confidence",
    "CostExtra",
    "CostSpec",
    "InputKind",
    "InputSpec",
    "Label",
    "LimitRule",
    "MediaCount",
    "MediaKind",
    "ModelSpec",
    "ModelStatus",
    "Option",
    "OutputKind",
    "Value",
    "credit_range",
    "credits_for",
    "load_catalog",
]
