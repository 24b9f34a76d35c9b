"""The thresholds of the analyses (docs/design.md §3), with their defaults; loadable from TOML.

Examples
--------
>>> Policy().stale_after_days
180
>>> Policy(stale_after_days=90).required_depth(key=True, in_chain=True)
3
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from graphcrm.errors import InputError, Issue

__all__ = ["Policy", "load_policy"]

_SUBJECT = "the policy file"


class Policy(BaseModel):
    """Every threshold an analysis uses. Unknown keys are an error."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stale_after_days: int = Field(180, ge=1, description="days after which a relationship loses 1 depth (2 after twice that)")
    key_required_depth: int = Field(3, ge=1, le=4, description="depth a key contact needs to count as covered")
    chain_required_depth: int = Field(2, ge=1, le=4, description="depth other decision-chain members need")
    other_required_depth: int = Field(1, ge=1, le=4, description="depth everyone else needs")
    warm_path_min_depth: int = Field(2, ge=1, le=4, description="depth a rep needs with the first contact of a warm path")
    warm_path_max_steps: int = Field(3, ge=1, le=6, description="most steps between contacts on a warm path")
    warm_paths_reported: int = Field(3, ge=1, le=50, description="how many warm paths to report per contact")
    reports_to_strength: float = Field(0.5, gt=0, le=1, description="strength of a REPORTS_TO step / edge")
    damping: float = Field(0.85, gt=0, lt=1, description="PageRank damping of the influence score")
    hidden_influencer_share: float = Field(0.25, gt=0, le=1, description="top share of influence scores that counts as high")
    org_min_depth: int = Field(2, ge=1, le=4, description="depth the organisational layer asks of executive and team reps")
    org_min_reps: int = Field(3, ge=1, description="distinct reps the organisational layer asks for")
    org_activity_days: int = Field(365, ge=1, description="days an executive visit or strategy alignment counts for the organisational layer")
    meetings_per_week: int = Field(5, ge=0, description="customer meetings every active rep should have in an ISO week")
    neglected_after_days: int = Field(90, ge=1, description="days without a meeting after which an account is neglected")
    feedback_days: int = Field(365, ge=1, description="days of feedback that satisfaction and the median days to close look at")

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_only(cls, value: object, info: ValidationInfo) -> object:
        """A numeric setting takes a number: a boolean or a string is an error, never
        read as one (pydantic alone would take ``true`` for 1 and ``"90"`` for 90)."""
        annotation = cls.model_fields[info.field_name].annotation
        if annotation in (int, float) and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise ValueError(f"must be {'an integer' if annotation is int else 'a number'}, not {_toml_kind(value)}")
        return value

    def required_depth(self, key: bool, in_chain: bool) -> int:
        """3 for key contacts, 2 for other decision-chain members, 1 for everyone else."""
        if key:
            return self.key_required_depth
        return self.chain_required_depth if in_chain else self.other_required_depth


def _toml_kind(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return {dict: "a table", list: "an array"}.get(type(value), f"a {type(value).__name__}")


def _message(err: dict) -> str:
    if err["type"] == "extra_forbidden":
        return "is not a policy setting"
    if err["type"] == "value_error":  # ours: without pydantic's "Value error, " prefix
        return str(err["ctx"]["error"])
    return err["msg"]


def load_policy(path: Path | str | None = None) -> Policy:
    """The policy in a TOML file (``--policy`` or ``GRAPHCRM_POLICY``), else the defaults.

    The file holds top-level keys named like ``Policy``'s fields. Raises
    ``InputError`` naming the file and the key for an unknown key or a bad value.
    """
    path = path or os.environ.get("GRAPHCRM_POLICY")
    if not path:
        return Policy()
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Issue(str(path), None, None, None, "no such policy file")], _SUBJECT) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise InputError([Issue(str(path), None, None, None, f"is not valid TOML: {e}")], _SUBJECT) from None
    try:
        return Policy.model_validate(doc)
    except ValidationError as e:
        raise InputError([
            Issue(str(path), None, None, ".".join(map(str, err["loc"])) or None, _message(err))
            for err in e.errors(include_url=False)
        ], _SUBJECT) from None
