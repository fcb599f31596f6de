from django.db import models


class Tally(models.Model):
    """One change to a count kept by a database trigger (``core/tally.py``): a row of a counted
    table entered (+1) or left (-1) the group ``value`` of ``counter`` within ``scope``."""

    counter = models.CharField(max_length=40)
    scope = models.CharField(max_length=40, blank=True)
    value = models.CharField(max_length=40, null=True, blank=True)
    delta = models.IntegerField()

    class Meta:
        # Every read is a sum by value of one counter's scope: read from this index alone.
        indexes = [models.Index(fields=["counter", "scope", "value", "delta"], name="tally_sum")]

    def __str__(self):
        return f"{self.counter} {self.scope} {self.value}: {self.delta:+d}"
