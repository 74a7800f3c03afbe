"""The README explains the project by itself: a clone has nothing beside it."""

from pathlib import Path

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_the_readme_links_nothing_outside_the_repository():
    assert "../" not in README
    assert "DESIGN.md" not in README


def test_the_readme_says_what_the_project_is_and_how_it_works():
    for heading in (
        "## Who uses it",
        "## The core loop",
        "## The apps",
        "### Commands",
        "### Addresses",
        "## Configuration",
    ):
        assert heading in README


def test_the_readme_lists_every_demo_account_the_scammer_included():
    from demo.content import PEOPLE

    for username, *_rest in PEOPLE:
        assert f"`{username}`" in README, username
    assert "the scammer" in README


def test_the_readme_lists_every_setting_the_code_reads():
    import re

    settings_source = (Path(__file__).resolve().parents[2] / "config" / "settings.py").read_text()
    names = set(re.findall(r'env_\w+\(\s*"((?:HANDOFF|DJANGO)_[A-Z_]+)"', settings_source))
    missing = sorted(name for name in names if f"`{name}`" not in README)
    assert missing == []
