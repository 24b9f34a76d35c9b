"""graphcrm: who decides a customer's purchase, who influences whom, and which of
our people hold which relationships, how deeply."""

__version__ = "0.1.0"
