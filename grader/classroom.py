"""GitHub Classroom: the result of one grading in the autograding reporter's format.

`classroom-resources/autograding-grading-reporter` reads, for each runner step named in its
`runners` input, an environment variable `<RUNNER>_RESULTS` holding base64 of a JSON object:
{version: 1, status: "pass"|"fail"|"error", max_score, tests: [{name, status, score, max_score,
message, test_code, filename, line_no, duration}]}. It sums the scores and reports them to
Classroom. `python -m grader --classroom-results` prints that base64 line (see the release's
`.github/workflows/classroom.yml`).

In Classroom the workflow runs on the student's own repository, with the student's own copy of
the grader and without the hidden checks: a student can change what it reports. The grade that
counts is the instructor's batch run (`python -m grader SUBMISSION... --csv gradebook.csv`).
"""

from __future__ import annotations

import base64
import json


def result(report: dict) -> dict:
    """The reporter's JSON for one grading report."""
    tests = []
    for item in report["items"]:
        status = "pass" if item["status"] == "passed" else ("fail" if item["status"] == "failed" else "error")
        tests.append(
            {
                "name": f"{item['id']}: {item['title']}",
                "status": status,
                "score": item["points"],
                "max_score": item["max_points"],
                "message": "" if status == "pass" else f"{item['status']}: {item['detail']}",
                "test_code": f"python -m grader . --only {item['id']}",
                "filename": "",
                "line_no": 0,
                "duration": int(1000 * item["seconds"]),
            }
        )
    statuses = {t["status"] for t in tests}
    overall = "pass" if statuses <= {"pass"} else ("error" if report["status"] != "graded" else "fail")
    return {"version": 1, "status": overall, "max_score": report["max_score"], "tests": tests}


def result_line(report: dict) -> str:
    """base64 of the reporter's JSON, as a runner step's `result` output."""
    return base64.b64encode(json.dumps(result(report)).encode("utf-8")).decode("ascii")
