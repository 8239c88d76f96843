"""Yankao (研考): a platform for a city's Research, Development and Evaluation Commission."""

__version__ = "0.1.0"
