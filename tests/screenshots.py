"""``make screenshots``: save an SVG of every dashboard screen (and a PNG where cairosvg is
installed) into a folder, from the same shots as the snapshot tests.

Usage: ``python -m tests.screenshots [FOLDER]`` (default ``screenshots``).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tests.ui_shots import SHOTS, Shot


async def take(shot: Shot, folder: Path) -> Path:
    """Bring up ``shot`` headless and save its SVG; the file written."""
    app, run_before = shot.app()
    async with app.run_test(size=shot.size) as pilot:
        await run_before(pilot)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        path = app.save_screenshot(f"{shot.name}.svg", str(folder))
    return Path(path)


def to_png(svg: Path) -> Path | None:
    """A PNG beside ``svg`` when cairosvg is available (it needs a monospace font)."""
    try:
        import cairosvg  # type: ignore[import-not-found]
    except ImportError:
        return None
    png = svg.with_suffix(".png")
    cairosvg.svg2png(url=str(svg), write_to=str(png))
    return png


async def main(folder: Path) -> int:
    """Take every shot into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for shot in SHOTS:
        svg = await take(shot, folder)
        png = to_png(svg)
        print(svg if png is None else f"{svg} {png}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots"))))
