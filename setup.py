"""The package list: bot and adapters as found, plus the built-in content pack (content/, kept at
the top of the repository for contributors) shipped as bot/content/pack; pyproject.toml has the
rest. A list computed here keeps new feature packages from being left out of the wheel."""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["bot", "bot.*", "adapters", "adapters.*"]),
        "bot.content.pack",
    ]
)
