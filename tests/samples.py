"""Article paragraphs shared by the CLI, integration and reliability tests (real-looking prose
that no rule may touch)."""

P1 = (
    "Scientists have described a new species of tree frog from the rainforest of Borneo, living high in "
    "the canopy where few researchers have looked before."
)

P2 = (
    "The frog, which is smaller than a fingernail, sings at night with a call that sounds like a dripping "
    "tap, according to the team that spent three seasons recording it."
)

P3 = (
    "The researchers now plan to survey the neighbouring valleys, where they expect to find related "
    "species that have been isolated from each other for thousands of years."
)
