"""The phone home page offers an open questionnaire to the panel only: an expert (or staff,
an observer) who scans their badge is not sent to a form that would refuse them."""

from __future__ import annotations

from facilitator.lan.app import PhoneApp
from facilitator.people import list_participants
from facilitator.people.ops import check_in, edit_participant
from facilitator.polls import ops
from facilitator.store import EventStore

from ..lan.test_phone_secrecy import call
from .conftest import small_questionnaire


def test_the_questionnaire_link_is_for_participants_only(event: EventStore) -> None:
    poll_id = ops.create_poll(event, small_questionnaire(), actor="test").poll_id
    ops.open_wave(event, poll_id, actor="test")
    participant, expert = list_participants(event)[:2]
    edit_participant(event, expert.id, role="expert", actor="test")
    for person in (participant, expert):
        check_in(event, person.id, actor="test")
    app = PhoneApp(event)
    link = f"/v/{participant.token}/poll/{poll_id}"
    status, _h, page = call(app, "GET", f"/v/{participant.token}")
    assert status == 200 and link in page
    status, _h, page = call(app, "GET", f"/v/{expert.token}")
    assert status == 200
    assert "/poll/" not in page and "Questionnaire" not in page
