"""The medicine look-up fragment of the screening and course-start forms (HTMX, loopback)."""

from __future__ import annotations

from django.test import Client


def test_a_typed_name_lists_matches_with_codes_for_the_field_that_asked(client: Client) -> None:
    response = client.get(
        "/screening/medicines/", {"med-0-name": "oxycod"}, HTTP_HX_TRIGGER="id_med-0-name"
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-name="oxycodone"' in text and "RxNorm 7804" in text and "ATC N02AA05" in text
    assert 'data-for="id_med-0-name"' in text
    assert "Opioid" in text


def test_the_course_form_list_looks_up_its_last_line(client: Client) -> None:
    text = client.get("/screening/medicines/", {"medications": "metformin\ntramad"}).content
    assert b'data-name="tramadol"' in text and b'data-name="metformin"' not in text


def test_an_unknown_name_is_flagged_as_screened_unrecognised(client: Client) -> None:
    text = client.get("/screening/medicines/", {"q": "zzqqxx"}).content.decode()
    assert "not in the safety vocabulary" in text and "unrecognised" in text


def test_a_single_letter_gives_an_empty_fragment(client: Client) -> None:
    text = client.get("/screening/medicines/", {"q": "o"}).content.decode()
    assert "med-pick" not in text and "not in the safety vocabulary" not in text


def test_the_medicine_fields_ask_the_look_up(client: Client) -> None:
    text = client.get("/screening/").content.decode()
    assert 'hx-get="/screening/medicines/"' in text
    assert "screening/medicines.js" in text


def test_the_look_up_takes_only_get(client: Client) -> None:
    assert client.post("/screening/medicines/", {"q": "oxy"}).status_code == 405
