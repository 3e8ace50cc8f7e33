"""The core's English sentences in the current language, at display time (no pygame).

The nursing core and the scoring write their messages (into the event log, the replay digest,
the scores and the stored records) in English, and they must stay so whatever the trainer's
language.  The screens show them through ``say``: a message the catalogue has whole is
translated whole; otherwise it is read from the start, a run of whole sentences at a time (the
longest that the catalogue has whole or one of the shapes matches: the core's sentences with
values in them, ``{name}`` where a value goes); the values are translated too when the
catalogue has them (a site's name, a decision, a drug), piece by piece for a list.  When several
shapes match, the one whose values all translate wins, then the most specific.  What matches
nothing is shown as the core wrote it.  In English the message is returned unchanged.

The shapes and words are this module's (the nursing core's) and the scoring feedback's, which
the scoring defines beside each criterion (sim/scoring/phrases.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from sim.i18n import N_, SOURCE_LANGUAGE, _, current_language
from sim.model.simulation import MESSAGE_SHAPES as NEEDLE_SHAPES
from sim.scenario.engine import MESSAGE_SHAPES as BODY_SHAPES
from sim.scenario.nursing import MESSAGE_SHAPES as DISCHARGE_SHAPES
from sim.scenario.steps import MESSAGE_SHAPES as STEP_SHAPES
from sim.scoring import phrases

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
    # the nursing rubric's feedback (sim/scoring/nursing.py)
    N_(
        "{n} time(s) more than {m} minutes passed without observations (the longest gap "
        "{gap}): the interval is set so a deterioration is caught early."
    ),
    N_(
        "Site(s) {sites} were not inspected with the dressing off: redness, swelling or "
        "discharge at one site is how an infection starts."
    ),
    N_("She was laid flat {t} min after her blood pressure fell (aim for {aim} min)."),
    N_(
        "After an abnormal set the observations were not repeated within {n} minutes: the "
        "next set is what shows whether she is recovering or getting worse."
    ),
    N_(
        "Direct pressure for {s} s before the Steri-Strip was given on {k} of {n} punctures: "
        "a strip over a site still oozing lets it bleed under the dressing."
    ),
    N_("You applied {k} Steri-Strips for {n} punctures: one goes over each."),
    N_("Teaching left out: {items}."),
    N_(
        "The fever threshold you taught ({t} °C) is not your local policy's ({limit} °C): "
        "she would call too late or not at all."
    ),
    N_("All {n} teaching items covered, with your local policy's fever threshold ({t} °C)."),
    N_(
        "You did not tell {who} within {n} min of the hypotension: fluids and treatment need "
        "the anaesthetist's review."
    ),
    N_("The care took {t} (par {par}, limit {limit})."),
    N_("Only {p} of the assessment was done, so time credit is scaled to it."),
    N_("Discharge teaching left out {items}: the donor could not spot or report an infection."),
    N_("{response} was not made by {t}."),
    # the harvest core's and the anaesthetist's, marked where they are written
    *NEEDLE_SHAPES,
    *BODY_SHAPES,
    *DISCHARGE_SHAPES,
    *STEP_SHAPES,
    N_("{what} (at {t}): {detail}"),
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
    # the nursing rubric's feedback (sim/scoring/nursing.py)
    N_(
        "You did not take the handover: it tells you the sites, what was taken and what to "
        "watch for."
    ),
    N_("The handover came after you had started care: take it first."),
    N_(
        "No observations were taken: blood pressure, pulse, SpO2, temperature, breathing and "
        "pain show how she is recovering."
    ),
    N_("Some sets of observations were incomplete: take every check each time."),
    N_("Analgesia was given before the pain was assessed."),
    N_(
        "The pain was not reassessed after analgesia: you cannot tell whether it worked, and "
        "'pain controlled' is a discharge criterion."
    ),
    N_("Her pain was over the discharge score and no analgesia was given."),
    N_(
        "Her pain was never assessed: collection-site pain is the commonest complaint after a "
        "harvest (clinical.md §3)."
    ),
    N_(
        "You did not ask how she has been: fever, dizziness or bleeding at home are told, not seen."
    ),
    N_("You did not take her temperature: fever is the first sign of infection."),
    N_(
        "You did not review today's blood results: a low haemoglobin explains dizziness and a "
        "fast pulse."
    ),
    N_("Assessment complete: handover, observations on time, pain assessed and reassessed."),
    N_(
        "Assessment complete: handover, observations on time, symptoms, temperature, every "
        "site and the bloods."
    ),
    N_(
        "She was not laid flat with her legs raised when her blood pressure fell: it is the "
        "quickest way to bring blood back to the heart and brain."
    ),
    N_("Fluids were given before the anaesthetist prescribed them."),
    N_("No fluids were given for the hypotension, although the anaesthetist prescribed them."),
    N_("No normal set of observations showed the hypotension had resolved."),
    N_("No observations were taken, so nothing abnormal could be acted on."),
    N_(
        "A donor sent home before she is stable can collapse on the way home, with no one to "
        "treat her."
    ),
    N_("The care ended without a discharge."),
    N_(
        "Safe: every abnormal finding was acted on and followed up, and she went home only "
        "once ready."
    ),
    N_("Safe: every abnormal finding was acted on and followed up."),
    N_("No Steri-Strips: one goes over each puncture."),
    N_("No pressure dressing: it reduces swelling, bleeding and bruising (seed page)."),
    N_("The pressure dressing went on before the Steri-Strips."),
    N_(
        "The dressing was not checked for bleeding or a haematoma after it went on: bleeding "
        "is the commonest serious complication (clinical.md §3)."
    ),
    N_(
        "The dressing was not removed: the sites cannot be seen under it, and it comes off "
        "the next day (stjude.org)."
    ),
    N_("The haematoma needed firm pressure and a fresh pressure dressing."),
    N_("Haemostasis and site care done properly."),
    N_("The dressing off and the sites cared for."),
    N_(
        "You taught before checking she was ready for discharge: teaching given to a donor "
        "who is still unwell or in pain is not taken in."
    ),
    N_("No decision was made: reassure, treat or escalate."),
    N_("You decided to escalate but did not call the doctor."),
    N_("The care was not documented: the next nurse and the clinic rely on the record."),
    N_("Escalated in time to the right person, and documented."),
    N_(
        "The pressure dressing went on before the Steri-Strips over the harvest sites: each "
        "puncture is closed first, then pressed under the dressing."
    ),
    N_(
        "The donor was taught a fever threshold that is not your local policy's, so would not "
        "call in time."
    ),
    N_("The visit ended without a decision (reassure, treat or escalate)."),
    N_("how to keep the sites clean and dry"),
    N_("redness, swelling, discharge or worsening pain: the signs she must report"),
    N_("the temperature at which to call, by your local policy"),
    N_("when and whom to call, day or night"),
    N_("that the dressing comes off at the clinic tomorrow"),
    N_("pain relief for the next 3-4 days"),
    N_("what to avoid until she is back to normal (1-7 days)"),
    N_("A required response was not made in time"),
    N_("Observations were not repeated after an abnormal set"),
    N_("The donor was discharged before it was safe"),
    N_("The next-day finding was missed"),
    N_("notify anaesthetist"),
    N_("the anaesthetist"),
    N_("stable observations (the last set normal, no alarm)"),
    N_("pain controlled (assessed, at or under the scenario's score)"),
    N_("mobilising (walking without light-headedness)"),
    N_("an adult escort home"),
    N_("the discharge criteria were not checked first"),
    N_("the hypotension had not been shown resolved by a normal set of observations"),
    N_("the discharge teaching was not complete"),
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9])")
#: A value never runs over the end of a sentence.
_VALUE = r"(?:(?![.!?]\s+[A-Z0-9]).)+?"
#: The slots that always hold a number (a count, a measure), whatever the shape.
_NUMBER_SLOTS = (
    "n k m a b d p s fresh lo hi mm ok worst mean ideal tol good drop pct least short per_kg "
    "limit_per_kg run thin deg move cd34 units mg count counted opened taught policy"
)
_NUMBERS = frozenset(_NUMBER_SLOTS.split())
_NUMBER = r"-?\d[\d.,]*%?"  # a percentage carries its sign
#: The joins of lists in the core's values, tried in this order (translated when the catalogue
#: has them); a comma list is split only when no shape matches the whole, and an 'and' list
#: only when every piece translates.
_LISTS = ("; ", *phrases.SEPARATORS[:1])
_LAST_LISTS = (", ",)
_WHOLE_LISTS = phrases.SEPARATORS[1:]
#: Units and number notation left in a value that needs no translation.
_NOTATION = re.compile(r"x10\^\d+/\w+|mL/kg|mL|mm|deg|min|kg|U|C|s")
_compiled: list[tuple[str, tuple[re.Pattern[str], ...]]] = []
#: Words the catalogue has, some the same in translation ('lateral', 'caudal').
_KNOWN = frozenset((*WORDS, *phrases.WORDS))
_cache: dict[tuple[str, str, frozenset[tuple[str, str]] | None], str] = {}


def _pattern(shape: str, greedy: bool = False) -> re.Pattern[str]:
    """``shape`` as a regular expression: each ``{name}`` a value (a repeat must be the same),
    a number for the slots that hold one; the values as short as they can be, or as long."""
    value = _VALUE[:-1] if greedy else _VALUE
    out, seen, at = [], set(), 0
    for m in re.finditer(r"\{(\w+)\}", shape):
        out.append(re.escape(shape[at : m.start()]))
        name = m.group(1)
        slot = _NUMBER if name in _NUMBERS else value
        out.append(f"(?P={name})" if name in seen else f"(?P<{name}>{slot})")
        seen.add(name)
        at = m.end()
    out.append(re.escape(shape[at:]))
    return re.compile("".join(out) + "$", re.DOTALL)


def _shapes() -> list[tuple[str, tuple[re.Pattern[str], ...]]]:
    if not _compiled:
        every = dict.fromkeys((*SHAPES, *phrases.SHAPES))
        # the most specific first: the most text of their own
        ordered = sorted(every, key=lambda shape: -len(re.sub(r"\{\w+\}", "", shape)))
        _compiled.extend((shape, (_pattern(shape), _pattern(shape, True))) for shape in ordered)
    return _compiled


def _whole(text: str, words: Mapping[str, str] | None = None) -> str | None:
    """``text`` from the scenario's ``words`` or the catalogue, also when the core capitalised
    it; else None."""
    if not text:
        return None
    if words and text in words:
        return words[text]
    found = _(text)
    if found != text:
        return found
    low = text[:1].lower() + text[1:]
    found = _(low)
    if low != text and found != low:
        return found[:1].upper() + found[1:]
    return None


def _plain(text: str) -> bool:
    """Whether ``text`` needs no translation: numbers, times and units only."""
    return not re.search(r"[A-Za-z]", _NOTATION.sub("", text))


def _value(text: str, words: Mapping[str, str] | None = None) -> str:
    whole = _whole(text, words)
    if whole is not None:
        return whole
    shaped = _shaped(text, every_value=True, words=words)
    if shaped is not None:
        return shaped
    for sep in _LISTS:
        if sep in text:
            return _(sep).join(_value(part, words) for part in text.split(sep))
    shaped = _shaped(text, words=words)
    if shaped is not None:
        return shaped
    for sep in _LAST_LISTS:
        if sep in text:
            return _(sep).join(_value(part, words) for part in text.split(sep))
    for sep in _WHOLE_LISTS:
        if sep in text:
            parts = text.split(sep)
            said = [_value(part, words) for part in parts]
            if all(_translated(p, q) for p, q in zip(parts, said, strict=True)):
                return _(sep).join(said)
    return text


def _translated(english: str, shown: str) -> bool:
    return shown != english or english in _KNOWN or _plain(english)


def _shaped(
    text: str, every_value: bool = False, words: Mapping[str, str] | None = None
) -> str | None:
    """``text`` by the shape it matches (the one whose values all translate, else the most
    specific), its values translated; None when it matches none (or, with ``every_value``,
    none whose values all translate)."""
    best: tuple[int, str] | None = None
    low = text[:1].lower() + text[1:]
    for shape, patterns in _shapes():
        for rx in patterns:
            m = rx.match(text) or (rx.match(low) if low != text else None)
            if not m:
                continue
            found = {k: v for k, v in m.groupdict().items() if v is not None}
            values = {k: _value(v, words) for k, v in found.items()}
            left = sum(not _translated(v, values[k]) for k, v in found.items())
            out = _(shape).format(**values)
            out = out[:1].upper() + out[1:] if text[:1].isupper() else out
            if left == 0:
                return out
            if best is None or left < best[0]:
                best = (left, out)
    return None if every_value else (best[1] if best else None)


def _sentence_ends(message: str) -> list[int]:
    return [m.start() for m in _SENTENCE_END.finditer(message)] + [len(message)]


def say(message: str, words: Mapping[str, str] | None = None) -> str:
    """The core's ``message`` in the current language, as far as the catalogue has it.

    ``words`` (``Scenario.words()``) are the scenario's own texts, English to the current
    language: an event's message, the handover, a site's label, a variant's why."""
    if not message or current_language() == SOURCE_LANGUAGE:
        return message
    key = (current_language(), message, frozenset(words.items()) if words else None)
    if key not in _cache:
        if len(_cache) > 4096:
            _cache.clear()
        _cache[key] = _THOUSANDS.sub(_no_thousands, _say(message, words))
    return _cache[key]


#: The core writes volumes of 1000 mL and more as '1,050 mL'; in Spanish a comma is the
#: decimal mark ('1,050' reads as one and a bit), so they are shown as the screens write them.
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:,\d{3})+(?![\d,]|\.\d)")


def _no_thousands(m: re.Match[str]) -> str:
    return m.group(0).replace(",", "")


def _say(message: str, words: Mapping[str, str] | None = None) -> str:
    whole = _whole(message, words)
    if whole is not None:
        return whole
    out: list[str] = []
    start = 0
    ends = _sentence_ends(message)
    while start < len(message):
        later = [e for e in ends if e > start]
        for end in reversed(later):  # the longest run of whole sentences that translates
            run = message[start:end]
            found = _whole(run, words) or _shaped(run, words=words)
            if found is not None:
                break
        else:
            end = later[0]
            found = message[start:end]
        out.append(found)
        start = end
        while start < len(message) and message[start].isspace():
            start += 1
    return " ".join(out)
