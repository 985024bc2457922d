"""Django-free helpers (不依赖 Django 的工具函数)."""
