"""Which template URLs Service Catalog's validation reads from S3 (the forms AWS accepts for S3 objects)."""

from __future__ import annotations

import pytest

from platform_cli.local.moto_ext._templates import s3_location


@pytest.mark.parametrize(
    ("url", "location"),
    [
        ("https://bucket.s3.eu-west-1.amazonaws.com/a/b.yaml", ("bucket", "a/b.yaml")),
        ("https://bucket.s3.amazonaws.com/b.yaml", ("bucket", "b.yaml")),
        ("https://bucket.s3-eu-west-1.amazonaws.com/b.yaml", ("bucket", "b.yaml")),
        ("https://s3.eu-west-1.amazonaws.com/bucket/a/b.yaml", ("bucket", "a/b.yaml")),
        ("https://my.bucket.s3.eu-west-1.amazonaws.com/a%20b.yaml", ("my.bucket", "a b.yaml")),
    ],
)
def test_s3_object_urls_name_their_bucket_and_key(url: str, location: tuple[str, str]) -> None:
    assert s3_location(url) == location


@pytest.mark.parametrize("url", ["https://example.com/template.yaml", "https://bucket.s3.amazonaws.com/"])
def test_other_urls_are_not_read_from_s3(url: str) -> None:
    assert s3_location(url) is None
