"""The seed's story, from an empty instance to an agreement a stranger verifies, through the pages only
(issue 15, item 1), in headless Chromium: each person in their own browser, time zone and language.

An admin made on the command line sets up two networks and four co-ops (London, New York, Buenos Aires,
Toronto) and invites their delegates, a member and a steward, who each follow the mailed link. The steward
proposes a round-table that the co-ops answer, and confirms it; drafts the shared-service proposal, which
delegates discuss; opens a ranked vote on who hosts it and a yes/no vote on adopting it. Delegates vote (one
replaces its ballot, one casts for another as its proxy); a ballot after the close is refused; the result
explains the count; the steward writes the outcome and opens the pledge campaign; co-ops pledge in GBP, USD,
ARS and CAD, one with its own condition; it commits; every party signs the agreement; a member downloads it;
a stranger verifies it, and a copy with one byte changed fails. The Buenos Aires delegate reads Spanish.

Every page visited passes axe-core, and a screenshot of each step goes to test-output/story/ (see README).
"""

from __future__ import annotations

import re
import shutil
from datetime import datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pikepdf
import pytest
from babel.support import Translations
from playwright.sync_api import expect

from governance import i18n
from tests.browser.axe import assert_accessible
from tests.browser.conftest import live_instance, serving

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "story"
PASSWORD = "a story long enough"
COOPS = {
    # name: (city, country, zone, browser locale, network names)
    "Thames Code": ("London", "GB", "Europe/London", "en-GB", ["CoTech", "Patio"]),
    "Hudson Tech": ("New York", "US", "America/New_York", "en-US", ["Patio"]),
    "Cooperativa Río": ("Buenos Aires", "AR", "America/Argentina/Buenos_Aires", "es-AR", ["Patio"]),
    "Lakeshore Tech": ("Toronto", "CA", "America/Toronto", "en-CA", ["Patio"]),
}
SLUGS = {name: re.sub(r"[^a-z0-9]+", "-", name.lower().replace("í", "i")).strip("-") for name in COOPS}


@pytest.fixture(scope="module")
def empty_app(tmp_path_factory):
    with live_instance(tmp_path_factory.mktemp("story"), "story", demo=False) as app:
        yield app


@pytest.fixture(scope="module")
def server(empty_app):
    with serving(empty_app) as base_url:
        yield base_url


def spanish() -> Translations:
    """The Spanish catalogs, merged: the words the Buenos Aires delegate's pages use."""
    directories = i18n.compile_catalogs(SHOTS.parent / "catalogs")
    merged = Translations()
    for directory in directories:
        merged.merge(Translations.load(str(directory), ["es"]))
    return merged


class Story:
    def __init__(self, browser, base_url: str, outbox: Path):
        self.browser, self.base_url, self.outbox = browser, base_url, outbox
        self.step = 0
        self.contexts = []
        self.es = spanish().gettext
        shutil.rmtree(SHOTS, ignore_errors=True)
        SHOTS.mkdir(parents=True)

    def browser_of(self, zone: str, locale: str = "en-GB"):
        context = self.browser.new_context(base_url=self.base_url, timezone_id=zone, locale=locale)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        return page

    def shot(self, page, name: str) -> None:
        """A screenshot for the story's folder, and axe-core's check of the page as it stands."""
        self.step += 1
        page.screenshot(path=str(SHOTS / f"{self.step:02d}-{name}.png"), full_page=True)
        assert_accessible(page, name)

    def mail(self, to: str, subject: str):
        """The newest mail to someone whose subject has these words."""
        for path in sorted(self.outbox.glob("*.eml"), reverse=True):
            message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
            if message["To"] == to and subject in message["Subject"]:
                return message
        raise AssertionError(f"no mail to {to} about {subject!r}")

    def link(self, to: str, subject: str, path: str) -> str:
        body = self.mail(to, subject).get_body(("plain",)).get_content()
        return re.search(rf"https?://\S+{path}\S+", body).group(0)

    def sign_in(self, page, email: str) -> None:
        page.goto("/sign-in")
        page.locator("input[name=email]").fill(email)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form.stack button[type=submit]").click()
        page.wait_for_url(re.compile(r"/$"))


def _choose(select, starting: str) -> None:
    """Select the option whose text starts with these words ('Lakeshore Tech (as proxy, ...)')."""
    options = select.locator("option")
    texts = options.all_inner_texts()
    index = next(i for i, text in enumerate(texts) if text.startswith(starting))
    select.select_option(index=index)


def _local(zone: str, days: int, hour: int, minute: int = 0) -> datetime:
    day = datetime.now(ZoneInfo(zone)) + timedelta(days=days)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def test_the_seed_story_from_an_empty_instance_to_a_verified_agreement(browser, empty_app, server):
    story = Story(browser, server, Path(empty_app.config["MAIL_OUTBOX"]))

    # The first admin, from the command line; they choose a password at the printed link.
    result = empty_app.test_cli_runner().invoke(args=["admin", "create", "ada@patio.example", "--name", "Ada Admin"])
    assert result.exit_code == 0, result.output
    link = re.search(r"http\S+/reset-password/\S+", result.output).group(0)
    admin = story.browser_of("Europe/London")
    admin.goto(link.split("localhost", 1)[-1])
    admin.get_by_label("Password").fill(PASSWORD)
    admin.get_by_role("button", name="Save the password").click()  # and signed in
    expect(admin.get_by_role("heading", name="Set up Roundtable")).to_be_visible()
    story.shot(admin, "first-admin-home")

    # Two networks, four co-ops, and the invitations.
    for name in ("Patio", "CoTech"):
        admin.goto("/networks/new")
        admin.get_by_label("Name").fill(name)
        admin.get_by_role("button", name="Create").click()
        expect(admin.get_by_role("heading", name=name, exact=True)).to_be_visible()
    story.shot(admin, "network-created")
    for name, (city, country, zone, _locale, _networks) in COOPS.items():
        admin.goto("/networks/patio/coops/new")
        admin.get_by_label("Name").fill(name)
        admin.get_by_label("Country").fill(country)
        admin.get_by_label("City").fill(city)
        admin.get_by_label("Time zone").fill(zone)
        admin.get_by_label("Worker-members").fill("8")
        admin.get_by_role("button", name="Add and admit").click()
        expect(admin.get_by_role("heading", name=name)).to_be_visible()
    admin.goto("/networks/cotech")
    admin.get_by_label("Co-op", exact=True).select_option(label="Thames Code (GB)")
    admin.get_by_role("button", name="Admit").click()
    expect(admin.get_by_role("link", name="Thames Code")).to_be_visible()

    people = {"steward@thames.example": ("Thames Code", "member", "Sam Steward"),
              "member@thames.example": ("Thames Code", "member", "Mo Member")}
    for name in COOPS:
        people[f"delegate@{SLUGS[name]}.example"] = (name, "delegate", f"{COOPS[name][0]} Delegate")
    for email, (coop, role, _who) in people.items():
        admin.goto(f"/coops/{SLUGS[coop]}")
        admin.get_by_label("Email", exact=True).fill(email)
        admin.get_by_label("Role").select_option(role)
        admin.get_by_role("button", name="Invite").click()
        expect(admin.get_by_text(f"Invitation sent to {email}")).to_be_visible()
    story.shot(admin, "coop-invitations")

    pages = {}
    for email, (coop, _role, who) in people.items():
        _city, _country, zone, locale, _networks = COOPS[coop]
        if email.startswith(("steward", "member")):
            locale = "en-GB"
        page = story.browser_of(zone, locale)
        page.goto(story.link(email, "You are invited", "/invitations/"))
        # Suggested from the browser's zone (Chromium may name an older alias: America/Buenos_Aires).
        expect(page.locator("input[name=time_zone]")).to_have_value(re.compile(zone.rsplit("/", 1)[-1]))
        page.locator("input[name=time_zone]").fill(zone)
        page.locator("input[name=name]").fill(who)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("form.stack button[type=submit]").click()
        expect(page.locator(".flash.success")).to_contain_text(who)
        pages[email] = page
    story.shot(pages["delegate@cooperativa-rio.example"], "joined-in-spanish")
    steward, member = pages["steward@thames.example"], pages["member@thames.example"]
    delegates = {name: pages[f"delegate@{SLUGS[name]}.example"] for name in COOPS}
    rio = delegates["Cooperativa Río"]
    expect(rio.locator("html")).to_have_attribute("lang", "es-AR")
    assert story.es("Sign out") != "Sign out"  # the Spanish catalog has it ...
    expect(rio.get_by_role("button", name=story.es("Sign out"))).to_be_visible()  # ... and her pages use it

    admin.goto("/networks/patio")
    admin.get_by_label("Person's email").fill("steward@thames.example")
    admin.get_by_label("Role", exact=True).select_option("steward")
    admin.get_by_role("button", name="Give the role").click()
    expect(admin.get_by_role("list").filter(has_text="Sam Steward").first).to_be_visible()

    # A round-table across four time zones: proposed, answered, confirmed.
    first, second = _local("Europe/London", 14, 17, 30), _local("Europe/London", 16, 17, 30)
    steward.goto("/meetings/new")
    steward.get_by_label("Title").fill("Round-table: a shared hosted service")
    steward.get_by_role("group", name="Networks invited").get_by_label("Patio").check()
    steward.get_by_label("Candidate times").fill(f"{first:%Y-%m-%d %H:%M}\n{second:%Y-%m-%d %H:%M}")
    steward.get_by_label("Video-call link").fill("https://meet.example.org/patio")
    steward.get_by_role("button", name="Propose the meeting").click()
    expect(steward.get_by_role("heading", name="Candidate times")).to_be_visible()
    meeting_url = steward.url
    story.shot(steward, "meeting-proposed")
    for name, page in delegates.items():
        page.goto(meeting_url)
        form = page.locator("form").filter(has=page.get_by_role("heading", name=re.compile(re.escape(name))))
        form.locator("select").first.select_option("yes")
        form.locator("select").nth(1).select_option("no" if name == "Hudson Tech" else "if_need_be")
        form.locator("button[type=submit]").click()
        expect(page.locator(".flash")).to_be_visible()
    story.shot(rio, "meeting-answered-in-spanish")
    steward.goto(meeting_url)
    expect(steward.get_by_text("Co-ops: 4 yes, 0 if need be, 0 no.")).to_be_visible()
    steward.get_by_role("button", name="Confirm this time").first.click()
    expect(steward.get_by_text("confirmed").first).to_be_visible()
    invitation = story.mail("delegate@lakeshore-tech.example", "")
    assert any(part.get_content_type() == "text/calendar" for part in invitation.iter_attachments())
    story.shot(steward, "meeting-confirmed")

    # The proposals: who hosts (ranked) and adopting the service (yes/no).
    def draft(title: str, summary: str, kind: str) -> str:
        steward.goto("/proposals/new")
        steward.get_by_label("Title").fill(title)
        steward.get_by_label("Kind").select_option(kind)
        steward.get_by_role("group", name="Addressed to the co-ops of").get_by_label("Patio", exact=True).check()
        steward.get_by_label("Summary").fill(summary)
        steward.get_by_label("Body (Markdown)").fill(
            "The shared hosted service earns **£1000 a month** and needs a co-operative host."
        )
        if kind == "joint_venture":  # a co-op needs the facts to decide
            steward.get_by_label("Current monthly revenue").fill("1000")
            steward.get_by_label("Current monthly costs").fill("250")
            steward.get_by_label(re.compile("^Currency")).fill("GBP")
            steward.get_by_label("Capacity needed (hours a month)").fill("40")
        steward.get_by_role("button", name="Save the draft").click()
        steward.get_by_role("button", name="Open for discussion").click()
        expect(steward.locator(".badge", has_text="discussion").first).to_be_visible()
        return steward.url

    adopt_url = draft(
        "Take over the shared hosted service", "Patio's co-ops run the service together.", "joint_venture"
    )
    host_url = draft("Which co-op should host the shared service?", "One co-op hosts it for all.", "policy")
    story.shot(steward, "proposal-in-discussion")
    for name, page in delegates.items():
        page.goto(adopt_url)
        section = page.locator("#interest-form")
        section.locator("select[name=stance]").select_option("interested")
        section.locator("input[name=note]").fill(f"{name} is in.")
        section.locator("button[type=submit]").click()
        comment = page.locator("#new-comment")
        comment.locator("textarea").fill(f"{name} can give hours to it.")
        comment.locator("button[type=submit]:not([name=preview])").click()
        expect(page.get_by_text(f"{name} can give hours to it.")).to_be_visible()
    story.shot(rio, "discussion-in-spanish")

    def open_vote(url: str, method: str, options: str = "") -> str:
        steward.goto(url)
        steward.get_by_role("link", name="Open the vote").click()
        steward.get_by_label(method, exact=False).first.check()
        steward.get_by_role("button", name="Next").click()
        if options:
            steward.get_by_label(re.compile("^Options, one a line")).fill(options)
        steward.get_by_label("Closes at").fill(_local("Europe/London", 3, 17).strftime("%Y-%m-%dT%H:%M"))
        steward.get_by_role("button", name="Open the vote").click()
        expect(steward.get_by_role("heading", name="Run this vote")).to_be_visible()
        return steward.url

    host_vote = open_vote(host_url, "Ranked choice, one winner (instant runoff)", "Thames Code\nHudson Tech\nCooperativa Río")
    story.shot(steward, "ranked-vote-open")
    adopt_vote = open_vote(adopt_url, "Yes or no, against a threshold")

    # Lakeshore lets Hudson cast its ballots; delegates vote; Thames replaces its ranked ballot.
    lakeshore = delegates["Lakeshore Tech"]
    for url in (host_vote, adopt_vote):
        lakeshore.goto(url)
        lakeshore.get_by_label("Let this co-op cast Lakeshore Tech's ballot").select_option(label="Hudson Tech")
        lakeshore.get_by_role("button", name="Name the proxy").click()
        expect(lakeshore.locator(".flash.success")).to_be_visible()
    rankings = {
        "Thames Code": ["Hudson Tech", "Thames Code"],
        "Hudson Tech": ["Hudson Tech", "Cooperativa Río"],
        "Cooperativa Río": ["Cooperativa Río", "Hudson Tech"],
        "Lakeshore Tech": ["Thames Code", "Hudson Tech"],
    }
    hudson = delegates["Hudson Tech"]
    for name, ranking in rankings.items():
        page = hudson if name == "Lakeshore Tech" else delegates[name]
        page.goto(host_vote)
        cast = page.locator("#cast")
        if cast.locator("select[name=coop]").count():
            _choose(cast.locator("select[name=coop]"), name)
        for i, choice in enumerate(ranking):
            cast.locator(f"#rank-{i}").select_option(label=choice)
        cast.locator("button[type=submit]").click()
        expect(page.locator(".flash.success")).to_be_focused()  # focus moves to the message with the receipt
        expect(page.locator(".flash.success")).to_contain_text(re.compile("[0-9a-f]{64}"))  # the receipt
    thames = delegates["Thames Code"]
    thames.goto(host_vote)
    thames.locator("#rank-0").select_option(label="Thames Code")
    thames.locator("#rank-1").select_option(label="Hudson Tech")
    thames.locator("#cast button[type=submit]").click()
    expect(thames.get_by_text("1 earlier ballot (replaced, kept as history)")).to_be_visible()
    story.shot(thames, "ballot-replaced")

    for name, page in delegates.items():
        answer = "No" if name == "Lakeshore Tech" else "Yes"
        page = hudson if name == "Lakeshore Tech" else page
        page.goto(adopt_vote)
        cast = page.locator("#cast")
        if cast.locator("select[name=coop]").count():
            _choose(cast.locator("select[name=coop]"), name)
        cast.locator(f"input[name=choice][value={answer.lower()}]").check()
        cast.locator("button[type=submit]").click()
        expect(page.locator("code.token").first).to_be_visible()
    story.shot(rio, "ballot-cast-in-spanish")

    # Buenos Aires has the ballot form open when the steward closes the vote: its late ballot is refused.
    rio.goto(adopt_vote)
    for url in (host_vote, adopt_vote):
        steward.goto(url)
        steward.get_by_role("button", name="Close and count now").click()
        expect(steward.get_by_role("link", name="The full result, round by round")).to_be_visible()
    rio.locator("#cast input[name=choice][value=no]").check()
    rio.locator("#cast button[type=submit]").click()
    expect(rio.locator(".flash.error, .field-error").first).to_be_visible()
    story.shot(rio, "late-ballot-refused")

    steward.goto(host_vote)
    steward.get_by_role("link", name="The full result, round by round").click()
    expect(steward.get_by_text(re.compile("won by instant runoff"))).to_be_visible()
    story.shot(steward, "ranked-result-explained")

    steward.goto(adopt_vote)
    steward.get_by_label("What was decided, and what happens next").fill(
        "Adopted. Hudson Tech hosts the service; every co-op pledges money and hours below."
    )
    steward.get_by_role("button", name="Save the outcome").click()
    expect(steward.get_by_role("heading", name="Outcome", exact=True)).to_be_visible()

    # The pledge campaign, in four currencies; Buenos Aires pledges on its own condition.
    steward.goto(adopt_url)
    steward.get_by_role("link", name="Open a pledge campaign…").click()
    steward.get_by_label("Base currency (ISO 4217 code)").fill("GBP")
    steward.get_by_label("Other currencies co-ops may pledge in, with their rates").fill(
        "USD 1.27 2026-12-01 Bank of England daily spot rate\n"
        "ARS 1270 2026-12-01 Banco Central de la República Argentina\n"
        "CAD 1.74 2026-12-01 Bank of Canada"
    )
    steward.get_by_label("Money a month, in the base currency (empty: no money target)").fill("1000")
    steward.get_by_label("Hours of capacity a month (empty: no hours target)").fill("40")
    steward.get_by_label(re.compile("^Seats, one a line")).fill("host")
    steward.get_by_label("At least this many co-ops").fill("4")
    steward.get_by_label("Deadline").fill(_local("Europe/London", 10, 17).strftime("%Y-%m-%dT%H:%M"))
    steward.get_by_label("Term, in months").fill("12")
    steward.get_by_role("button", name="Open the campaign").click()
    expect(steward.get_by_text("Nothing binds until every target is met by the deadline", exact=True)).to_be_visible()
    campaign_url = steward.url
    story.shot(steward, "campaign-open")

    pledges = {
        "Thames Code": ("GBP", "300.00", "10", None),
        "Hudson Tech": ("USD", "400.00", "15", "host"),
        "Cooperativa Río": ("ARS", "254000", "10", "4"),  # only if at least 4 co-ops are in
        "Lakeshore Tech": ("CAD", "350.00", "5", None),
    }
    for name, (currency, amount, hours, extra) in pledges.items():
        page = delegates[name]
        page.goto(campaign_url)
        form = page.locator("#pledge-form")
        form.locator("select[name=currency]").select_option(currency)
        form.locator("input[name=money]").fill(amount)
        form.locator("input[name=hours]").fill(hours)
        if extra == "host":
            form.get_by_label("host").check()
        elif extra:
            form.locator("input[name=min_coops]").fill(extra)
        form.locator("button[type=submit]").click()
        expect(page.locator(".flash.success[autofocus]")).to_be_visible()
    story.shot(rio, "pledged-in-spanish")
    steward.goto(campaign_url)
    expect(steward.get_by_text("Every target is met by the pledges that stand")).to_be_visible()
    steward.get_by_role("button", name="Commit now: every target is met").click()
    expect(steward.get_by_text(re.compile("^Committed")).first).to_be_visible()
    story.shot(steward, "campaign-committed")

    # The agreement: drawn, signed by every party, issued; a member downloads it.
    steward.get_by_role("link", name="The joint agreement: read it, sign it, download it").click()
    agreement_url = steward.url
    expect(steward.get_by_role("heading", name="Parties and signatures")).to_be_visible()
    for name, page in delegates.items():
        page.goto(agreement_url)
        sign = page.locator("#sign")
        sign.locator("input[name=typed_name]").fill(f"{COOPS[name][0]} Delegate")
        sign.locator("input[name=consent]").check()
        sign.locator("button[type=submit]").click()
        expect(page.locator(".flash.success[autofocus]")).to_be_visible()
        if name == "Cooperativa Río":
            story.shot(page, "signed-in-spanish")
    member.goto(agreement_url)
    expect(member.get_by_role("link", name="Download the issued agreement (PDF/A, sealed)")).to_be_visible()
    story.shot(member, "agreement-issued")
    with member.expect_download() as download:
        member.get_by_role("link", name="Download the issued agreement (PDF/A, sealed)").click()
    issued = SHOTS / "agreement.pdf"
    download.value.save_as(issued)
    with pikepdf.open(issued) as pdf:
        assert "agreement.json" in pdf.attachments
        assert len(pdf.pages) >= 2

    # A stranger checks the file, and a copy with one byte changed.
    stranger = story.browser_of("Pacific/Auckland", "en-NZ")
    stranger.goto("/verify")
    stranger.locator("input[type=file]").set_input_files(str(issued))
    stranger.get_by_role("button", name="Verify").click()
    expect(stranger.get_by_role("heading", name=re.compile("^Authentic"))).to_be_visible()
    story.shot(stranger, "verified-authentic")
    tampered = SHOTS / "agreement-one-byte-changed.pdf"
    data = bytearray(issued.read_bytes())
    middle = len(data) // 2
    data[middle] = (data[middle] + 1) % 256
    tampered.write_bytes(bytes(data))
    stranger.locator("input[type=file]").set_input_files(str(tampered))
    stranger.get_by_role("button", name="Verify").click()
    expect(stranger.get_by_role("heading", name="Not authentic")).to_be_visible()
    story.shot(stranger, "tampered-not-authentic")

    for context in story.contexts:
        context.close()
