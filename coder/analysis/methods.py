"""The methods note: what the synthesis figures count and how the tests behind them work.

One function returns the paragraphs, so the report, README and `--help` can state the same
thing; the figures it names (thresholds, run counts) are the defaults of the analysis modules.
"""

from __future__ import annotations

from coder.analysis import contrast, terms
from coder.analysis.facts import INTERVIEWER

REFERENCES = (
    "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian "
    "Journal of Statistics 6(2), 65-70.",
    "Monroe, B. L., Colaresi, M. P. and Quinn, K. M. (2008). Fightin' Words: Lexical feature "
    "selection and evaluation for identifying the content of political conflict. Political "
    "Analysis 16(4), 372-403.",
    "Good, P. (2005). Permutation, Parametric and Bootstrap Tests of Hypotheses, 3rd ed. "
    "Springer.",
)


def methods_note(
    *,
    include_interviewer: bool = False,
    level: str = "question",
    status: str = "accepted",
    coder: str | None = None,
) -> list[str]:
    """Paragraphs for a methods section, for the parameters a summary or report was made with."""
    unit = (
        "The counting unit is the segment (one speaker turn), interviewer turns included."
        if include_interviewer
        else "The counting unit is the informant segment: one speaker turn by an informant; "
        f"turns by the {INTERVIEWER} are left out of every count, share and quote."
    )
    who = f"codings by {coder} only" if coder else "codings of all coders pooled"
    statuses = "accepted codings" if status == "accepted" else "accepted and suggested codings"
    return [
        f"{unit} A segment counts once per code however many codings or coders it carries; "
        f"'codings' counts the codings themselves ({who}; {statuses}).",
        f"Codes are rolled up to the {level} level: a coding counts for the code at that level "
        "that it sits under in the codebook tree (an item counts for its question and section); "
        "codings made directly on a code above the level count for that code. Each coding "
        "counts for one relation: its own, else its code's (C13 politicians, C14 ceo, C15 "
        "units), else the segment's accepted relation, else the speaker's role-group default.",
        "Contrasts between groups of municipalities use the interview as the unit of "
        "inference: per interview the share of its informant segments that carry the code, per "
        "group the mean of those shares. The p value is a two-sided permutation test over whole "
        "transcripts (the group labels of the interviews are reassigned in all "
        f"C(n_a + n_b, n_a) ways, exactly up to {contrast.EXACT_LIMIT:,} arrangements, else "
        f"{contrast.DEFAULT_DRAWS:,} seeded random ones), with Holm's correction over all rows. "
        "The smallest p the design allows is stated with every contrast; a row whose coded "
        "segments come from one interview cannot go below n_small / (n_a + n_b). The share of "
        "each group's informant segments spoken by the relation's role group is shown beside "
        "each row, since who was interviewed can explain a difference. Segment counts and a "
        "segment-level z are descriptive only.",
        "Distinctive terms per relation are weighted log-odds with an informative Dirichlet "
        "prior (Monroe, Colaresi and Quinn 2008), each relation against the other two. Because "
        "many terms are scored, the line for 'distinctive' comes from the data: the relation "
        f"labels are shuffled ({terms.DEFAULT_RUNS} runs, seeded) and a term clears when its z "
        f"is above the {terms.QUANTILE * 100:.0f}th percentile of each run's largest z. Terms "
        f"are flagged when {terms.CONCENTRATED:.0%} or more of their uses come from one "
        "speaker, one interview or one municipality.",
        "References: " + " ".join(REFERENCES),
    ]
