"""The pure core: exact numbers, the protocol's messages, books and the market state.

Nothing here imports Textual, the network (websockets, aiohttp) or any other layer of the app;
``tests/test_import_layers.py`` enforces it.
"""
