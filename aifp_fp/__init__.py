"""aifp_fp: the pure core of aifp-migrate. It plans; it never touches a file or a database."""
