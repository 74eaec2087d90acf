"""GML plumbing shared by the readers and the synthetic writers: namespaces, XXE-safe
parsing, CRS axis-order handling and offline schema validation."""
