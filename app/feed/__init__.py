"""The WebSocket plane: the signed handshake, the socket reader, the feed worker, recording."""
