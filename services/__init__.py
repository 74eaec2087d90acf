"""OGC adapters: engine configuration generation, MapServer, MapProxy and pygeoapi apps."""
