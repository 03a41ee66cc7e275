"""Who someone is: the role enum and the signed-in user record."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    TEEN = "teen"
    PARENT = "parent"
    CLINICIAN = "clinician"
    ADMIN = "admin"


STAFF = frozenset({Role.CLINICIAN, Role.ADMIN})


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: Role
    display_name: str
    active: bool = True

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF


def user_from_row(row: dict) -> User:
    return User(
        id=row["id"],
        username=row["username"],
        role=Role(row["role"]),
        display_name=row["display_name"],
        active=bool(row["active"]),
    )
