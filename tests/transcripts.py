"""Replay the recorded PyTorch 2.13 transcripts against a module standing in for ``torch``.

The transcripts in tests/reference/ (copied from ../shared/reference/) record, statement by
statement, what real PyTorch printed, warned and raised. This module parses them into
sections of statements (``all_sections``), re-runs a section with a chosen module bound to ``torch``
(``replay_section``) and reports every statement whose outcome differs
(``format_mismatches``); ``assert_replays`` does all three for a pytest test::

    import transcripts
    for section in transcripts.all_sections():
        transcripts.assert_replays(section, "gradnb")   # or "torch" to check the harness

Replay rules:
- each section runs in a fresh namespace holding ``torch`` (the chosen module), ``np`` and
  ``sys``; ``import torch.x`` / ``from torch.x import y`` inside it resolve to the chosen
  module through a namespace-local ``__import__`` (sys.modules['torch'] is never touched);
- statements run in order, REPL-style (``compile(..., "single")``: an expression statement,
  also one inside a compound statement, echoes ``repr(value)`` unless it is None);
- per statement we capture stdout, every warning (filter 'always': category, message and,
  for the article transcript, the ``<article>:N`` line it is attributed to) and the
  exception, then continue with the next statement as the recording did;
- both sides are normalised the same way: addresses ``0x...`` become ``0x<ADDR>`` and
  PyTorch's `` (Triggered internally at ...)`` tail is dropped; trailing newlines of stdout
  are dropped because the transcript format cannot show them. Nothing else is forgiven,
  except the statements listed in ``ONCE_ONLY`` and float rounding: printed numbers may
  differ where a value sits on a rounding boundary, since float kernels differ in the
  last bits from one CPU to another (``printed.printed_difference``, text only: a
  4-decimal number may change its last digit by one, every other number must be equal
  up to float32's tolerance; warnings and exceptions stay exact).
- the single source rewrite: for a substitute module, the code string that one statement
  hands to a child Python process says ``import <module> as torch`` instead of
  ``import torch`` (see ``_rewrite_child_code``).
"""

from __future__ import annotations

import builtins
import contextlib
import difflib
import dis
import importlib
import io
import os
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy

from printed import printed_difference

# A copy of the reference travels with the repository, so a fresh clone tests on its own.
REFERENCE_DIR = Path(
    os.environ.get(
        "GRADNB_REFERENCE_DIR",
        Path(__file__).resolve().parent / "reference",
    )
)
TRANSCRIPT_FILES = (
    "torch-2.13-article-transcript.txt",
    "torch-2.13-semantics-transcript.txt",
)

# Filename the statements are compiled under: the article records warning locations as
# "<article>:N", where line 1 is an implicit `import torch` and statements follow it.
CODE_FILENAME = "<article>"

# Statements whose recorded outcome depends on process-wide once-only state, keyed by
# (section title, statement source). For these, the recorded warnings may also be absent.
ONCE_ONLY = {
    (
        "[1 misuse] .numpy() on tensor that requires grad",
        "float(torch.ones(2, requires_grad=True))",
    ): "C++ TORCH_WARN_ONCE: the requires_grad-to-scalar warning fires once per process, "
    "so it is missing if anything earlier in this pytest process converted such a tensor",
}


# ---------------------------------------------------------------------------------------
# Data model


@dataclass(frozen=True)
class Warn:
    """One warning record: category name, message, and where it was attributed to."""

    category: str
    message: str
    location: str | None  # "<article>:N"; None where the transcript does not record it


@dataclass(frozen=True)
class Outcome:
    """What one statement printed, warned and raised."""

    stdout: str
    warnings: tuple[Warn, ...] = ()
    exception: tuple[str, str] | None = None  # (type name, message)


@dataclass(frozen=True)
class Statement:
    """A `>>>` line plus its `...` continuation lines, and its recorded outcome."""

    source: str
    first_line: int  # line in the section's code; line 1 is the implicit `import torch`
    file_line: int  # line of the `>>>` in the transcript file, for reports
    expected: Outcome


@dataclass(frozen=True)
class Section:
    """Statements under one `##`/`###` heading; replayed in one fresh namespace."""

    transcript: str  # file name
    index: int
    title: str
    statements: tuple[Statement, ...]
    qualified_names: bool  # "builtins.UserWarning" (article) rather than "UserWarning"
    locations: bool  # warnings carry "(raised at <article>:N)"

    @property
    def id(self) -> str:
        """Short unique id for pytest, e.g. ``article-03 (c) FloatTensor + Variable``."""
        short = re.sub(r"^torch-[\d.]+-|-transcript\.txt$", "", self.transcript)
        return f"{short}-{self.index:02d} {self.title}"


@dataclass(frozen=True)
class Mismatch:
    """A statement whose replayed outcome differs from the recording."""

    statement: Statement
    got: Outcome


# ---------------------------------------------------------------------------------------
# Parsing

_RULER = re.compile(r"^(?:={10,}|-{10,})$")
_HEADING = re.compile(r"^#{2,3} (?P<title>.*)$")
_RECORD = re.compile(
    r"^\[(?P<kind>WARNING|EXCEPTION)(?: (?P<qualname>[^\]]+))?\] ?(?P<rest>.*)$"
)
_BARE_NAME = re.compile(r"^(?P<name>[\w.]+)(?:: (?P<message>.*))?$")
_LOCATION = re.compile(r"^\s+\(raised at (?P<location>.+:\d+)\)$")


def all_sections() -> list[Section]:
    """Every section of every reference transcript, in file order."""
    return [s for name in TRANSCRIPT_FILES for s in load(REFERENCE_DIR / name)]


def load(path: Path) -> list[Section]:
    """Parse one transcript file into its sections."""
    if not path.is_file():
        raise FileNotFoundError(
            f"reference transcript {path} not found; set GRADNB_REFERENCE_DIR to the "
            "directory holding the torch-2.13-*-transcript.txt files"
        )
    lines = path.read_text(encoding="utf-8").splitlines()
    # Both flags are properties of the whole file: the article writes qualified names
    # and warning locations, the semantics transcript neither.
    qualified = any(m and m["qualname"] for m in map(_RECORD.match, lines))
    located = any(_LOCATION.match(line) for line in lines)
    return [
        Section(path.name, index, title, _parse_statements(body, first), qualified, located)
        for index, (title, first, body) in enumerate(_split_sections(lines), start=1)
    ]


def _split_sections(lines: list[str]) -> list[tuple[str, int, list[str]]]:
    """(title, file line of first body line, body lines) per section.

    A section starts at a ruler followed by a heading (the article also closes its heading
    with a second ruler). Lines before the first section are the file's header comment.
    """
    sections: list[tuple[str, int, list[str]]] = []
    i = 0
    while i < len(lines):
        heading = _HEADING.match(lines[i + 1]) if i + 1 < len(lines) else None
        if _RULER.match(lines[i]) and heading:
            i += 2
            if i < len(lines) and _RULER.match(lines[i]):
                i += 1
            sections.append((heading["title"], i + 1, []))
        else:
            if sections:
                sections[-1][2].append(lines[i])
            i += 1
    return sections


def _parse_statements(body: list[str], first_file_line: int) -> tuple[Statement, ...]:
    """Group a section body into statements with their recorded outcomes."""
    # Blank lines after the last outcome only separate sections (the recorder strips
    # trailing newlines from stdout, so no outcome ends with a blank line).
    while body and not body[-1].strip():
        body = body[:-1]
    statements: list[Statement] = []
    code_line = 2  # line 1 of every section's code is the implicit `import torch`
    i = 0
    while i < len(body):
        if not body[i].strip() and not statements:
            i += 1
            continue
        if not _is_prompt(body[i], ">>>"):
            raise ValueError(f"line {first_file_line + i}: expected '>>>', got {body[i]!r}")
        start = i
        source = [body[i][4:]]
        i += 1
        while i < len(body) and _is_prompt(body[i], "..."):
            source.append(body[i][4:])
            i += 1
        outcome_start = i
        while i < len(body) and not _is_prompt(body[i], ">>>"):
            i += 1
        expected = _parse_outcome(body[outcome_start:i], first_file_line + outcome_start)
        statements.append(
            Statement("\n".join(source), code_line, first_file_line + start, expected)
        )
        code_line += len(source)
    return tuple(statements)


def _is_prompt(line: str, prompt: str) -> bool:
    return line == prompt or line.startswith(prompt + " ")


@dataclass
class _Record:
    """A `[WARNING ...]` / `[EXCEPTION ...]` record while it is being read."""

    kind: str
    name: str
    lines: list[str]
    location: str | None = None


def _parse_outcome(lines: list[str], file_line: int) -> Outcome:
    """Recorded stdout lines come first, then warning records, then the exception record.

    A record's message continues on the following lines until the next record (the
    float() warning spans two lines); an article warning ends with its location line.
    """
    stdout: list[str] = []
    records: list[_Record] = []
    for offset, line in enumerate(lines):
        if match := _RECORD.match(line):
            if records and records[-1].kind == "EXCEPTION":
                raise ValueError(f"line {file_line + offset}: record after the exception")
            name, message = _record_name_and_message(match, file_line + offset)
            records.append(_Record(match["kind"], name, [message]))
        elif not records:
            stdout.append(line)
        elif (location := _LOCATION.match(line)) and records[-1].kind == "WARNING":
            records[-1].location = location["location"]
        else:
            records[-1].lines.append(line)
    warns = tuple(
        Warn(r.name, "\n".join(r.lines), r.location) for r in records if r.kind == "WARNING"
    )
    exception = next(
        ((r.name, "\n".join(r.lines)) for r in records if r.kind == "EXCEPTION"), None
    )
    return normalised(Outcome("\n".join(stdout), warns, exception))


def _record_name_and_message(record: re.Match, file_line: int) -> tuple[str, str]:
    """`[WARNING builtins.UserWarning] msg` or `[WARNING] UserWarning: msg`."""
    if record["qualname"]:
        return record["qualname"], record["rest"]
    bare = _BARE_NAME.match(record["rest"])
    if not bare:
        raise ValueError(f"line {file_line}: cannot read record {record.group(0)!r}")
    return bare["name"], bare["message"] or ""


# ---------------------------------------------------------------------------------------
# Normalisation (applied to the recording and to the replay alike)

_ADDRESS = re.compile(r"0x[0-9a-f]+")
# PyTorch appends the C++ source location of a TORCH_WARN; it ends its line.
_TRIGGERED = re.compile(r" \(Triggered internally at [^\n]*\)")


def normalise_text(text: str) -> str:
    """Mask memory addresses and drop PyTorch's '(Triggered internally at ...)' tails."""
    return _TRIGGERED.sub("", _ADDRESS.sub("0x<ADDR>", text))


def normalised(outcome: Outcome) -> Outcome:
    """The outcome with every text field normalised."""
    return Outcome(
        normalise_text(outcome.stdout),
        tuple(Warn(w.category, normalise_text(w.message), w.location) for w in outcome.warnings),
        outcome.exception and (outcome.exception[0], normalise_text(outcome.exception[1])),
    )


# ---------------------------------------------------------------------------------------
# Replay


def replay_section(section: Section, module_name: str) -> list[Mismatch]:
    """Run the section's statements with `module_name` as torch; return what differs."""
    module = importlib.import_module(module_name)
    namespace = _fresh_namespace(module, module_name)
    mismatches = []
    with _restored_grad_mode(module), _importable_in_children(module_name):
        for statement in section.statements:
            source = _rewrite_child_code(statement.source, module_name)
            got = run_statement(source, statement.first_line, namespace, section)
            if not _agrees(section, statement, got):
                mismatches.append(Mismatch(statement, got))
    return mismatches


def run_statement(source: str, first_line: int, namespace: dict, section: Section) -> Outcome:
    """Execute one statement REPL-style in `namespace` and capture its outcome."""
    stdout = io.StringIO()
    exception = None
    with (
        warnings.catch_warnings(record=True) as caught,
        contextlib.redirect_stdout(stdout),
        _echoing_displayhook(),
    ):
        warnings.simplefilter("always")
        try:
            # Leading newlines put the statement on its line of the section's code, so a
            # warning's stacklevel attribution can be checked against "<article>:N".
            padded = "\n" * (first_line - 1) + source + "\n"
            exec(compile(padded, CODE_FILENAME, "single"), namespace)
        except Exception as exc:  # the recording goes on after an exception, so do we
            exception = (_type_name(type(exc), section), str(exc))
    warns = tuple(
        Warn(
            _type_name(w.category, section),
            str(w.message),
            f"{w.filename}:{w.lineno}" if section.locations else None,
        )
        for w in caught
    )
    return normalised(Outcome(stdout.getvalue().rstrip("\n"), warns, exception))


def _agrees(section: Section, statement: Statement, got: Outcome) -> bool:
    """Equality up to float rounding in stdout, except that once-only warnings may have
    fired before."""
    expected = statement.expected
    if _same(got, expected):
        return True
    if (section.title, statement.source) in ONCE_ONLY:
        return _same(got, Outcome(expected.stdout, (), expected.exception))
    return False


def _same(got: Outcome, expected: Outcome) -> bool:
    # imported here: a broken gradnb fails each section, not the whole module's import
    from gradnb.testing import matching_tolerance

    # the printed text carries no dtype: float32's tolerance, the looser one
    rtol, atol = matching_tolerance("torch.float32")
    return (got.warnings, got.exception) == (expected.warnings, expected.exception) and (
        printed_difference(got.stdout, expected.stdout, rtol=rtol, atol=atol) is None
    )


def _type_name(cls: type, section: Section) -> str:
    return f"{cls.__module__}.{cls.__qualname__}" if section.qualified_names else cls.__name__


def _fresh_namespace(module, module_name: str) -> dict:
    """Globals for one section: torch (the substitute), np, sys, and a redirecting import."""
    own_builtins = dict(vars(builtins))
    own_builtins["__import__"] = _redirecting_import(module_name)
    return {
        "__name__": "__main__",
        "__builtins__": own_builtins,
        "torch": module,
        "np": numpy,
        "sys": sys,
    }


def _redirecting_import(module_name: str):
    """An __import__ that reads `torch` / `torch.x` as `module_name` / `module_name.x`.

    It lives only in the exec namespace's builtins, so the real torch and gradnb can both
    be loaded in one process without either posing as the other in sys.modules.
    """
    real_import = builtins.__import__

    def __import__(name, globals=None, locals=None, fromlist=(), level=0):
        if level == 0 and (name == "torch" or name.startswith("torch.")) and _import_statement():
            name = module_name + name[len("torch") :]
        return real_import(name, globals, locals, fromlist, level)

    return __import__


_IMPORT_NAME = dis.opmap["IMPORT_NAME"]


def _import_statement() -> bool:
    """True when the frame calling __import__ is executing an import statement.

    C code looks __import__ up in the builtins of the innermost Python frame too
    (PyImport_Import): torch's C++ importing torch.storage while a statement runs must
    get real torch, not the substitute.
    """
    frame = sys._getframe(2)
    return frame.f_code.co_code[frame.f_lasti] == _IMPORT_NAME


@contextlib.contextmanager
def _echoing_displayhook():
    """Echo expression values like the interactive interpreter (repr, None is silent).

    Unlike sys.__displayhook__ it does not set builtins._, which would leak between
    sections and into pytest.
    """

    def echo(value):
        if value is not None:
            print(repr(value))

    saved, sys.displayhook = sys.displayhook, echo
    try:
        yield
    finally:
        sys.displayhook = saved


@contextlib.contextmanager
def _restored_grad_mode(module):
    """Give grad mode back after a section, so one failing section cannot leave
    autograd disabled (torch.set_grad_enabled(False) is process-wide) for the next."""
    is_enabled = getattr(module, "is_grad_enabled", None)
    try:
        before = is_enabled()
    except Exception:  # an unfinished substitute: nothing to restore, replay anyway
        before = None
    try:
        yield
    finally:
        if before is not None and is_enabled() != before:
            module.set_grad_enabled(before)


# The one statement that starts a child Python process passes it this code string.
_CHILD_CODE_PREFIX = 'code = "import torch\\n'


def _rewrite_child_code(source: str, module_name: str) -> str:
    """The single source rewrite: the child imports the substitute as torch.

    The namespace-local __import__ cannot reach into another process, so for a substitute
    the child code's `import torch` becomes `import <module> as torch` (same line, so the
    recorded `<string>:N` warning locations still apply).
    """
    if module_name == "torch" or not source.startswith(_CHILD_CODE_PREFIX):
        return source
    return source.replace("import torch\\n", f"import {module_name} as torch\\n", 1)


@contextlib.contextmanager
def _importable_in_children(module_name: str):
    """Let child Pythons import the substitute from where this process found it."""
    if module_name == "torch":
        yield
        return
    root = _import_root(module_name)
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), saved]))
    try:
        yield
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved


def _import_root(module_name: str) -> Path:
    """The sys.path entry the top-level package of `module_name` was imported from."""
    top = sys.modules[module_name.partition(".")[0]]
    if getattr(top, "__path__", None):  # a package (also a namespace package): its dir
        return Path(next(iter(top.__path__))).resolve().parent
    return Path(top.__file__).resolve().parent


# ---------------------------------------------------------------------------------------
# Reporting


def render(outcome: Outcome, section: Section) -> list[str]:
    """The outcome as transcript lines, in the section's own record format."""
    lines = outcome.stdout.split("\n") if outcome.stdout else []
    for w in outcome.warnings:
        lines += _record_lines("WARNING", w.category, w.message, section)
        if w.location is not None:
            lines.append(f"   (raised at {w.location})")
    if outcome.exception:
        lines += _record_lines("EXCEPTION", *outcome.exception, section)
    return lines


def _record_lines(kind: str, name: str, message: str, section: Section) -> list[str]:
    if section.qualified_names:
        return f"[{kind} {name}] {message}".split("\n")
    return f"[{kind}] {name}: {message}".split("\n")


def format_mismatches(section: Section, mismatches: list[Mismatch]) -> str:
    """A readable report: section, then per statement its source and an expected/got diff."""
    header = f"{section.transcript} :: {section.title}  ({len(mismatches)} statement(s) differ)"
    return "\n".join([header] + [_format_mismatch(section, m) for m in mismatches])


def _format_mismatch(section: Section, mismatch: Mismatch) -> str:
    statement = mismatch.statement
    prompts = [
        ("... " if n else ">>> ") + line for n, line in enumerate(statement.source.split("\n"))
    ]
    diff = difflib.unified_diff(
        render(statement.expected, section),
        render(mismatch.got, section),
        "expected",
        "got",
        lineterm="",
        n=5,
    )
    where = f"transcript line {statement.file_line}, section code line {statement.first_line}"
    note = ONCE_ONLY.get((section.title, statement.source))
    lines = [f"\n-- {where}", *prompts, *diff] + ([f"(once-only: {note})"] if note else [])
    return "\n".join(lines)


def assert_replays(section: Section, module_name: str) -> None:
    """pytest check: the section replayed with `module_name` reproduces the recording."""
    import pytest

    try:
        importlib.import_module(module_name)
        failure = None
    except ImportError as exc:
        failure = exc
    if failure:  # reported outside the except block: the chained traceback adds nothing
        pytest.fail(
            f"cannot import {module_name!r} to stand in for torch: {failure!r} "
            "(is the repository root on sys.path? `python -m pytest` or `pip install -e .`)",
            pytrace=False,
        )
    mismatches = replay_section(section, module_name)
    if mismatches:
        pytest.fail(format_mismatches(section, mismatches), pytrace=False)


def config_problems(sections: list[Section]) -> list[str]:
    """Harness configuration that no longer fits the transcripts (stale keys, rewrites)."""
    problems = []
    sources = [(s.title, st.source) for s in sections for st in s.statements]
    for key in ONCE_ONLY:
        if sources.count(key) != 1:
            problems.append(f"ONCE_ONLY entry matches {sources.count(key)} statements: {key}")
    children = sum(source.startswith(_CHILD_CODE_PREFIX) for _, source in sources)
    if children != 1:
        problems.append(f"the child-code rewrite matches {children} statements, expected 1")
    return problems
