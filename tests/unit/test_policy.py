"""Loading a policy file (``load_policy``): every numeric setting takes a number.

Issue 20: ``stale_after_days = true`` was read as 1 (pydantic's lax mode turns a
boolean into an integer or a float). A boolean, or a number written as a string,
is an error that names the key, for every numeric setting.
"""

from __future__ import annotations

import pytest

from graphcrm.errors import InputError
from graphcrm.policy import Policy, load_policy

INT_SETTINGS = [
    "stale_after_days", "key_required_depth", "chain_required_depth", "other_required_depth",
    "warm_path_min_depth", "warm_path_max_steps", "warm_paths_reported", "org_min_depth", "org_min_reps",
    "org_activity_days", "meetings_per_week", "neglected_after_days", "feedback_days",
]
FLOAT_SETTINGS = ["reports_to_strength", "damping", "hidden_influencer_share"]


def write(tmp_path, text: str):
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_lists_above_are_every_setting():
    assert sorted(INT_SETTINGS + FLOAT_SETTINGS) == sorted(Policy.model_fields)


class TestNumbersOnly:
    @pytest.mark.parametrize("key", INT_SETTINGS + FLOAT_SETTINGS)
    @pytest.mark.parametrize("value", ["true", "false"])
    def test_a_boolean_is_an_error_naming_the_key(self, tmp_path, key, value):
        # true would be 1 (or 1.0), a valid value for every setting but damping
        with pytest.raises(InputError) as e:
            load_policy(write(tmp_path, f"{key} = {value}\n"))
        [issue] = e.value.issues
        assert issue.field == key
        assert f"boolean {value}" in issue.message
        assert issue.where.endswith("policy.toml")

    @pytest.mark.parametrize("key", INT_SETTINGS + FLOAT_SETTINGS)
    def test_a_number_in_a_string_is_an_error_naming_the_key(self, tmp_path, key):
        with pytest.raises(InputError) as e:
            load_policy(write(tmp_path, f'{key} = "1"\n'))
        [issue] = e.value.issues
        assert issue.field == key
        assert "string" in issue.message

    def test_each_bad_key_is_named_once(self, tmp_path):
        with pytest.raises(InputError) as e:
            load_policy(write(tmp_path, "stale_after_days = true\ndamping = false\nwarm_path_max_steps = 3\n"))
        assert sorted(i.field for i in e.value.issues) == ["damping", "stale_after_days"]

    def test_the_message_says_what_was_expected(self, tmp_path):
        with pytest.raises(InputError) as e:
            load_policy(write(tmp_path, "stale_after_days = true\nreports_to_strength = true\n"))
        messages = {i.field: i.message for i in e.value.issues}
        assert messages == {"stale_after_days": "must be an integer, not the boolean true",
                            "reports_to_strength": "must be a number, not the boolean true"}


class TestGoodFiles:
    def test_numbers_are_taken(self, tmp_path):
        p = load_policy(write(tmp_path, "stale_after_days = 90\nreports_to_strength = 1\ndamping = 0.5\n"))
        assert (p.stale_after_days, p.reports_to_strength, p.damping) == (90, 1.0, 0.5)
        assert isinstance(p.reports_to_strength, float)

    def test_no_file_gives_the_defaults(self, monkeypatch):
        monkeypatch.delenv("GRAPHCRM_POLICY", raising=False)
        assert load_policy(None) == Policy()
