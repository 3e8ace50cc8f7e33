"""The core's English sentences in the current language, at display time (no pygame).

The nursing core writes its messages (into the event log, the replay digest and the stored
records) in English, and they must stay so whatever the trainer's language.  The screens show
them through ``say``: a message the catalogue has whole is translated whole; otherwise each of
its sentences is, whole or by one of the shapes below (the core's sentences with values in
them, ``{name}`` where a value goes); the values are translated too when the catalogue has them
(a site's name, a decision, a drug), piece by piece for a comma list.  What matches nothing is
shown as the core wrote it.  In English the message is returned unchanged.
"""

from __future__ import annotations

import re

from sim.i18n import N_, SOURCE_LANGUAGE, _, current_language

#: The core's sentences with values (sim/scenario/nursing.py, in the order it says them).
SHAPES = (
    N_("Abnormal: {readings}."),
    N_("Repeat the observations within {n} minutes."),
    N_("She scores the pain {score}/10 over the harvest sites."),
    N_(
        "She scores the pain {score}/10 over the harvest sites: that is not controlled; "
        "give analgesia as prescribed."
    ),
    N_("Bleeding at site {sites}."),
    N_("A swelling (haematoma) at site {sites}."),
    N_("The dressing covers {site}: remove it to inspect the site."),
    N_("Temperature {t} °C."),
    N_("Temperature {t} °C: at or over your local policy's threshold ({limit} °C)."),
    N_("Blood results: {results}."),
    N_("Pressure on {site} for {s} s: the bleeding has stopped."),
    N_("Pressure on {site} for {s} s."),
    N_("{drug} given as prescribed; it should work in about {n} minutes."),
    N_("You tell the anaesthetist: {summary}."),
    N_("You call the doctor and summarise: {summary}."),
    N_("{ml} mL crystalloid running as the anaesthetist prescribed."),
    N_("{ml} mL crystalloid running: fluids need the anaesthetist's prescription."),
    N_("Decision: {decision}."),
    N_(
        "The abnormal observations were not repeated within {n} minutes: after hypotension "
        "the next set shows whether she is recovering or getting worse."
    ),
    N_("{site}: {findings}."),  # the most general last
    # the pieces of a comma list
    N_("systolic BP {v} mmHg (low)"),
    N_("systolic BP {v} mmHg (high)"),
    N_("diastolic BP {v} mmHg (low)"),
    N_("diastolic BP {v} mmHg (high)"),
    N_("heart rate {v} /min (low)"),
    N_("heart rate {v} /min (high)"),
    N_("SpO2 {v} % (low)"),
    N_("respiratory rate {v} /min (low)"),
    N_("respiratory rate {v} /min (high)"),
    N_("temperature {v} °C (high)"),
    N_("temperature {v} °C (low)"),
    N_("heart rate {v}"),
    N_("BP {v} mmHg"),
    N_("bleeding ({how})"),
    N_("hb g l {v}"),
    N_("wbc per nl {v}"),
    N_("crp mg l {v}"),
)
#: Whole sentences and words of the core's, for the catalogue (looked up as they are).
WORDS = (
    N_("Observations within the alarm limits."),
    N_("No dressing yet: the sites are bare."),
    N_("The dressing is dry and intact."),
    N_("There is fresh blood on the dressing."),
    N_("The dressing is soaked with blood."),
    N_("The dressing is off."),
    N_("No blood results for today."),
    N_("She lies prone."),
    N_("She lies on her back."),
    N_("She lies flat with her legs raised."),
    N_("The pressure dressing is off; the Steri-Strips stay on the sites."),
    N_("The bolus is running in."),
    N_("You write up the care, the observations and the teaching."),
    N_("Ready for discharge: every criterion holds."),
    N_("She goes home with her escort."),
    N_("clean and dry, no redness, swelling or discharge"),
    N_("redness"),
    N_("swelling"),
    N_("discharge"),
    N_("tender"),
    N_("a haematoma"),
    N_("left posterior iliac crest, upper"),
    N_("left posterior iliac crest, lower"),
    N_("right posterior iliac crest, upper"),
    N_("right posterior iliac crest, lower"),
    N_("Paracetamol"),
    N_("Ibuprofen"),
    N_("Oral opioid"),
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_compiled: list[tuple[str, re.Pattern[str]]] = []


def _shapes() -> list[tuple[str, re.Pattern[str]]]:
    if not _compiled:
        for shape in SHAPES:
            rx = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(shape))
            _compiled.append((shape, re.compile(rx + "$")))
    return _compiled


def _whole(text: str) -> str | None:
    """``text`` from the catalogue, also when the core capitalised it; else None."""
    if not text:
        return None
    found = _(text)
    if found != text:
        return found
    low = text[:1].lower() + text[1:]
    found = _(low)
    if low != text and found != low:
        return found[:1].upper() + found[1:]
    return None


def _value(text: str) -> str:
    whole = _whole(text)
    if whole is not None:
        return whole
    if ", " in text:
        return ", ".join(_value(part) for part in text.split(", "))
    return _shaped(text) or text


def _shaped(text: str) -> str | None:
    for shape, rx in _shapes():
        m = rx.match(text)
        if m:
            values = {k: _value(v) for k, v in m.groupdict().items()}
            out = _(shape).format(**values)
            return out[:1].upper() + out[1:] if text[:1].isupper() else out
    return None


def say(message: str) -> str:
    """The core's ``message`` in the current language, as far as the catalogue has it."""
    if not message or current_language() == SOURCE_LANGUAGE:
        return message
    whole = _whole(message)
    if whole is not None:
        return whole
    sentences = _SENTENCE_END.split(message)
    if len(sentences) > 1:
        return " ".join(say(s) for s in sentences)
    return _shaped(message) or message
