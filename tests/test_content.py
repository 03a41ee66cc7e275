"""Written content: every practice loads, belongs to a taught skill, and reads at the level
docs/clinical-sources.md sets (teens: Flesch-Kincaid grade 6 or below; every text SMOG 9 or
below)."""

from __future__ import annotations

import textstat

from companion.care import plans
from companion.library import practices

PRACTICES, PROBLEMS = practices.load_practices()


def test_every_practice_file_loads():
    assert PROBLEMS == ()
    assert {p.key for p in PRACTICES} >= {
        "breathing",
        "muscle-relaxation",
        "grounding",
        "thought-challenging",
        "pacing",
    }


def test_each_practice_belongs_to_a_built_in_skill_and_is_sourced():
    for practice in PRACTICES:
        assert practice.skill in plans.BUILT_IN_SKILLS, practice.key
        assert practice.sources, practice.key
        assert practices.practice_for_skill(practice.skill.upper()) == practice


def test_the_pacer_and_the_worksheets_have_what_the_toolbox_needs():
    by_key = {p.key: p for p in PRACTICES}
    assert by_key["breathing"].pacer == {"inhale": 4, "hold": 0, "exhale": 6, "rounds": 6}
    assert len(by_key["thought-challenging"].prompts) >= 4
    assert len(by_key["pacing"].prompts) >= 3


def test_practices_read_at_grade_6_or_below():
    for practice in PRACTICES:
        text = practices.plain_text(practice.body)
        assert textstat.flesch_kincaid_grade(text) <= 6, practice.key
        assert textstat.smog_index(text) <= 9, practice.key


def test_a_bad_practice_file_is_reported_not_fatal(tmp_path):
    (tmp_path / "good.md").write_text(
        "---\nkey: a\ntitle: A\nskill: Mindfulness\nsummary: s\n---\nHi."
    )
    (tmp_path / "bad.md").write_text("---\nkey: [unclosed\n---\nbody")
    (tmp_path / "evil.md").write_text("---\nkey: !!python/object/apply:os.system ['true']\n---\nx")
    found, problems = practices.load_practices(tmp_path)
    assert [p.key for p in found] == ["a"]
    assert sorted(p.split(":")[0] for p in problems) == ["bad.md", "evil.md"]


def test_the_pacer_counts_each_phase_by_hand():
    pacer = {"inhale": 4, "hold": 2, "exhale": 6, "rounds": 2}  # 12 s a round, 24 s in all
    seen = {
        t: (s.word, s.count, s.round, s.done_fraction)
        for t in (0, 3, 4, 5, 6, 11, 12, 23)
        if (s := practices.pacer_step(pacer, t))
    }
    assert seen == {
        0: ("Breathe in", 1, 1, 1 / 24),
        3: ("Breathe in", 4, 1, 4 / 24),
        4: ("Hold", 1, 1, 5 / 24),
        5: ("Hold", 2, 1, 6 / 24),
        6: ("Breathe out", 1, 1, 7 / 24),
        11: ("Breathe out", 6, 1, 12 / 24),
        12: ("Breathe in", 1, 2, 13 / 24),
        23: ("Breathe out", 6, 2, 1.0),
    }
    assert practices.pacer_step(pacer, 24) is None  # done
    assert practices.pacer_step({}, 4).word == "Breathe out"  # defaults: in 4, no hold
    assert practices.pacer_step({}, 60) is None  # 6 rounds of 10 s
    assert practices.pacer_step({"inhale": 0, "exhale": 0}, 0) is None  # nothing to count
