"""Schemathesis hooks for scripts/contract-fuzz.sh.

Credentials: every request gets the `Authorization` header of the security scheme its operation
declares in protocols/openapi.yaml (`accountToken`, `deviceCredential` or `operatorToken`); an
operation that declares none is sent without one. A request with an undeclared method (the
`unsupported_method` probe) carries the credential of the operation it was derived from, so the
server's `405` is not hidden behind a `401`. The tokens come from the environment, set by
contract-fuzz.sh after it registered an account, paired a device and made an operator token on
the server under test: TETHER_FUZZ_ACCOUNT_TOKEN, TETHER_FUZZ_DEVICE_CREDENTIAL,
TETHER_FUZZ_OPERATOR_TOKEN.

Webhooks: a generated webhook URL keeps its path but points at 127.0.0.1 port 1 (closed; the
server runs with `--webhook-targets any`), so an alert the fuzzed telemetry raises is never
posted off this machine.

Rules the schema cannot state: `positive_data_acceptance` fails a request the contract calls
valid that the server rejects. The contract declares every constraint JSON Schema can express
(ranges, lengths, patterns, required fields); the rules below cannot be - they relate two
fields, depend on stored state or the clock, or need more than a pattern (UTF-8 bytes, a time
zone database, a GeoJSON geometry, an HMAC). Their descriptions in the contract say them. A
rejection is forgiven only when the server's problem document names one of them exactly (the
operation, the problem `code`, the `field` and a phrase of the `detail`); any other rejection
fails the run.
"""

import atexit
import os
import re
from urllib.parse import urlsplit, urlunsplit

import schemathesis

CREDENTIALS = {
    "accountToken": os.environ.get("TETHER_FUZZ_ACCOUNT_TOKEN"),
    "deviceCredential": os.environ.get("TETHER_FUZZ_DEVICE_CREDENTIAL"),
    "operatorToken": os.environ.get("TETHER_FUZZ_OPERATOR_TOKEN"),
}

missing = sorted(name for name, value in CREDENTIALS.items() if not value)
if missing:
    raise RuntimeError(f"contract fuzz: no credential for {', '.join(missing)} in the environment")

# operationId -> [(code, field pattern, detail phrase, why)]
SEMANTIC_RULES = {
    "registerAccount": [
        ("invalid_field", r"password", "at most 72 bytes", "bcrypt's limit is in UTF-8 bytes, not characters"),
        ("invalid_field", r"latitude|longitude", "is required with", "the two come together"),
        ("invalid_field", r"region", "is not a region of this deployment", "the region directory decides"),
    ],
    "listTelemetry": [
        ("invalid_field", r"until", "must be after since", "relates two parameters"),
    ],
    "setAlertRules": [
        ("invalid_field", r"repeat_interval_s", "must be 0 (never) or between", "0, or 60 s to 7 d: a gap at 1-59"),
        ("invalid_field", r"phone_id", "must be a device of kind phone", "depends on the stored device"),
    ],
    "createFence": [
        ("invalid_field", r"circle|geojson(\..*)?", "", "exactly one of circle and geojson; a GeoJSON geometry"),
        ("invalid_field", r"name", "cannot be added", "at most 1,000 fences per account, stored state"),
    ],
    "createQuietWindow": [
        ("invalid_field", r"to", "must differ from the start time", "relates two fields"),
        ("invalid_field", r"tz", "must be an IANA time zone", "needs the time zone database"),
        ("invalid_field", r"days", "cannot be added", "at most 100 windows per account, stored state"),
    ],
    "setDoNotDisturb": [
        ("invalid_field", r"snooze_until", "", "in the future and within 7 days (the clock); one of three fields"),
    ],
    "syncSettings": [
        ("invalid_field", r"replica", 'not "server"', "one reserved name"),
        ("invalid_field", r"changes\[\d+\].*", "", "each edit's field and value depend on its collection and record"),
    ],
    "putBackupChunk": [
        ("invalid_field", r"body", "must be 1 to", "a binary body's size"),
        ("chunk_id_mismatch", r".*", "", "the body must hash to the id under the account's key"),
    ],
    "putBackupPack": [
        ("invalid_field", r"body|chunks.*", "", "the binary framing of protocols/backup.md"),
        ("chunk_id_mismatch", r".*", "", "each chunk must hash to its id under the account's key"),
    ],
    "commitBackupSnapshot": [
        ("invalid_field", r"manifest|version|entries.*", "", "the manifest is JSON inside a binary body"),
    ],
}

forgiven = {}


def credential_for(operation):
    """The bearer token of the first security scheme the operation declares, or None."""
    for requirement in operation.definition.raw.get("security") or []:
        for scheme in requirement:
            token = CREDENTIALS.get(scheme)
            if token:
                return token
    return None


@schemathesis.hook
def before_call(context, case, kwargs):
    token = credential_for(case.operation)
    if token is not None:
        if case.headers is None:
            case.headers = {}
        case.headers["Authorization"] = f"Bearer {token}"
    if case.operation.definition.raw.get("operationId") == "setWebhook" and isinstance(case.body, dict):
        url = case.body.get("url")
        if isinstance(url, str) and "://" in url:
            parts = urlsplit(url)
            case.body["url"] = urlunsplit((parts.scheme, "127.0.0.1:1", parts.path, parts.query, parts.fragment))


def semantic_rule(operation_id, problem):
    for code, field, phrase, why in SEMANTIC_RULES.get(operation_id, []):
        if (
            problem.get("code") == code
            and re.fullmatch(field, problem.get("field") or "")
            and phrase in (problem.get("detail") or "")
        ):
            return why
    return None


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if type(failure).__name__ != "RejectedPositiveData":
        return True
    try:
        problem = response.json()
    except Exception:
        return True
    if not isinstance(problem, dict):
        return True
    operation_id = case.operation.definition.raw.get("operationId")
    why = semantic_rule(operation_id, problem)
    if why is None:
        return True
    key = (operation_id, problem.get("code"), problem.get("field"))
    forgiven[key] = forgiven.get(key, 0) + 1
    return False


def report_forgiven():
    if forgiven:
        print("\n==> rejections forgiven as rules the schema cannot state (operation, code, field: count):")
        for (operation_id, code, field), count in sorted(forgiven.items(), key=lambda item: str(item[0])):
            print(f"    {operation_id} {code} {field}: {count}")


atexit.register(report_forgiven)
