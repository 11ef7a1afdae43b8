"""The shipped court forms: one folder each, with its spec, like-effect layout and field map.

Package data of the installed wheel (docgen.forms); see docgen.config.shipped."""
