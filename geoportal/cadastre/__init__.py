"""The land and building register (EGiB): identifiers, data tables and the rules behind them."""
