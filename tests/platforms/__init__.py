"""The platform test bed (issue 15): real third-party platforms served on 127.0.0.1, each with
a small catalogue and a campaign of planted defects and healthy controls (docs/platforms.md).
"""
