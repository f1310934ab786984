"""From a flip to a message: the deadline sweep, the queue, delivery with
retries, what a message says, and one transport per channel kind."""
