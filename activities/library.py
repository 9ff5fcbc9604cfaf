"""Load and check the activity library: `library/<slug>.yaml` files plus `emotions.yaml`.

Every problem is collected (not just the first) as a `Problem(file, field, reason)`, where `field`
is a dotted path into the file such as `settings.fields.1.type`. Loading functions raise
`LibraryError` carrying all problems; `check_paths` returns them for the CLI.

The packaged library also loads the scored measures (`measures/<id>.yaml`, activities/instruments.py):
a broken instrument stops start-up like a broken activity, and a measure naming an unknown
instrument is a problem of that activity file; the same for the practice guides (`guides/<slug>.yaml`,
activities/guides.py) and an activity naming an unknown guide. Problems and the bounded read:
activities/problems.py; the emotions file's model: activities/emotions.py.

Files are read by `yaml_reader` (bounded size, depth and node count; no anchors, aliases, tags or
repeated keys), the same reader that facilitators' uploads go through.
"""
from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from . import guides, instruments
from .emotions import EmotionFamily, EmotionsFile, validate_emotions
from .problems import FILE_FIELD, MAX_FILE_BYTES, LibraryError, Problem, pydantic_problems, read_yaml
from .schema import Activity, ActivityAdapter, ActivityBase

__all__ = [
    "EMOTIONS_PATH",
    "LIBRARY_DIR",
    "MAX_FILE_BYTES",
    "EmotionFamily",
    "EmotionsFile",
    "Library",
    "LibraryError",
    "Problem",
    "check_paths",
    "expand_paths",
    "instrument_problems",
    "load_emotions",
    "load_file",
    "load_library",
]

PACKAGE_DIR = Path(__file__).resolve().parent
LIBRARY_DIR = PACKAGE_DIR / "library"
EMOTIONS_PATH = PACKAGE_DIR / "emotions.yaml"
EMOTIONS_NAMES = ("emotions.yaml", "emotions.yml")
SUFFIXES = (".yaml", ".yml")

# Display order of categories: the order of the catalogue (frame first), not alphabetical.
CATEGORIES: tuple[str, ...] = typing.get_args(ActivityBase.model_fields["category"].annotation)


# ---- the library object -------------------------------------------------------------------


class Library:
    """The loaded, validated activities (by slug) and emotion families."""

    def __init__(self, activities: Iterable[Activity], emotions: EmotionsFile | None = None):
        self._by_slug: dict[str, Activity] = {}
        for activity in activities:
            if activity.slug in self._by_slug:
                raise ValueError(f"duplicate slug {activity.slug!r}")
            self._by_slug[activity.slug] = activity
        self.emotions: tuple[EmotionFamily, ...] = tuple(emotions.families) if emotions else ()
        self.emotions_intro: str = emotions.intro if emotions else ""

    def get(self, slug: str) -> Activity | None:
        """The activity with this slug, or None."""
        return self._by_slug.get(slug)

    def all(self) -> list[Activity]:
        """Every activity, sorted by category (catalogue order) then title."""
        return sorted(self._by_slug.values(), key=_sort_key)

    def by_kind(self, kind: str) -> list[Activity]:
        """Activities of one kind (round, form, ...), in the order of `all()`."""
        return [a for a in self.all() if a.kind == kind]

    def by_category(self, category: str) -> list[Activity]:
        return [a for a in self.all() if a.category == category]

    def emotion_family(self, word: str) -> EmotionFamily | None:
        """The family a feeling word belongs to (case-insensitive), or None for the person's own word."""
        key = word.strip().casefold()
        for fam in self.emotions:
            if any(w.casefold() == key for w in fam.words):
                return fam
        return None

    def distress_families(self) -> dict[str, str]:
        """{family id: how it weighs a check-in's intensity}, the form engine's start option."""
        return {fam.id: fam.distress for fam in self.emotions}

    def __getitem__(self, slug: str) -> Activity:
        return self._by_slug[slug]

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug

    def __iter__(self) -> Iterator[Activity]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self._by_slug)

    def __repr__(self) -> str:
        return f"<Library {len(self)} activities, {len(self.emotions)} emotion families>"


def _sort_key(a: Activity) -> tuple[int, str, str]:
    cat = CATEGORIES.index(a.category) if a.category in CATEGORIES else len(CATEGORIES)
    return (cat, a.title.casefold(), a.slug)


# ---- reading one file ---------------------------------------------------------------------


def _validate_activity(path: Path, data: Any) -> tuple[Activity | None, list[Problem]]:
    name = str(path)
    if not isinstance(data, dict):
        got = "an empty file" if data is None else f"a {type(data).__name__}"
        return None, [Problem(name, FILE_FIELD, f"top level must be a mapping of fields, got {got}")]
    problems: list[Problem] = []
    activity = None
    try:
        activity = ActivityAdapter.validate_python(data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(name, exc, data))
    problems.extend(_instrument_problem(name, activity))
    problems.extend(Problem(name, "guides", f"unknown guide {g!r}; expected one of {', '.join(guides.shipped())}")
                    for g in guides.unknown(list(activity.guides) if activity else []))
    slug = data.get("slug")
    if isinstance(slug, str) and slug.strip() != path.stem:
        problems.append(Problem(name, "slug", f"slug {slug.strip()!r} does not match the file name "
                                              f"{path.name!r} (expected {path.stem!r})"))
    return (activity if not problems else None), problems


def _instrument_problem(name: str, activity: Activity | None) -> list[Problem]:
    """A measure must name a shipped instrument (a broken instrument file is reported by
    ``instrument_problems``, once, not under every activity that names it)."""
    if activity is None or activity.kind != "measure":
        return []
    try:
        known = instruments.shipped()
    except instruments.InstrumentError:
        return []
    if activity.settings.instrument in known:
        return []
    return [Problem(name, "settings.instrument", f"unknown instrument {activity.settings.instrument!r}; "
                                                 f"expected one of {', '.join(sorted(known))}")]


def instrument_problems(directory: Path = instruments.MEASURES_DIR) -> list[Problem]:
    """Every problem in the measure files (activities/measures/*.yaml), as library problems."""
    try:
        instruments.load(directory)
    except instruments.InstrumentError as exc:
        problems = []
        for line in str(exc).splitlines():
            file, _, rest = line.partition(": ")
            field, _, reason = rest.partition(": ")
            problems.append(Problem(str(directory / file), field or FILE_FIELD, reason or rest))
        return problems
    return []


def guide_problems(directory: Path = guides.GUIDES_DIR) -> list[Problem]:
    """Every problem in the practice guides (activities/guides/*.yaml), as library problems."""
    try:
        guides.load(directory)
    except guides.GuideError as exc:
        return [Problem(str(directory / file), *(rest.split(": ", 1) if ": " in rest else (FILE_FIELD, rest)))
                for file, _, rest in (line.partition(": ") for line in str(exc).splitlines())]
    return []


def _check_activity_file(path: Path) -> tuple[Activity | None, Any, list[Problem]]:
    data, problems = read_yaml(path)
    if problems:
        return None, None, problems
    activity, problems = _validate_activity(path, data)
    return activity, data, problems


def _is_emotions_file(path: Path) -> bool:
    return path.name in EMOTIONS_NAMES


# ---- public loading API -------------------------------------------------------------------


def load_file(path: str | Path) -> Activity:
    """Load and validate one activity file. Raises LibraryError naming the file and fields."""
    activity, _, problems = _check_activity_file(Path(path))
    if problems or activity is None:
        raise LibraryError(problems)
    return activity


def load_emotions(path: str | Path = EMOTIONS_PATH) -> EmotionsFile:
    """Load and validate an emotions file. Raises LibraryError."""
    path = Path(path)
    data, problems = read_yaml(path)
    emotions = None
    if not problems:
        emotions, problems = validate_emotions(path, data)
    if problems or emotions is None:
        raise LibraryError(problems)
    return emotions


def _activity_files(directory: Path) -> list[Path]:
    return sorted(
        p for p in directory.iterdir()
        if p.suffix in SUFFIXES and not p.name.startswith(".") and not _is_emotions_file(p)
    )


def _find_emotions(directory: Path) -> Path | None:
    for base in (directory, directory.parent):
        for name in EMOTIONS_NAMES:
            if (base / name).is_file():
                return base / name
    return None


def load_library(directory: str | Path = LIBRARY_DIR, *, emotions_path: str | Path | None = None) -> Library:
    """Load every `*.yaml` activity in `directory` plus the emotion families; all-or-nothing.

    `emotions_path`: when None, `emotions.yaml` is looked for in `directory`, then in its parent
    (the package layout: activities/emotions.yaml next to activities/library/); when absent there
    the library simply has no emotion families. For the packaged library, it is required.
    Raises LibraryError with every problem found in every file.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise LibraryError([Problem(str(directory), FILE_FIELD, "not a directory")])
    problems: list[Problem] = []
    if directory.resolve() == LIBRARY_DIR:  # the packaged library: its instruments must load too
        problems.extend(instrument_problems())
        problems.extend(guide_problems())
    activities: list[Activity] = []
    seen: dict[str, Path] = {}
    for path in _activity_files(directory):
        activity, data, file_problems = _check_activity_file(path)
        problems.extend(file_problems)
        problems.extend(_duplicate_problem(path, data, seen))
        if activity is not None and not file_problems:
            activities.append(activity)
    if emotions_path is None:
        found = _find_emotions(directory)
        if found is None and directory.resolve() == LIBRARY_DIR:
            problems.append(Problem(str(EMOTIONS_PATH), FILE_FIELD, "no such file"))
    else:
        found = Path(emotions_path)
    emotions = None
    if found is not None:
        try:
            emotions = load_emotions(found)
        except LibraryError as exc:
            problems.extend(exc.problems)
    if problems:
        raise LibraryError(problems)
    return Library(activities, emotions)


def _duplicate_problem(path: Path, data: Any, seen: dict[str, Path]) -> list[Problem]:
    if not isinstance(data, dict) or not isinstance(data.get("slug"), str):
        return []
    slug = data["slug"].strip()
    if slug in seen:
        return [Problem(str(path), "slug", f"duplicate slug {slug!r} (also used by {seen[slug]})")]
    seen[slug] = path
    return []


# ---- checking (CLI) -----------------------------------------------------------------------


def expand_paths(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Expand files and directories into the files to check (directories: their *.yaml/*.yml).

    Returns (files, problems) where problems cover paths that do not exist or empty directories.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in SUFFIXES and not p.name.startswith("."))
            if not found:
                problems.append(Problem(str(path), FILE_FIELD, "no .yaml files in this directory"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(str(path), FILE_FIELD, "no such file or directory"))
    unique: list[Path] = []
    for f in files:
        if f.resolve() not in {u.resolve() for u in unique}:
            unique.append(f)
    return unique, problems


def check_paths(paths: Iterable[str | Path]) -> list[Problem]:
    """Check activity files and directories (and any emotions.yaml among them); never raises.

    Slugs must match file names and be unique across everything checked together.
    """
    files, problems = expand_paths(paths)
    seen: dict[str, Path] = {}
    for path in files:
        if _is_emotions_file(path):
            data, file_problems = read_yaml(path)
            if not file_problems:
                _, file_problems = validate_emotions(path, data)
            problems.extend(file_problems)
            continue
        _, data, file_problems = _check_activity_file(path)
        problems.extend(file_problems)
        problems.extend(_duplicate_problem(path, data, seen))
    return problems
