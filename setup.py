"""Packaging that pyproject.toml cannot say: templates/ and forms/ live at the top of the checkout
(beside docgen/ and api/) and ship inside the wheel as the packages docgen.templates and
docgen.forms, found at run time through importlib.resources (docgen.config.shipped)."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["docgen*", "api*"]), "docgen.templates", "docgen.forms"],
    package_dir={"docgen.templates": "templates", "docgen.forms": "forms"},
)
