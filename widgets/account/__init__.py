"""The user's account: positions, fills, orders, RFQs, settlements and event positions."""
