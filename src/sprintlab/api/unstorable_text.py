"""NUL and lone surrogates in API bodies: refused with 422 per field, before any schema reads them.

Paths and query strings are checked for every request by ``core.unstorable_text.UnstorableTextMiddleware``;
JSON bodies are checked here, by a decorator that ``ApiConfig.ready`` puts on every operation.
"""

import json
from functools import wraps

from django.core.exceptions import RequestDataTooBig
from django.http import RawPostDataException

from sprintlab.api.api import api
from sprintlab.core.unstorable_text import error_body, unstorable_text_errors


def refuse_unstorable_text(run):
    """Answer 422 for a JSON body holding NUL or a lone surrogate anywhere (keys too), naming its path.

    Runs before authentication and the operation's schema; a body that does not parse, or is too
    big to read, is left to the operation, which answers as it always does.
    """

    @wraps(run)
    def checked(request, *args, **kwargs):
        try:
            body = json.loads(request.body) if request.body else None
        except (ValueError, RecursionError, RequestDataTooBig, RawPostDataException):
            return run(request, *args, **kwargs)
        errors = unstorable_text_errors(body.items() if isinstance(body, dict) else [("__all__", body)])
        if errors:
            return api.create_response(request, error_body(errors), status=422)
        return run(request, *args, **kwargs)

    return checked
