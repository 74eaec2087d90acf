"""Where the embedded cluster lives: under var/, or where the postgres user can reach it."""

from __future__ import annotations

import os

from geoportal.cluster import Cluster


def test_private_checkout_moves_the_cluster_out_for_postgres(tmp_path):
    checkout = tmp_path / "private"
    checkout.mkdir(mode=0o700)
    cluster = Cluster.under(checkout / "var")
    assert not (checkout / "var").exists()  # finding the cluster creates nothing
    if os.geteuid() == 0:  # the server runs as postgres, which cannot enter checkout/
        assert str(cluster.home).startswith("/var/lib/geoportal/")
        assert cluster.link == checkout / "var" / "pg"  # init() links it there
    else:  # the server runs as the current user, who owns the checkout
        assert cluster.home == checkout / "var" / "pg" and cluster.link is None


def test_long_paths_get_a_short_socket_directory(tmp_path):
    cluster = Cluster(home=tmp_path / ("x" * 120))
    assert len(str(cluster.socket_dir)) < 90
    assert cluster.socket_dir != Cluster(home=tmp_path / ("y" * 120)).socket_dir
