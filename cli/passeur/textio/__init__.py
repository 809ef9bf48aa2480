"""The I/O edge: reading inputs in any encoding, writing outputs atomically, rendering results, the JSON Lines stream."""
