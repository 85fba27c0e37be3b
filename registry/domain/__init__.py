"""The registry's domain: records of processing as plain dataclasses, with no I/O."""
