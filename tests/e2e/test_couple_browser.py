"""Applying as a couple in real Chromium: Kari invites Per by e-mail, Per logs in and accepts,
Per builds the couple's joint list of position pairs and reorders it, and Kari sees the same
list. Every state of the couple page passes axe-core with no serious or critical violation;
each step is photographed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lis1.rounds.enums import CoupleStatus
from lis1.rounds.models import Couple, CouplePreference
from tests.e2e.conftest import axe_violations, log_in
from tests.factories import (
    ApplicantFactory,
    ApplicationFactory,
    OpenRoundFactory,
    PositionFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def couple_world():  # type: ignore[no-untyped-def]
    """An open round with three positions; Kari applied to Elverum and Tromsø, Per to Tromsø
    and Bodø."""
    round_ = OpenRoundFactory()
    elverum, tromso, bodo = (
        PositionFactory(round=round_, title=title, seats=1)
        for title in ("LIS1 Elverum", "LIS1 Tromsø", "LIS1 Bodø")
    )
    kari = ApplicantFactory(
        given_name="Kari", family_name="Lund", user__email="kari.lund@example.no"
    )
    per = ApplicantFactory(given_name="Per", family_name="Dahl", user__email="per.dahl@example.no")
    for applicant, positions in [(kari, (elverum, tromso)), (per, (tromso, bodo))]:
        for position in positions:
            ApplicationFactory(applicant=applicant, position=position)
    return {"kari": kari, "per": per, "elverum": elverum, "tromso": tromso, "bodo": bodo}


def _check(page, shoot, step: str) -> None:  # type: ignore[no-untyped-def]
    shoot(step)
    assert axe_violations(page) == [], step


def _log_in_as(page, live_server, applicant) -> None:  # type: ignore[no-untyped-def]
    """Log in and wait for the applicant's own overview."""
    log_in(page, live_server, applicant.user.email)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Welcome, {applicant.full_name}")


def _log_out(page) -> None:  # type: ignore[no-untyped-def]
    # By keyboard: Playwright's pointer check mistakes the inline <form> around the button
    # for an element covering it (block-in-inline), though a real click reaches the button.
    page.get_by_role("button", name="Log out").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation").get_by_role("link", name="Log in")).to_be_visible()


def _pair_texts(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        re.sub(r"\s+", " ", text).strip()
        for text in page.locator(".ranking__item .ranking__text").all_inner_texts()
    ]


def test_couple_invite_accept_and_joint_list(page, live_server, shoot, couple_world) -> None:  # type: ignore[no-untyped-def]
    url = live_server.url
    page.context.add_cookies([{"name": "lis1_language", "value": "en", "url": url}])
    kari, per = couple_world["kari"], couple_world["per"]
    elverum, tromso, bodo = couple_world["elverum"], couple_world["tromso"], couple_world["bodo"]

    # Kari invites Per by the e-mail address of his account.
    _log_in_as(page, live_server, kari)
    page.get_by_role("link", name="Apply as a couple").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Apply as a couple")
    _check(page, shoot, "invite-form")
    page.get_by_label("Your partner's e-mail address").fill("per.dahl@example.no")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("The invitation has been sent.")).to_be_visible()
    expect(page.get_by_text("Waiting for Per Dahl to accept your invitation.")).to_be_visible()
    _check(page, shoot, "invitation-sent")
    couple = Couple.objects.get()
    assert (couple.first, couple.second, couple.status) == (kari, per, CoupleStatus.INVITED)
    _log_out(page)

    # Per logs in and accepts.
    _log_in_as(page, live_server, per)
    page.get_by_role("link", name="Apply as a couple").click()
    expect(page.get_by_text("Kari Lund invites you to rank positions as a couple.")).to_be_visible()
    _check(page, shoot, "invitation-received")
    page.get_by_role("button", name="Accept the invitation").click()
    expect(page.get_by_text("You are now a couple in this round.")).to_be_visible()
    expect(page.get_by_text("Kari Lund and Per Dahl rank as a couple.")).to_be_visible()
    expect(page.get_by_text("Your list of pairs is empty.")).to_be_visible()
    _check(page, shoot, "couple-accepted")
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.ACCEPTED

    # Per builds the joint list: each select offers only that member's applications.
    first, second = page.get_by_label("Kari Lund"), page.get_by_label("Per Dahl")
    expect(first.locator("option")).to_have_count(3)  # "no position", Elverum, Tromsø
    expect(second.locator("option")).to_have_count(3)  # "no position", Tromsø, Bodø
    for first_position, second_position in [(tromso, tromso), (elverum, bodo), (elverum, None)]:
        page.get_by_label("Kari Lund").select_option(str(first_position.pk))
        page.get_by_label("Per Dahl").select_option(
            str(second_position.pk) if second_position else ""
        )
        page.get_by_role("button", name="Add the pair").click()
        expect(page.get_by_text("The couple's list has been saved.")).to_be_visible()
    expect(page.locator(".ranking__item")).to_have_count(3)
    assert _pair_texts(page) == [
        "Kari Lund: LIS1 Tromsø Per Dahl: LIS1 Tromsø",
        "Kari Lund: LIS1 Elverum Per Dahl: LIS1 Bodø",
        "Kari Lund: LIS1 Elverum Per Dahl: no position",
    ]
    _check(page, shoot, "pairs-added")

    # ... and moves the third pair to the top (two presses of its "up" button).
    page.get_by_role("button", name="Move pair 3 up").click()
    expect(page.locator(".ranking__item").nth(1)).to_contain_text("no position")
    page.get_by_role("button", name="Move pair 2 up").click()
    expect(page.locator(".ranking__item").first).to_contain_text("no position")
    _check(page, shoot, "pairs-reordered")
    expected = [(elverum.pk, None), (tromso.pk, tromso.pk), (elverum.pk, bodo.pk)]
    assert (
        list(
            CouplePreference.objects.filter(couple=couple)
            .order_by("rank")
            .values_list("first_position", "second_position")
        )
        == expected
    )

    # Phone width: the list still fits and passes.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.locator(".ranking__item")).to_have_count(3)
    _check(page, shoot, "pairs-mobile")
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_out(page)

    # Kari sees the same joint list, and the dissolve page asks before anything happens.
    _log_in_as(page, live_server, kari)
    page.get_by_role("link", name="Apply as a couple").click()
    expect(page.locator(".ranking__item")).to_have_count(3)
    assert _pair_texts(page) == [
        "Kari Lund: LIS1 Elverum Per Dahl: no position",
        "Kari Lund: LIS1 Tromsø Per Dahl: LIS1 Tromsø",
        "Kari Lund: LIS1 Elverum Per Dahl: LIS1 Bodø",
    ]
    _check(page, shoot, "pairs-seen-by-partner")
    page.get_by_role("link", name="Dissolve the couple").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dissolve the couple?")
    _check(page, shoot, "dissolve-confirm")
    page.get_by_role("link", name="Cancel").click()
    expect(page.locator(".ranking__item")).to_have_count(3)
    couple.refresh_from_db()
    assert couple.status == CoupleStatus.ACCEPTED
