"""The Korean font the PDFs embed, taken from a pip dependency.

``koreanize-matplotlib`` ships NanumGothic TTFs. Only the files are used: the module itself is
never imported, because importing it changes matplotlib's settings and imports ``distutils``.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

from diagnose.core.errors import DiagnoseError
from diagnose.core.i18n import Msg

FAMILY = "NanumGothic"
FILES = {"regular": "NanumGothic.ttf", "bold": "NanumGothicBold.ttf",
         "extrabold": "NanumGothicExtraBold.ttf", "light": "NanumGothicLight.ttf"}


@cache
def font_dir() -> Path:
    """The folder holding the NanumGothic TTFs, found without importing their package."""
    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is not None and spec.submodule_search_locations:
        for location in spec.submodule_search_locations:
            folder = Path(location) / "fonts"
            if (folder / FILES["regular"]).is_file():
                return folder
    raise DiagnoseError(Msg(
        "한글 글꼴(NanumGothic)을 찾을 수 없습니다: 'pip install koreanize-matplotlib'을 실행하세요",
        "the Korean font (NanumGothic) is missing: run 'pip install koreanize-matplotlib'"))


def font_file(weight: str = "regular") -> Path:
    return font_dir() / FILES[weight]
