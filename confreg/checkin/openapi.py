"""The OpenAPI 3 description of /api/v1, kept beside the code it describes (the tests
check every answer against it)."""

from confreg.checkin.models import RESULTS

_ERROR = {"$ref": "#/components/schemas/Error"}


def _errors(*codes: int) -> dict:
    """The given error answers, and those any request may get."""
    text = {
        400: "The request is unusable",
        401: "No valid token or log-in",
        403: "Not a desk volunteer of this event",
        404: "No such event",
        409: "Nothing to undo",
        429: "Too many requests; wait and retry",
        503: "The database is not answering; nothing was recorded: retry with the same nonce",
    }
    return {
        str(code): {"description": text[code], "content": {"application/json": {"schema": _ERROR}}}
        for code in (*codes, 429, 503)
    }


def _json(schema: dict, description: str = "OK") -> dict:
    return {
        "200": {"description": description, "content": {"application/json": {"schema": schema}}}
    }


_SLUG = {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
_NULLABLE_STRING = {"type": "string", "nullable": True}

_SCAN = {
    "type": "object",
    "required": ["nonce"],
    "properties": {
        "token": {"type": "string", "description": "The QR content of a badge."},
        "registration": {
            "type": "string",
            "description": "A registration's public id, when the volunteer picked the "
            "delegate by name (instead of token).",
        },
        "nonce": {
            "type": "string",
            "minLength": 1,
            "maxLength": 64,
            "description": "New for each scan; a repeated nonce records nothing new "
            "and returns the first answer.",
        },
        "scope": {
            "oneOf": [{"type": "string", "enum": ["event"]}, {"type": "integer", "minimum": 1}],
            "description": '"event" (the entrance) or a programme session\'s id.',
        },
        "desk": {"type": "string", "maxLength": 64},
        "scanned_at": {
            "type": "string",
            "format": "date-time",
            "description": "When an offline desk scanned it (with offset).",
        },
    },
}

_DELEGATE = {
    "type": "object",
    "nullable": True,
    "properties": {
        "public_id": {"type": "string"},
        "name": {"type": "string"},
        "given_name": {"type": "string"},
        "family_name": {"type": "string"},
        "latin_name": {"type": "string"},
        "category": {"type": "string"},
        "category_label": {"type": "string"},
        "colour": {"type": "string"},
        "organisation": {"type": "string"},
        "city": {"type": "string"},
        "country": {"type": "string"},
        "country_name": {"type": "string"},
        "status": {"type": "string"},
        "badge_revision": {"type": "integer"},
        "notes": {"type": "string"},
        "photo_url": _NULLABLE_STRING,
    },
    "required": ["public_id", "name", "category", "status"],
}

_ANSWER = {
    "type": "object",
    "required": ["result", "detail", "message", "replayed", "checkin", "delegate", "first"],
    "properties": {
        "result": {"type": "string", "enum": list(RESULTS)},
        "detail": {
            "type": "string",
            "description": "Why refused (cancelled, revoked…), or "
            "the delegate's enrolment at a session's door.",
        },
        "message": {
            "type": "string",
            "description": "The answer in plain words, in the desk's language.",
        },
        "replayed": {"type": "boolean"},
        "checkin": {
            "type": "object",
            "required": ["id", "scanned_at", "desk", "scope"],
            "properties": {
                "id": {"type": "integer"},
                "scanned_at": {"type": "string", "format": "date-time"},
                "desk": {"type": "string"},
                "scope": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            },
        },
        "delegate": {"$ref": "#/components/schemas/Delegate"},
        "first": {
            "type": "object",
            "nullable": True,
            "properties": {
                "scanned_at": {"type": "string", "format": "date-time"},
                "local_time": {"type": "string"},
                "desk": {"type": "string"},
            },
        },
    },
}


def openapi_document() -> dict:
    bearer = [{"bearer": []}, {"desk_login": []}]
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "confreg check-in API",
            "version": "1",
            "description": "Check-in for desks and scanners. Authenticate with a desk "
            "user's bearer token (`flask --app wsgi confreg api-token EMAIL`), or the desk "
            "page's log-in with its CSRF token in X-CSRFToken.",
        },
        "paths": {
            "/api/v1/events/{slug}/checkins": {
                "post": {
                    "summary": "Check a badge (or a delegate picked by name) in",
                    "parameters": [_SLUG],
                    "security": bearer,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Scan"}}
                        },
                    },
                    "responses": _json({"$ref": "#/components/schemas/Answer"})
                    | _errors(400, 401, 403, 404),
                }
            },
            "/api/v1/events/{slug}/checkins/batch": {
                "post": {
                    "summary": "Send an offline desk's queued scans; the earliest scan of "
                    "a badge wins",
                    "parameters": [_SLUG],
                    "security": bearer,
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["scans"],
                                    "properties": {
                                        "scans": {
                                            "type": "array",
                                            "minItems": 1,
                                            "maxItems": 500,
                                            "items": {"$ref": "#/components/schemas/Scan"},
                                        }
                                    },
                                }
                            }
                        },
                    },
                    "responses": _json(
                        {
                            "type": "object",
                            "required": ["results"],
                            "properties": {
                                "results": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Answer"},
                                }
                            },
                        }
                    )
                    | _errors(400, 401, 403, 404),
                }
            },
            "/api/v1/events/{slug}/checkins/{checkin_id}/undo": {
                "post": {
                    "summary": "Undo a check-in made by mistake (it stays on record)",
                    "parameters": [
                        _SLUG,
                        {
                            "name": "checkin_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
                        },
                    ],
                    "security": bearer,
                    "responses": _json(
                        {
                            "type": "object",
                            "required": ["id", "undone_at"],
                            "properties": {
                                "id": {"type": "integer"},
                                "undone_at": {"type": "string", "format": "date-time"},
                            },
                        }
                    )
                    | _errors(401, 403, 404, 409),
                }
            },
            "/api/v1/events/{slug}/snapshot": {
                "get": {
                    "summary": "Everything a desk needs to judge badges and search names offline",
                    "parameters": [_SLUG],
                    "security": bearer,
                    "responses": _json(
                        {"type": "object", "required": ["key", "registrations", "sessions"]}
                    )
                    | _errors(401, 403, 404),
                }
            },
            "/api/v1/events/{slug}/search": {
                "get": {
                    "summary": "Delegates whose names match, in any script or in Latin letters",
                    "parameters": [
                        _SLUG,
                        {
                            "name": "q",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                        },
                    ],
                    "security": bearer,
                    "responses": _json(
                        {
                            "type": "object",
                            "required": ["results"],
                            "properties": {
                                "results": {
                                    "type": "array",
                                    "items": {"$ref": "#/components/schemas/Delegate"},
                                }
                            },
                        }
                    )
                    | _errors(401, 403, 404),
                }
            },
            "/api/v1/events/{slug}/public-key": {
                "get": {
                    "summary": "The event's Ed25519 public key and the badge token format",
                    "parameters": [_SLUG],
                    "security": [],
                    "responses": _json(
                        {
                            "type": "object",
                            "required": ["key_id", "public_key"],
                            "properties": {
                                "key_id": {"type": "string"},
                                "public_key": {"type": "string"},
                            },
                        }
                    )
                    | _errors(404),
                }
            },
        },
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "desk_login": {"type": "apiKey", "in": "cookie", "name": "session"},
            },
            "schemas": {
                "Scan": _SCAN,
                "Answer": _ANSWER,
                "Delegate": _DELEGATE,
                "Error": {
                    "type": "object",
                    "required": ["error", "message"],
                    "properties": {"error": {"type": "string"}, "message": {"type": "string"}},
                },
            },
        },
    }
