"""Akhbar's faces: the command line (and later the search web app)."""
