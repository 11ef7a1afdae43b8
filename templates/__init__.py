"""The shipped templates: HTML and Word templates, shared CSS, the web pages' templates.

Package data of the installed wheel (docgen.templates); see docgen.config.shipped."""
