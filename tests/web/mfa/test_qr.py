"""The enrolment QR code is an SVG element for inline HTML, drawn here from the data given."""

from __future__ import annotations

from ldnderm.web.mfa.qr import qr_svg


def test_it_is_an_inline_svg_element_without_xml_declaration_or_namespace() -> None:
    svg = qr_svg("otpauth://totp/ldnderm:alice?secret=JBSWY3DPEHPK3PXP")
    assert svg.startswith('<svg role="img" ') and svg.endswith("</svg>")
    assert "<?xml" not in svg and "xmlns" not in svg
    assert "<title>QR code for your authenticator app</title>" in svg


def test_it_draws_the_data_it_is_given() -> None:
    one = qr_svg("otpauth://totp/ldnderm:alice?secret=JBSWY3DPEHPK3PXP")
    assert one == qr_svg("otpauth://totp/ldnderm:alice?secret=JBSWY3DPEHPK3PXP")
    assert one != qr_svg("otpauth://totp/ldnderm:alice?secret=KRSXG5CTMVRXEZLU")
