"""Handing printed documents and calendar files to the browser."""

from flask import Response, current_app


def practice_details() -> dict:
    """The practice as printed documents name it (plain data for a print context)."""
    return {
        "name": current_app.config["PRACTICE_NAME"],
        "phone": current_app.config["PRACTICE_PHONE"],
    }


def file_response(
    body: bytes, mimetype: str, filename: str, *, attachment: bool = False
) -> Response:
    """Clinical files are never cached by the browser or a proxy."""
    disposition = "attachment" if attachment else "inline"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'{disposition}; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def pdf_response(pdf: bytes, filename: str) -> Response:
    return file_response(pdf, "application/pdf", filename)


def ics_response(body: bytes, filename: str) -> Response:
    return file_response(body, "text/calendar", filename, attachment=True)
