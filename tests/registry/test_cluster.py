"""The throw-away server itself: reachable on loopback only, the superuser can create databases."""

from __future__ import annotations


def test_cluster_answers_on_loopback(pg_cluster, admin_url: str) -> None:
    import psycopg

    with psycopg.connect(admin_url) as conn:
        listen = conn.execute("SHOW listen_addresses").fetchone()
        version = conn.execute("SHOW server_version_num").fetchone()
    assert listen == ("127.0.0.1",)
    assert version is not None and int(version[0]) >= 120000
