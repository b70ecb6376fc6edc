"""What a market shows: the ticker grid, the depth and price ladder, the event strip, the trade tape
and the price chart."""
