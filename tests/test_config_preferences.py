"""The watchlist and alert rules of the config file: read with every key checked, and the
watchlist written back without disturbing the rest of the file."""

from __future__ import annotations

import stat
import tomllib
from pathlib import Path

import pytest

from app.config import ConfigError, Preferences, load_preferences, load_profile, save_watchlist
from app.core.alerts import Rule, RuleKind
from app.core.watchlist import Watchlist
from tests.cli_support import assert_one_line_error, run_cli

PROFILES = '''# my Kalshi settings
default_profile = "demo"

[profiles.demo]
env = "demo"
key_id = "abc"
private_key = "~/.kalshi/demo.pem"
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_watchlist_and_alerts_are_read_with_the_profiles(tmp_path: Path) -> None:
    path = write(tmp_path, 'watchlist = ["kxa-1-b51", "KXB-2-T1", "KXA-1-B51"]\n' + PROFILES + '''
[alerts]
bell = true
cooldown = 2.5
burst = 3

[[alerts.rules]]
market = "KXA-1-B51"
last_crosses = 45

[[alerts.rules]]
print_at_least = 500
''')
    prefs = load_preferences(path)
    assert prefs.watchlist == ("KXA-1-B51", "KXB-2-T1")
    assert prefs.rules == (Rule(RuleKind.LAST_CROSSES, "KXA-1-B51", 4500), Rule(RuleKind.PRINT_AT_LEAST, None, 50_000))
    assert (prefs.bell, prefs.cooldown, prefs.burst, prefs.window, prefs.path) == (True, 2.5, 3, 10.0, path)
    assert load_profile(path, None, False)["key_id"] == "abc"


def test_a_missing_default_file_means_defaults(tmp_path: Path) -> None:
    prefs = load_preferences(tmp_path / "none.toml")
    assert prefs == Preferences(path=tmp_path / "none.toml")
    with pytest.raises(ConfigError, match="not found"):
        load_preferences(tmp_path / "none.toml", explicit=True)


@pytest.mark.parametrize(("text", "says"), [
    ("watchlist = \"KXA\"\n", "watchlist must be a list of tickers"),
    ("[alerts]\nvolume = 1\n", r"\[alerts\]: unknown key\(s\) volume; allowed: bell, burst, cooldown, rules, window"),
    ("[alerts]\nbell = \"loud\"\n", "bell is true or false"),
    ("[alerts]\ncooldown = -1\n", "cooldown must be a number of seconds"),
    ("[alerts]\nburst = 2.5\n", "burst must be a number of notifications"),
    ("[[alerts.rules]]\nspread_below = 2\n", "alert rule 1: spread narrower than .*: name the market"),
    ("[[alerts.rules]]\nfill = true\n[[alerts.rules]]\nfill = true\nmarket = \"X\"\nsize = 3\n",
     r"alert rule 2: unknown key\(s\) size"),
    ("alerts = 3\n", "'alerts' must be a table"),
    ("theme = \"dark\"\n", r"unknown key\(s\) theme; allowed: alerts, default_profile, profiles, trading, watchlist"),
])
def test_bad_preferences_say_what_and_where(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load_preferences(write(tmp_path, text))


def test_saving_the_watchlist_creates_a_private_file(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    save_watchlist(path, ["KXA-1-B51", "KXB-2-T1"])
    assert load_preferences(path).watchlist == ("KXA-1-B51", "KXB-2-T1")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_saving_the_watchlist_keeps_comments_profiles_and_alerts(tmp_path: Path) -> None:
    path = write(tmp_path, PROFILES + '\n[[alerts.rules]]\nfill = true\n')
    path.chmod(0o640)
    save_watchlist(path, ["KXA-1-B51"])
    text = path.read_text()
    assert text.startswith(
        '# my Kalshi settings\ndefault_profile = "demo"\nwatchlist = ["KXA-1-B51"]\n\n[profiles.demo]')
    assert "[[alerts.rules]]\nfill = true" in text
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    save_watchlist(path, [])
    assert tomllib.loads(path.read_text())["watchlist"] == []
    assert path.read_text().count("watchlist") == 1


def test_saving_replaces_a_watchlist_written_over_several_lines(tmp_path: Path) -> None:
    path = write(tmp_path, 'watchlist = [\n  "KXA-1-B51",  # the fed\n  "KXB-2-T1",\n]\nbell_free = 1\n')
    with pytest.raises(ConfigError):  # an unknown key is refused on reading ...
        load_preferences(path)
    save_watchlist(path, ["KXC-3"])  # ... but saving leaves the rest of the file alone
    assert path.read_text() == 'watchlist = ["KXC-3"]\nbell_free = 1\n'


def test_saving_refuses_a_file_that_does_not_parse(tmp_path: Path) -> None:
    path = write(tmp_path, "watchlist = [\n")
    with pytest.raises(ConfigError, match="cannot be read"):
        save_watchlist(path, ["KXA"])
    assert path.read_text() == "watchlist = [\n"


def test_watchlist_toggles_in_starring_order() -> None:
    watchlist = Watchlist(["KXB", "KXA"])
    assert watchlist.toggle("KXC") is True and list(watchlist) == ["KXB", "KXA", "KXC"]
    assert watchlist.toggle("KXB") is False and list(watchlist) == ["KXA", "KXC"]
    assert "KXA" in watchlist and "KXB" not in watchlist and len(watchlist) == 2


def test_the_dashboard_refuses_a_bad_alert_rule_in_one_line(tmp_path: Path) -> None:
    path = write(tmp_path, '[[alerts.rules]]\nmarket = "KXA-1-B51"\nlast_crosses = "high"\n')
    assert_one_line_error(run_cli(tmp_path, "--config", str(path)), "alert rule 1", "not a price in cents")
