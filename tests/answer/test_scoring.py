from assistant.answer.scoring import counts
from assistant.lexical import coverage_tokens


def test_a_figure_counts_the_noun_that_follows_it() -> None:
    (companies,) = coverage_tokens("companies")
    assert counts(companies, "It has attracted more than 500 companies, including MiniMax and StepFun.")
    assert counts(companies, "More than 10,000 AI-related companies now operate in Shanghai")
    # a figure of something else beside the noun: the workforce's 200, the round's 500 million yuan
    assert not counts(
        companies, "its workforce has grown to more than 200, and the company has raised 500 million yuan"
    )
    (users,) = coverage_tokens("users")
    assert counts(users, "an online platform with 50 million or more registered users")
