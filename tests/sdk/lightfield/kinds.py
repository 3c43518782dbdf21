"""One adapter per record kind, so the lifecycle tests run unchanged over accounts, contacts,
opportunities and custom objects, each through its own SDK resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

from lightfield import Lightfield

from support import unique


@dataclass(frozen=True)
class Kind:
    name: str
    object_type: str
    # The text field that tells test records apart, and that lists filter on.
    label_key: str
    attribute: str
    slug: Optional[str] = None

    def resource(self, lf: Lightfield) -> Any:
        return getattr(lf, self.attribute)

    def _slug(self) -> "dict[str, str]":
        return {"entity_slug": self.slug} if self.slug else {}

    def create(self, lf: Lightfield, fields: dict, relationships: Optional[dict] = None) -> Any:
        extra = {} if relationships is None else {"relationships": relationships}
        if self.slug:
            return lf.object.create(self.slug, fields=fields, **extra)
        return self.resource(lf).create(fields=fields, **extra)

    def retrieve(self, lf: Lightfield, record_id: str) -> Any:
        return self.resource(lf).retrieve(record_id, **self._slug())

    def update(self, lf: Lightfield, record_id: str, **changes: Any) -> Any:
        return self.resource(lf).update(record_id, **self._slug(), **changes)

    def delete(self, lf: Lightfield, record_id: str) -> Any:
        return self.resource(lf).delete(record_id, **self._slug())

    def restore(self, lf: Lightfield, record_id: str) -> Any:
        return self.resource(lf).restore(record_id, **self._slug())

    def list(self, lf: Lightfield, **query: Any) -> Any:
        if self.slug:
            return lf.object.list(self.slug, **query)
        return self.resource(lf).list(**query)

    def definitions(self, lf: Lightfield) -> Any:
        if self.slug:
            return lf.object.definitions(self.slug)
        return self.resource(lf).definitions()

    def field_history(self, lf: Lightfield, record_id: str, field_key: str, **query: Any) -> Any:
        return self.resource(lf).field_history(field_key, id=record_id, **self._slug(), **query)

    @property
    def has_trash_listing(self) -> bool:
        # `status` exists on accounts, contacts and opportunities, not on custom objects (spec §5.1).
        return self.slug is None


ACCOUNT = Kind("account", "account", "$name", "account")
CONTACT = Kind("contact", "contact", "$title", "contact")
OPPORTUNITY = Kind("opportunity", "opportunity", "$name", "opportunity")
VEHICLE = Kind("vehicle", "vehicles", "name", "object", slug="vehicles")

ALL_KINDS = [ACCOUNT, CONTACT, OPPORTUNITY, VEHICLE]


def minimal_record(kind: Kind, lf: Lightfield, label: str, account_for: Callable[[], str]) -> Any:
    """Creates the smallest valid record of `kind` whose label field is `label`."""
    if kind is CONTACT:
        return kind.create(lf, {"$title": label, "$name": {"firstName": "Test", "lastName": label}})
    if kind is OPPORTUNITY:
        return kind.create(lf, {"$name": label}, {"$account": account_for()})
    return kind.create(lf, {kind.label_key: label})


def new_account(lf: Lightfield, prefix: str = "account") -> str:
    return lf.account.create(fields={"$name": unique(prefix)}, skip_enrichment=True).id
