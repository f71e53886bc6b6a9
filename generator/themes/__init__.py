"""One vocabulary of themes for all content: rules, tagging, the catalog, evaluation."""
