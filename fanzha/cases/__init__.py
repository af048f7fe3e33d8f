from fanzha.cases.intake import extract as extract  # case intake: fanzha.cases.extract(narrative, reported_at=...)
