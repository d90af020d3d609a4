"""The PySide6 desktop app. The only package in the project that imports Qt."""
