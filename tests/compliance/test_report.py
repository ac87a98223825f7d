"""The compliance report, from hand-built dossiers: the summary first and in words, hostile text kept as
text in both formats, every edge (break glass, an open incident, a failed check, nothing served, nothing
upstream, a cut graph) said plainly. The Markdown is read back by a CommonMark parser (markdown-it-py),
the HTML by the standard library's parser: what a reader's tool would see, not what a regex guesses."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from app.compliance.report import html, markdown, markdown_escape
from app.compliance.service import AuditStatus
from tests.compliance.support import bare_model_version, credit_scoring, not_yet_registered, serving_nothing

HOSTILE = '<script>alert("x")</script> **bold** [link](http://evil.example) | cell `code` &amp; _under_\n- item'


class Page(HTMLParser):
    """The HTML's elements and the text of each section, by id."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.sections: list[str] = []
        self.text: dict[str, str] = {}
        self._open: list[str] = []
        self.feed(text)

    BLOCKS = {"p", "div", "td", "th", "tr", "li", "dt", "dd", "h2", "h3", "br"}

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in self.BLOCKS and self._open:  # cells and paragraphs read apart, as on screen
            self.text[self._open[-1]] += " "
        if tag == "section":
            self.sections.append(dict(attrs)["id"])
            self._open.append(dict(attrs)["id"])
            self.text[self._open[-1]] = ""

    def handle_endtag(self, tag):
        if tag == "section":
            self._open.pop()

    def handle_data(self, data):
        if self._open:
            self.text[self._open[-1]] += data

    def section(self, id: str) -> str:
        return " ".join(self.text[id].split())


def md_sections(text: str) -> dict[str, str]:
    """The Markdown's `## ` sections, their text as one line each."""
    parts = re.split(r"^## (.+)$", text, flags=re.M)
    return {title: " ".join(body.split()) for title, body in zip(parts[1::2], parts[2::2])}


def rendered(text: str) -> str:
    """The Markdown as a CommonMark renderer with GFM tables turns it into HTML."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


def test_the_summary_comes_first_and_says_what_serves_since_when_and_that_the_gate_passed():
    dossier = credit_scoring()
    page = Page(html(dossier))
    assert page.sections[0] == "summary"
    assert page.sections == ["summary", "raw-sources", "lineage", "runs", "checks-and-approvals",
                             "deployment-history", "artifacts", "incidents", "audit"]
    summary = page.section("summary")
    assert ("credit-scoring version 2 (registered as credit-scoring@2) since 20 March 2026, 09:00 UTC "
            "(switched by pat.owner)") in summary
    assert "Deployment gate Passed when this version was switched in." in summary
    assert "PII: Holds personally identifiable information." in summary
    assert "Open incidents None." in summary
    assert "Verified, intact up to entry 412." in summary

    text = markdown(dossier)
    assert list(md_sections(text))[:2] == ["Summary", "Raw sources"]
    summary = md_sections(text)["Summary"]
    assert ("**production/credit-scoring-api** serves **credit-scoring version 2** (registered as credit-scoring@2) "
            "since 20 March 2026, 09:00 UTC") in summary
    assert "**The deployment gate passed** when this version was switched in." in summary
    assert "**Open incidents:** none." in summary


def test_a_break_glass_switch_is_called_an_override_with_who_and_why():
    dossier = credit_scoring(break_glass=True)
    summary = Page(html(dossier)).section("summary")
    assert "Overridden (break glass) by olga.oncall." in summary
    assert "Reason given: “Fraud spike: Reviewed the gate report and the evidence.”" in summary
    assert "The override set aside: CHECK: bias_assessment is missing." in summary
    md = md_sections(markdown(dossier))
    assert "**The deployment gate was overridden (break glass)** by olga.oncall." in md["Summary"]
    assert "| credit-scoring version 2 | 20 March 2026, 09:00 UTC | now | pat.owner | **overridden** by olga.oncall" \
        in md["Deployment history"]


def test_a_non_commercial_licence_upstream_is_called_out_in_words_with_its_source():
    dossier = credit_scoring(non_commercial=True)
    summary = Page(html(dossier)).section("summary")
    assert ("Non-commercial licence upstream. postgres://bureau:5432/bureau_scores is licensed under CC-BY-NC-4.0 "
            "(Creative Commons Attribution-NonCommercial 4.0: non-commercial use only). "
            "This data may not be used commercially.") in summary
    md = md_sections(markdown(dossier))["Summary"]
    assert "> **Warning: non-commercial licence upstream.**" in md
    assert "bureau\\_scores is licensed under CC-BY-NC-4.0" in md
    # and not where there is none
    assert "non-commercial" not in Page(html(credit_scoring())).section("summary").lower()


def test_an_open_incident_is_in_the_summary():
    dossier = credit_scoring(open_incident=True)
    summary = Page(html(dossier)).section("summary")
    assert "Open incidents Doubled amounts: Reviewed the gate report and the evidence. opened 22 March 2026, " \
           "08:00 UTC by ivy.responder; quarantined s3://raw/transactions (snapshot 2026-03-08)" in summary
    assert "**Open incidents: 1.**" in md_sections(markdown(dossier))["Summary"]


def test_a_failed_check_is_marked_with_who_recorded_it_and_when():
    page = Page(html(credit_scoring(failed_check=True)))
    checks = page.section("checks-and-approvals")
    assert "Safety review Harmful or unsafe behaviour. Failed sam.security 13 March 2026, 10:00 UTC" in checks
    assert "| Safety review | Harmful or unsafe behaviour. | **Failed** | sam.security | 13 March 2026, 10:00 UTC |" \
        in markdown(credit_scoring(failed_check=True))


def test_every_approval_names_its_approver_role_and_time_and_the_audit_line_closes_the_report():
    dossier = credit_scoring()
    page = Page(html(dossier))
    approvals = page.section("checks-and-approvals")
    for approval in dossier.approvals:
        assert approval.approver in approvals
    assert "ada.approver Approver Production 19 March 2026, 08:00 UTC" in approvals
    assert "pat.owner Product owner Production 19 March 2026, 08:00 UTC" in approvals
    assert page.section("audit") == ("Audit trail Verified: all 412 entries of the audit trail are intact, each linked "
                                     "to the one before; the latest is entry 412 (fingerprint " + "9f" * 32 + ").")
    assert md_sections(markdown(dossier))["Audit trail"].startswith("Verified: all 412 entries of the audit trail are intact")


def test_a_broken_audit_chain_is_said_to_be_and_a_partial_check_says_how_far_it_went():
    broken = AuditStatus(ok=False, head_seq=2500, head_hash="ab" * 32, checked=1000, problem="entry 1800 was altered")
    dossier = credit_scoring(audit=broken)
    page = Page(html(dossier))
    assert "Audit trail Verification failed: entry 1800 was altered" in page.section("summary")
    assert page.section("audit").startswith("Audit trail Verification failed: entry 1800 was altered. The latest 1000 "
                                            "of its 2500 entries checked, up to entry 2500")
    assert "**Verification failed:** entry 1800 was altered. The latest 1000 of its 2500 entries checked" \
        in md_sections(markdown(dossier))["Audit trail"]


def test_words_not_ids():
    dossier = credit_scoring(open_incident=True, break_glass=True)
    for text in (html(dossier), markdown(dossier)):
        for asset in dossier.assets:
            assert asset.id not in text
        assert "run-train-2" not in text and "run-clean-txn" not in text  # runs are named by their job and day
        # model versions as "credit-scoring version 2"; the summary says once how the registry names it
        assert text.count("credit-scoring@2") == 1 and "(registered as credit-scoring@2)" in text
    assert "train_credit_scoring, 12 March 2026, 02:00 UTC" in Page(html(dossier)).section("runs")


def test_the_lineage_is_a_mermaid_diagram_a_drawing_and_every_link_in_words():
    dossier = credit_scoring()
    text = markdown(dossier)
    block = re.search(r"```mermaid\n(.*?)\n```", text, re.S).group(1)
    assert block.startswith("flowchart TB")
    assert '["credit-scoring version 2<br/>model, Production"]' in block
    assert block.count("-->") == len([e for e in dossier.edges if e.type != "VERSION_OF"])
    lineage = md_sections(text)["Lineage"]
    assert "- production/credit-scoring-api (deployment) serves credit-scoring version 2 (model, Production)." in lineage
    assert "- s3://raw/transactions (snapshot 2026-03-08) was read by clean\\_transactions (run, 8 March 2026)." in lineage

    page = Page(html(dossier))
    tags = [tag for tag, _ in page.tags]
    assert "svg" in tags and tags.count("rect") == 11 and tags.count("line") == 11  # nodes (no bare datasets but one) and links
    assert "mermaid" in [attrs.get("class") for tag, attrs in page.tags if tag == "pre"]
    assert "train_credit_scoring (run, 12 March 2026) produced credit-scoring version 2 (model, Production)." \
        in page.section("lineage")


def test_the_html_is_self_contained_and_printable():
    text = html(credit_scoring())
    page = Page(text)
    assert not [tag for tag, _ in page.tags if tag in ("script", "link", "img", "iframe", "object")]
    assert not [attrs for _, attrs in page.tags if "src" in attrs]
    assert "@media print" in text and "@page" in text and "#summary { break-after: page;" in text


def test_hostile_text_stays_text_in_html():
    dossier = credit_scoring(note=HOSTILE, break_glass=True, open_incident=True)
    text = html(dossier)
    page = Page(text)
    assert "script" not in [tag for tag, _ in page.tags] and "a" not in [tag for tag, _ in page.tags]
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in text
    assert 'Fraud spike: <script>alert("x")</script> **bold**' in page.section("summary")  # as the reader sees it


def test_hostile_text_stays_text_in_markdown():
    dossier = credit_scoring(note=HOSTILE, break_glass=True, open_incident=True)
    out = rendered(markdown(dossier))
    assert "<script>" not in out and "<a href" not in out and "<strong>bold</strong>" not in out
    assert "<code>code</code>" not in out and "<em>under</em>" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; **bold** [link](http://evil.example) | cell `code` " \
           "&amp;amp; _under_ - item" in out
    # a note inside a table stays in its cell: the tables keep their columns
    assert out.count("<table>") == 5
    for row in re.findall(r"<tr>(.*?)</tr>", out, re.S):
        assert row.count("<td>") + row.count("<th>") in (3, 4, 5, 7)


def test_markdown_escape_keeps_line_starts_from_becoming_lists_or_headings():
    for text in ("- item", "+ item", "1. first", "2) second", "===", "---", "# heading", "> quote"):
        out = MarkdownIt("commonmark").render(f"- {markdown_escape(text)}")
        assert out.count("<li>") == 1 and "<h" not in out and "<blockquote>" not in out, (text, out)
        assert out.replace("<ul>\n<li>", "").replace("</li>\n</ul>\n", "").replace("&gt;", ">") == text


def test_a_deployment_serving_nothing_says_so():
    dossier = serving_nothing()
    page = Page(html(dossier))
    assert "Serving No model version served here on 1 March 2026, 00:00 UTC." in page.section("summary")
    assert "Deployment gate" not in page.section("summary")
    assert page.section("lineage").endswith("Nothing upstream is recorded.")
    assert "No model version served here up to 1 March 2026, 00:00 UTC." in page.section("deployment-history")
    md = md_sections(markdown(dossier))
    assert "**production/credit-scoring-api** served no model version on 1 March 2026, 00:00 UTC." in md["Summary"]
    assert "**Licences of the data upstream:** none recorded." in md["Summary"]


def test_a_model_version_with_nothing_upstream_and_no_audit_status():
    dossier = bare_model_version()
    page = Page(html(dossier))
    assert "deployment-history" not in page.sections
    summary = page.section("summary")
    assert "Model scratch version 0.1 (registered as scratch@0.1), in stage Development" in summary
    assert "Audit trail Not verified for this report." in summary
    md = md_sections(markdown(dossier))
    assert ("This report describes the model **scratch version 0.1** (registered as scratch@0.1), in stage "
            "**Development**") in md["Summary"]
    assert md["Raw sources"].endswith("None.")
    assert md["Checks and approvals"] == ("### scratch version 0.1 Stage: Development. Built with xgboost. "
                                          "Owner: credit-risk. Compliance flags: fair-lending-reviewed. No checks recorded. "
                                          "No approvals recorded.")


def test_a_cut_graph_is_said_to_be_incomplete():
    assert "This report is incomplete." in Page(html(credit_scoring(complete=False))).section("summary")
    assert "**This report is incomplete:**" in md_sections(markdown(credit_scoring(complete=False)))["Summary"]
    assert "incomplete" not in Page(html(credit_scoring())).section("summary")


def test_a_subject_not_registered_yet_says_so_first():
    dossier = not_yet_registered()
    page = Page(html(dossier))
    assert page.section("summary").startswith("Summary production/credit-scoring-api was not registered yet on "
                                              "1 January 2026, 00:00 UTC: nothing of it stood then.")
    assert "Serving" not in page.section("summary")
    assert ("**production/credit-scoring-api was not registered yet on 1 January 2026, 00:00 UTC:** nothing of it "
            "stood then.") in md_sections(markdown(dossier))["Summary"]


def test_outcomes_recorded_again_after_as_of_are_named_not_shown():
    dossier = credit_scoring(restated=True)
    expected = ("Recorded again after 25 March 2026, 12:00 UTC, so not shown here: License compliance check "
                "(recorded again 24 March 2026, 10:00 UTC); auc on s3://curated/credit_holdout@2026-03-01 measurement "
                "(recorded again 24 March 2026, 11:00 UTC). The outcome that stood then is in the registry's audit trail.")
    assert expected in Page(html(dossier)).section("checks-and-approvals")
    assert expected.replace("_", "\\_") in md_sections(markdown(dossier))["Checks and approvals"]
    assert "Recorded again" not in Page(html(credit_scoring())).section("checks-and-approvals")


def test_a_rollback_switch_gives_its_reason_in_the_history():
    dossier = credit_scoring(rollback=True)
    assert "Passed; a rollback: Rolled back: Reviewed the gate report and the evidence." \
        in Page(html(dossier)).section("deployment-history")
    assert "| passed; a rollback: Rolled back: Reviewed the gate report and the evidence. |" \
        in md_sections(markdown(dossier))["Deployment history"]


def test_each_versions_last_artifact_verification_is_shown_drift_marked_and_the_others_never_verified():
    import dataclasses
    from datetime import UTC, datetime

    from app.compliance.service import VerificationRecord

    base = credit_scoring()
    drift = VerificationRecord(asset="credit-scoring@2", kind="ModelVersion", outcome="DRIFT",
                               at=datetime(2026, 3, 21, 8, 0, tzinfo=UTC), by="dana.steward",
                               uri="s3://models/credit-scoring/2", expected="sha256:" + "a" * 64,
                               actual="sha256:" + "b" * 64, detail="1 changed: model.pkl")
    dossier = dataclasses.replace(base, verifications=[drift])
    section = md_sections(markdown(dossier))["Artifacts"]
    assert "**Drift**, verified 21 March 2026, 08:00 UTC by dana.steward" in section
    assert "sha256:" + "a" * 64 in section and "sha256:" + "b" * 64 in section and "model.pkl" in section
    assert "never verified" in section  # the dataset versions upstream
    page = Page(html(dossier))
    assert "artifacts" in page.sections and "Drift" in page.section("artifacts")
    assert "Never verified" in page.section("artifacts")
