"""Defence Timeline: a desktop viewer for defence and security policy events."""

__version__ = "0.1.0"
APP_NAME = "Defence Timeline"
