"""Comparing versions: clauses matched by key, words marked with <ins>/<del>, everything escaped."""

from django.utils.safestring import SafeString

from agreements.diff import (
    ADDED,
    CHANGED,
    REMOVED,
    UNCHANGED,
    compare_clauses,
    diff_side_by_side,
    diff_words,
    summary,
)


def clause(key, text, number="1.1", heading=None):
    return {"key": key, "number": number, "heading": heading or key.title(), "text": text}


def test_changed_words_are_marked_and_the_rest_left_alone():
    html = diff_words("The parties meet every 3 months.", "The parties meet every 6 months.")
    assert html == "The parties meet every <del>3</del><ins>6</ins> months."
    assert isinstance(html, SafeString)


def test_neighbouring_changed_words_are_marked_as_one_change():
    html = diff_words("The cat sat on the mat.", "The dog stood on the mat.")
    assert html == "The <del>cat sat</del><ins>dog stood</ins> on the mat."


def test_identical_text_has_no_marks():
    assert diff_words("Same words.", "Same words.") == "Same words."


def test_script_in_new_text_is_escaped():
    html = diff_words("Meet monthly.", "Meet monthly.<script>alert('x')</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html and "<ins>" in html


def test_markup_in_unchanged_and_deleted_text_is_escaped():
    html = diff_words('<b onclick="x()">Bold</b> & <i>gone</i>', '<b onclick="x()">Bold</b> &')
    assert "<b" not in html and "<i>" not in html
    assert "&lt;b onclick=&quot;x()&quot;&gt;Bold" in html and "&amp;" in html
    assert "<del>" in html and "gone" in html


def test_side_by_side_marks_deletions_left_and_insertions_right():
    old, new = diff_side_by_side("Meet at <the> station.", "Meet at <the> office.")
    assert old == "Meet at &lt;the&gt; <del>station</del>."
    assert new == "Meet at &lt;the&gt; <ins>office</ins>."


def test_line_breaks_stay_outside_the_marks():
    html = diff_words("First paragraph.", "First paragraph.\n\nA new second paragraph.")
    assert html == "First paragraph.\n\n<ins>A new second paragraph.</ins>"


def test_clauses_are_matched_by_key_not_number():
    old = [clause("parties", "Between A and B.", "1.1"), clause("scope", "The campus.", "1.2")]
    new = [clause("scope", "The campus.", "1.1")]
    diffs = compare_clauses(old, new)
    assert [(d.key, d.status) for d in diffs] == [("parties", REMOVED), ("scope", UNCHANGED)]
    assert diffs[1].renumbered and diffs[1].old_number == "1.2"


def test_added_removed_and_changed_clauses_in_reading_order():
    old = [clause("a", "Alpha."), clause("b", "Bravo."), clause("c", "Charlie.")]
    new = [clause("a", "Alpha."), clause("c", "Charlie, changed."), clause("d", "Delta <new>.")]
    diffs = compare_clauses(old, new)
    assert [(d.key, d.status) for d in diffs] == [("a", UNCHANGED), ("b", REMOVED), ("c", CHANGED), ("d", ADDED)]
    removed, changed, added = diffs[1], diffs[2], diffs[3]
    assert removed.old_text == "<del>Bravo.</del>" and removed.new_text is None
    assert added.old_text is None and added.new_text == "<ins>Delta &lt;new&gt;.</ins>"
    assert "<ins>, changed</ins>" in changed.new_text
    assert summary(diffs) == {ADDED: 1, REMOVED: 1, CHANGED: 1, UNCHANGED: 1}


def test_a_changed_heading_is_marked():
    diffs = compare_clauses([clause("a", "Same.", heading="Old <heading>")], [clause("a", "Same.", heading="New")])
    assert diffs[0].status == CHANGED
    assert diffs[0].heading == "<del>Old &lt;heading&gt;</del><ins>New</ins>"


def test_identical_clauses_are_not_diffed(monkeypatch):
    """Only clauses whose heading or text differs go through the word diff; the rest are escaped as they are."""
    from agreements import diff

    compared = []
    real = diff._opcodes
    monkeypatch.setattr(diff, "_opcodes", lambda a, b: compared.append((a, b)) or real(a, b))
    old = [clause("a", "Same <b>text</b> &\nmore."), clause("b", "Old words."), clause("c", "", heading="Empty")]
    new = [clause("a", "Same <b>text</b> &\nmore."), clause("b", "New words."), clause("c", "", heading="Empty")]
    diffs = compare_clauses(old, new)
    assert [(d.key, d.status) for d in diffs] == [("a", UNCHANGED), ("b", CHANGED), ("c", UNCHANGED)]
    # One diff for clause b's text (its heading is the same, so not diffed either).
    assert compared == [(["Old", " ", "words", "."], ["New", " ", "words", "."])]
    unchanged = diffs[0]
    assert unchanged.old_text == unchanged.new_text == "Same &lt;b&gt;text&lt;/b&gt; &amp;\nmore."
    assert isinstance(unchanged.new_text, SafeString) and isinstance(unchanged.heading, SafeString)
    assert unchanged.heading == "A" and diffs[2].new_text == ""


def test_an_unchanged_clause_reads_exactly_as_the_word_diff_would_give_it():
    text = "Meet <every> 3 months & share\n\nstatistics, “quarterly”.  Twice-spaced."
    diffs = compare_clauses([clause("a", text, heading="H & <i>")], [clause("a", text, heading="H & <i>")])
    assert (diffs[0].old_text, diffs[0].new_text) == diff_side_by_side(text, text)
    assert diffs[0].heading == diff_words("H & <i>", "H & <i>")
