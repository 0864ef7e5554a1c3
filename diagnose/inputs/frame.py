"""The answers frame: one row per assessment, one column per profile item, meta field and question.

Response files and survey exports both become this frame; the scoring engine reads it. Its
column names are the machine names of the score tables (``company.<profile id>``,
``assessment.date``, ...), so a column means the same thing from the file to the output.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from diagnose.content.questionnaire import Questionnaire

META_COLUMNS = ("assessment.date", "assessment.round", "assessment.consultant", "source")


def profile_column(item_id: str) -> str:
    return f"company.{item_id}"


def frame_columns(questionnaire: Questionnaire) -> list[str]:
    """The columns of an answers frame, in order."""
    return ([profile_column(p.id) for p in questionnaire.profile] + list(META_COLUMNS)
            + [q.id for q in questionnaire.questions])


def answers_frame(records: Iterable[dict[str, Any]], questionnaire: Questionnaire) -> pd.DataFrame:
    """An answers frame from dicts keyed by frame column; absent keys are unanswered."""
    columns = frame_columns(questionnaire)
    frame = pd.DataFrame.from_records(list(records), columns=columns)
    return frame.astype(object).where(frame.notna(), None)
