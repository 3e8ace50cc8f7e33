"""Tissue kinds along a needle track, and which of them are danger zones."""

from __future__ import annotations

from enum import StrEnum

from sim.vocabulary.events import INNER_TABLE_BREACH, SCIATIC_NOTCH_ZONE, SI_JOINT_ENTRY


class Tissue(StrEnum):
    """What the needle tip can be in."""

    AIR = "air"
    SKIN = "skin"
    FAT = "fat"
    MUSCLE = "muscle"
    OUTER_CORTEX = "outer_cortex"
    MARROW = "marrow"
    INNER_CORTEX = "inner_cortex"
    PELVIS = "pelvis"
    SI_JOINT = "si_joint"
    SCIATIC_NOTCH = "sciatic_notch"

    @property
    def is_soft(self) -> bool:
        """Soft tissue in front of the bone, where the needle may be redirected."""
        return self in (Tissue.SKIN, Tissue.FAT, Tissue.MUSCLE)

    @property
    def is_bone(self) -> bool:
        return self in (Tissue.OUTER_CORTEX, Tissue.MARROW, Tissue.INNER_CORTEX)

    @property
    def is_cortex(self) -> bool:
        return self in (Tissue.OUTER_CORTEX, Tissue.INNER_CORTEX)

    @property
    def label(self) -> str:
        """Plain-language name for trainees."""
        return _LABELS[self]


_LABELS = {
    Tissue.AIR: "outside the body",
    Tissue.SKIN: "skin",
    Tissue.FAT: "subcutaneous fat",
    Tissue.MUSCLE: "muscle (outside the bone)",
    Tissue.OUTER_CORTEX: "outer cortical table",
    Tissue.MARROW: "marrow cavity",
    Tissue.INNER_CORTEX: "inner cortical table",
    Tissue.PELVIS: "pelvic cavity (beyond the inner table)",
    Tissue.SI_JOINT: "sacroiliac joint / sacrum",
    Tissue.SCIATIC_NOTCH: "greater sciatic notch (gluteal vessels, sciatic nerve)",
}

#: What a pull brings back with the tip in each tissue outside the marrow (clinical.md §3: the SI
#: joint and sacrum; beyond the inner table the iliac vessels and retroperitoneum; the notch's
#: gluteal vessels).  Soft tissue and cortex give a dry tap (or a little tissue fluid).
ASPIRATE_OUTSIDE_MARROW = {
    Tissue.SI_JOINT: "nothing usable",
    Tissue.PELVIS: "blood",
    Tissue.SCIATIC_NOTCH: "blood",
}

#: Entering these tissues is a critical error, with the code named here.
CRITICAL_TISSUES = {
    Tissue.PELVIS: INNER_TABLE_BREACH,
    Tissue.SI_JOINT: SI_JOINT_ENTRY,
    Tissue.SCIATIC_NOTCH: SCIATIC_NOTCH_ZONE,
}
