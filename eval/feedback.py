"""Draft suite entries from user feedback (`vagvisare eval from-feedback`).

The drafting lives in :mod:`assistant.drafts`, below both the command line and the web's feedback review
page (which makes one draft at a time); this module keeps its names for the eval side.
"""

from assistant.drafts import Draft, drafts_from_feedback, normalise, to_yaml

__all__ = ["Draft", "drafts_from_feedback", "normalise", "to_yaml"]
