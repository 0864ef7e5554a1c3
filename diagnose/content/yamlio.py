"""Safe YAML reading with positions, and YAML dumping that reads back the same.

Content and response files are edited by hand, so every problem must point at a line and a
column. Reading is deliberately narrower than PyYAML's ``safe_load``:

* anchors, aliases and merge keys are refused (aliases let a tiny file expand exponentially);
* duplicate keys are refused (PyYAML silently keeps the last one);
* files over a size limit, documents nested absurdly deep and documents of absurdly many
  values are refused, and only regular files are read (never a pipe or a device);
* only ``true``/``false`` are booleans (YAML 1.2): ``yes``, ``no``, ``on``, ``off`` stay the
  words an author typed, which is what a ``yesno`` answer or a ``show_if`` means by them;
* a value shaped like a date or time that does not exist (``2026-02-30``, ``T25:00``), as a
  value or a key, is a located problem of its file, not an error of the whole command.

Files are written atomically by ``diagnose.core.files``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from diagnose.core.errors import DiagnoseError, Problem, ValidationFailed
from diagnose.core.i18n import Msg

MAX_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 64
# Values (scalars, lists, mappings, keys included) in one file. The bundled questionnaire has
# about 4,000; each costs some 20 microseconds and 1 KB to read, and 5 MB of "1," would be
# 2.6 million of them (a minute and 1.5 GB).
MAX_NODES = 100_000
# Tokens the anchor check looks at: a file within MAX_NODES has fewer. Past it, an alias is
# still refused when the document is built (the node it names is met twice).
_SCAN_TOKENS = 5 * MAX_NODES


Loc = tuple[str | int, ...]


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: ~10x faster


class _TooDeep(Exception):
    """Raised while composing, before a deep document reaches libyaml's recursive composer."""


class _TooMany(Exception):
    """Raised while composing once a document has more than ``MAX_NODES`` values."""


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """SafeLoader whose booleans are YAML 1.2's ``true``/``false`` only.

    It also stops composing past ``MAX_DEPTH`` levels or ``MAX_NODES`` values: libyaml's
    composer recurses in C once per level, and a few kilobytes of ``[[[[`` overflow the C stack
    (a segfault, not a RecursionError). The composer calls ``descend_resolver`` and
    ``ascend_resolver`` around every node.
    """

    _depth = 0
    _nodes = 0

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        self._depth += 1
        self._nodes += 1
        if self._depth > MAX_DEPTH + 1:  # the builder refuses the same document, located
            raise _TooDeep
        if self._nodes > MAX_NODES:
            raise _TooMany
        super().descend_resolver(current_node, current_index)

    def ascend_resolver(self) -> None:
        self._depth -= 1
        super().ascend_resolver()


# YAML 1.2 core-schema scalars. YAML 1.1's extras surprise people who edit files by hand:
# ``yes`` -> True, ``10:30`` -> 630 (base 60), ``0042`` -> 34 (octal). Here those stay text,
# and so does any number with a leading zero (company ids such as 0042).
_REPLACED = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
               r"|^[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+$"),
    list("-+0123456789."),
)
_STANDARD_TAGS = {"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}


class _Dumper(yaml.SafeDumper):
    """Quotes every string that YAML 1.1 *or* the loader above would read as something else."""


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0|[1-9][0-9]*)$", "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^[-+]?(?:(?:0|[1-9][0-9]*)\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"
     r"|^[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+$", "-+0123456789."),
):
    _Dumper.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _time_presenter(dumper: yaml.SafeDumper, value: dt.date) -> yaml.ScalarNode:
    """Dates and times in ISO 8601 (``2026-03-12T10:41:07+09:00``), read back as such."""
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", value.isoformat())


class Flow(dict):  # type: ignore[type-arg]
    """A mapping written on one line (``{value: 3, note: ...}``), as in the contract."""


def _flow_presenter(dumper: yaml.SafeDumper, value: Flow) -> yaml.MappingNode:
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=True)


_Dumper.add_representer(str, _str_presenter)
_Dumper.add_representer(Flow, _flow_presenter)
_Dumper.add_representer(dt.date, _time_presenter)
_Dumper.add_representer(tuple, yaml.SafeDumper.represent_list)


@dataclass
class Document:
    """Parsed YAML with the 1-based line and column of every key and value."""

    path: str
    data: Any
    positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def where(self, loc: Loc) -> tuple[int, int]:
        """Position of ``loc``, or of its nearest ancestor that has one."""
        loc = tuple(loc)
        while loc:
            if loc in self.positions:
                return self.positions[loc]
            loc = loc[:-1]
        return self.positions.get((), (1, 1))

    def problem(self, loc: Loc, message: Msg, severity: str = "error") -> Problem:
        line, col = self.where(loc)
        return Problem(self.path, line, col, message, severity)


_ALIAS = Msg("앵커와 별칭(&, *)은 쓸 수 없습니다: 내용을 직접 적으세요",
             "anchors and aliases (&, *) are not allowed: write the content out")


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _refuse(doc_path: str, node: yaml.Node, message: Msg) -> ValidationFailed:
    line, col = _mark(node)
    return ValidationFailed([Problem(doc_path, line, col, message)])


class _Builder:
    """Turns a composed node tree into Python data, recording positions as it goes."""

    def __init__(self, path: str, loader: _Loader) -> None:
        self.path = path
        self.loader = loader
        self.positions: dict[Loc, tuple[int, int]] = {}
        self.seen: set[int] = set()

    def build(self, node: yaml.Node, loc: Loc = (), depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise _refuse(self.path, node, Msg("중첩이 너무 깊습니다", "nesting is too deep"))
        if id(node) in self.seen:  # the composer resolves an alias to the node it names
            raise _refuse(self.path, node, _ALIAS)
        self.seen.add(id(node))
        self.positions[loc] = _mark(node)
        if isinstance(node, yaml.CollectionNode) and node.tag not in _STANDARD_TAGS:
            raise _refuse(self.path, node, Msg("지원하지 않는 YAML 태그: {t}",
                                               "unsupported YAML tag: {t}").format(t=node.tag))
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _scalar(self, node: yaml.Node) -> Any:
        """A scalar's value; a value that cannot be one (a tag, an impossible date) is located."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as exc:
            raise _refuse(
                self.path, node, Msg("읽을 수 없는 값: {e}", "unreadable value: {e}").format(
                    e=exc.problem)
            ) from None
        except (ValueError, OverflowError):
            # Only the timestamp constructor raises these: ``2026-02-30`` has the shape of a
            # date, so YAML resolves it as one, and ``datetime`` then refuses the day.
            raise _refuse(self.path, node, Msg(
                "없는 날짜·시각입니다: {v}. 실제 날짜를 YYYY-MM-DD 형식으로 적으세요",
                "not a real date or time: {v}; write an existing date as YYYY-MM-DD",
            ).format(v=node.value)) from None

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise _refuse(self.path, key_node, Msg(
                    "병합 키(<<)는 쓸 수 없습니다: 내용을 직접 적으세요",
                    "merge keys (<<) are not allowed: write the content out"))
            if not isinstance(key_node, yaml.ScalarNode):
                raise _refuse(self.path, key_node, Msg("키는 단순 값이어야 합니다",
                                                      "keys must be plain values"))
            key = self._scalar(key_node)
            if not isinstance(key, (str, int, float)):
                key = str(key)
            if key in result:
                raise _refuse(self.path, key_node, Msg("중복된 키: {k}", "duplicate key: {k}")
                              .format(k=key))
            self.positions[(*loc, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*loc, key), depth + 1)
            self.positions[(*loc, key)] = _mark(key_node)
        return result


def _refuse_anchors(text: str, path: str) -> None:
    """Refuse anchors before composing: an alias bomb must never be expanded."""
    try:
        for token in itertools.islice(yaml.scan(text, Loader=_Loader), _SCAN_TOKENS):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                line, col = token.start_mark.line + 1, token.start_mark.column + 1
                raise ValidationFailed([Problem(path, line, col, _ALIAS)])
    except yaml.YAMLError:
        return  # the parse that follows reports the syntax error with its position


def _events(text: str) -> Iterator[yaml.Event]:
    """The parser's events, as many as the composer may have seen before it stopped."""
    return itertools.islice(yaml.parse(text, Loader=_Loader), 3 * MAX_NODES)


def _deep_mark(text: str) -> tuple[int, int]:
    """Where the first node the builder finds deeper than ``MAX_DEPTH`` starts."""
    open_: list[list[int]] = []  # per open collection: [is a mapping, nodes seen in it]
    with contextlib.suppress(yaml.YAMLError):
        for event in _events(text):
            if isinstance(event, yaml.NodeEvent):
                key = bool(open_) and open_[-1][0] == 1 and open_[-1][1] % 2 == 0
                if open_:
                    open_[-1][1] += 1
                if not key and len(open_) > MAX_DEPTH:  # the builder checks values, not keys
                    return _event_mark(event)
                if isinstance(event, yaml.CollectionStartEvent):
                    open_.append([int(isinstance(event, yaml.MappingStartEvent)), 0])
            elif isinstance(event, yaml.CollectionEndEvent):
                open_.pop()
    return 1, 1


def _event_mark(event: yaml.Event) -> tuple[int, int]:
    return event.start_mark.line + 1, event.start_mark.column + 1


def _past_limit_mark(text: str) -> tuple[int, int]:
    """Where the value after the first ``MAX_NODES`` starts."""
    nodes = 0
    with contextlib.suppress(yaml.YAMLError):
        for event in _events(text):
            if isinstance(event, yaml.NodeEvent):
                nodes += 1
                if nodes > MAX_NODES:
                    return _event_mark(event)
    return 1, 1


def parse_text(text: str, path: str = "<text>") -> Document:
    """Parse one YAML document from ``text`` (see the module docstring for the rules)."""
    if "&" in text or "*" in text:
        _refuse_anchors(text, path)
    try:
        loader = _Loader(text)
        try:
            root = loader.get_single_node()
            if root is None:
                return Document(path, None, {(): (1, 1)})
            builder = _Builder(path, loader)
            data = builder.build(root)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = exc.problem or exc.context or "syntax error"
        if "another document" in reason:
            raise ValidationFailed([Problem(path, line, col, Msg(
                "파일 하나에는 YAML 문서 하나만 둡니다 (--- 로 나누지 마세요)",
                "one YAML document per file (do not split it with ---)"))]) from None
        raise ValidationFailed([Problem(path, line, col, Msg(
            "YAML 문법 오류: {r}", "YAML syntax error: {r}").format(r=reason))]) from None
    except yaml.YAMLError as exc:
        raise ValidationFailed([Problem(path, 1, 1, Msg(
            "YAML 문법 오류: {r}", "YAML syntax error: {r}").format(r=exc))]) from None
    except (RecursionError, _TooDeep):
        line, col = _deep_mark(text)
        raise ValidationFailed([Problem(path, line, col, Msg(
            "중첩이 너무 깊습니다", "nesting is too deep"))]) from None
    except _TooMany:
        line, col = _past_limit_mark(text)
        raise ValidationFailed([Problem(path, line, col, Msg(
            "값이 너무 많습니다 (최대 {n:,}개): 파일을 나누세요",
            "too many values (at most {n:,}): split the file").format(n=MAX_NODES))]) from None
    return Document(path, data, builder.positions)


def read_text(path: Path, max_bytes: int = MAX_BYTES) -> str:
    """Read a UTF-8 text file, refusing huge and binary files with a clear message.

    Only regular files are read: a pipe named ``x.yaml`` would block the open until a writer
    comes, and ``/dev/zero`` never ends. At most ``max_bytes`` are read even if the file grows.
    """
    too_large = Msg("파일이 너무 큽니다 ({size:,} 바이트, 최대 {max:,})",
                    "file is too large ({size:,} bytes, at most {max:,})")
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise DiagnoseError(Msg("일반 파일이 아닙니다 (파이프나 장치)",
                                    "not a regular file (a pipe or a device)"), where=path)
        if info.st_size > max_bytes:
            raise DiagnoseError(too_large.format(size=info.st_size, max=max_bytes), where=path)
        # O_NONBLOCK: should the file have become a pipe since stat, the open does not wait.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise DiagnoseError(Msg("파일이 없습니다", "file not found"), where=path) from None
    except IsADirectoryError:
        raise DiagnoseError(Msg("파일이 아니라 폴더입니다", "is a folder, not a file"),
                            where=path) from None
    except OSError as exc:
        raise DiagnoseError(Msg("읽을 수 없습니다: {e}", "cannot read: {e}").format(
            e=exc.strerror), where=path) from None
    if len(raw) > max_bytes:  # it grew after stat
        raise DiagnoseError(too_large.format(size=len(raw), max=max_bytes), where=path)
    if b"\x00" in raw:
        raise DiagnoseError(Msg("텍스트 파일이 아닙니다 (바이너리)", "not a text file (binary)"),
                            where=path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise DiagnoseError(Msg(
            "UTF-8이 아닙니다 ({line}번째 줄): UTF-8로 다시 저장하세요",
            "not UTF-8 (line {line}): save it again as UTF-8",
        ).format(line=line), where=path) from None


def load(path: Path, max_bytes: int = MAX_BYTES) -> Document:
    """Read and parse a YAML file with positions."""
    return parse_text(read_text(path, max_bytes), str(path))


def dump(data: Any) -> str:
    """YAML text that this module reads back to the same data, key order kept."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=100)


def iter_yaml_files(folder: Path) -> Iterator[Path]:
    """The ``.yaml``/``.yml`` files directly in a folder, sorted by name."""
    yield from sorted(p for p in folder.iterdir() if p.suffix in {".yaml", ".yml"}
                      and not p.name.startswith("."))


def _clean_loc(doc: Document, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's union tags (``'str'``, ``'dict[str,str]'``) from an error location."""
    kept: tuple[Any, ...] = ()
    for part in loc:
        if (*kept, part) in doc.positions:
            kept = (*kept, part)
    return kept


def model_problems(doc: Document, error: ValidationError) -> list[Problem]:
    """Pydantic's errors as located problems, in Korean and English, one per place."""
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for err in error.errors():
        loc = tuple(err["loc"])
        kind = err["type"]
        path = ".".join(str(p) for p in _clean_loc(doc, loc))
        if kind == "extra_forbidden":
            msg = Msg("알 수 없는 키 '{k}': 철자를 확인하세요",
                      "unknown key '{k}': check its spelling").format(k=loc[-1])
            where = _clean_loc(doc, loc)
        elif kind == "missing":
            msg = Msg("필수 키 '{k}'가 없습니다", "required key '{k}' is missing").format(k=loc[-1])
            where = _clean_loc(doc, loc[:-1])
        else:
            where = _clean_loc(doc, loc)
            msg = Msg("{p}: 잘못된 값 ({e})", "{p}: invalid value ({e})").format(
                p=path or "(root)", e=err["msg"])
        named = kind in {"extra_forbidden", "missing"}  # one problem per key; per place otherwise
        key = (where, kind, loc[-1:]) if named else (where, "value", ())
        if key in seen:
            continue  # a union reports one problem per alternative
        seen.add(key)
        problems.append(doc.problem(where, msg))
    return problems


ModelT = TypeVar("ModelT", bound=BaseModel)


def validate(doc: Document, model: type[ModelT], what: Msg) -> ModelT:
    """The document as ``model``; every structural problem located, ``what`` names the file kind.

    ``what`` reads as "a rubric", "a response file": a file that is not a mapping is refused
    with "<what> must be a YAML mapping".
    """
    if not isinstance(doc.data, dict):
        raise ValidationFailed([doc.problem((), Msg(
            "{ko}은(는) 키: 값 형식의 YAML이어야 합니다", "{en} must be a YAML mapping",
        ).format(ko=what.ko, en=what.en))])
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        raise ValidationFailed(model_problems(doc, exc)) from None


def load_checked(path: Path, model: type[ModelT], what: Msg,
                 check: Callable[[Document, ModelT], list[Problem]]) -> tuple[ModelT, list[Problem]]:
    """A content file read, validated as ``model`` and checked against what it names.

    ``check`` finds the problems a schema cannot (ids that must exist elsewhere), located in
    the document. Any error raises ``ValidationFailed`` with every problem; the warnings are
    returned with the model.
    """
    doc = load(path)
    value = validate(doc, model, what)
    problems = check(doc, value)
    if any(p.severity == "error" for p in problems):
        raise ValidationFailed(problems)
    return value, problems


def repeats(ids: list[str]) -> list[int]:
    """The positions of the ids already given before them in the list (duplicates to refuse,
    each located at its second and later place)."""
    seen: set[str] = set()
    found = []
    for i, value in enumerate(ids):
        if value in seen:
            found.append(i)
        seen.add(value)
    return found
