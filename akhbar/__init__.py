"""Akhbar's faces: the command line (``akhbar ...``) and the search web page and API
(``akhbar.web``)."""
