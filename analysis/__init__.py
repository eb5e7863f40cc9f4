"""Air-defense statistics from the public record of Russian missile and drone attacks."""

__version__ = "0.1.0"
