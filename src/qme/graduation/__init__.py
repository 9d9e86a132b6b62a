"""Graduation: the requirements check, the examination board and the verifiable QME diploma."""
