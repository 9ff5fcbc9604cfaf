"""The activity library: content as data (library/*.yaml), its schema, and pure engines per kind."""
