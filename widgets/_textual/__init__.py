"""Every use of Textual's private API, in one place (``COMPAT.md`` lists each name and why).

The app calls :func:`widgets._textual.capability.start` as it starts: when an internal used here
is missing or changed (or ``KALSHI_DASH_STOCK_TEXTUAL`` is set), every fast path here gives way
to Textual's stock behaviour, with one warning.
"""
