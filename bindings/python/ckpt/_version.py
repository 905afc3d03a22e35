"""The binding's version: its major must equal the loaded libckpt's major."""

__version__ = "1.0.0"
