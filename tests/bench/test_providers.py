"""The provider start-up root: K aliases, each in its own account, one data source each."""

from __future__ import annotations

from platformctl.bench.providers import alias_account, provider_root_document


def test_one_configuration_and_one_data_source_per_alias() -> None:
    document = provider_root_document(3, "http://127.0.0.1:5999")
    providers = document["provider"]["aws"]
    assert [p["alias"] for p in providers] == ["a0", "a1", "a2"]
    assert len({p["allowed_account_ids"][0] for p in providers}) == 3
    assert providers[1]["assume_role"][0]["role_arn"] == f"arn:aws:iam::{alias_account(1)}:role/platform-deployer"
    assert {url for p in providers for url in p["endpoints"][0].values()} == {"http://127.0.0.1:5999"}
    assert document["data"]["aws_caller_identity"]["a2"] == {"provider": "aws.a2"}
    assert document["terraform"] == {"backend": {"local": {}}}
