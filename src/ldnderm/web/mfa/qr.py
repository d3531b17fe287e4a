"""The enrolment QR code, drawn on the server as inline SVG (segno): no image service, no CDN,
nothing leaves the site, and the strict Content-Security-Policy is unaffected."""

from __future__ import annotations

import segno


def qr_svg(data: str, title: str = "QR code for your authenticator app") -> str:
    """``data`` (an ``otpauth://`` URI) as an ``<svg>`` element to place in HTML."""
    code = segno.make(data, error="m")
    svg: str = code.svg_inline(scale=4, title=title, svgclass="mfa-qr", lineclass=None)
    return svg.replace("<svg ", '<svg role="img" ', 1)
