"""The collection bag: what every syringe emptied into it adds up to."""

from __future__ import annotations

from dataclasses import dataclass

from sim.model.marrow import Sample


@dataclass
class CollectionBag:
    recipient_weight_kg: float
    volume_ml: float = 0.0
    marrow_ml: float = 0.0
    tnc: float = 0.0
    cd34: float = 0.0

    def add(self, sample: Sample) -> None:
        self.volume_ml += sample.volume_ml
        self.marrow_ml += sample.marrow_ml
        self.tnc += sample.tnc
        self.cd34 += sample.cd34

    @property
    def tnc_per_ml(self) -> float:
        return self.tnc / self.volume_ml if self.volume_ml > 0 else 0.0

    @property
    def tnc_per_kg_recipient(self) -> float:
        return self.tnc / self.recipient_weight_kg

    @property
    def cd34_per_kg_recipient(self) -> float:
        return self.cd34 / self.recipient_weight_kg
