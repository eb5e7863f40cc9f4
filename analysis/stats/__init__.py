"""Statistics of the record: interception rates and their uncertainty, trend and changes of level,
saturation (do bigger waves get through more), published figures, and claims checked against it.

    intervals.py     the interval of a share pooled over waves (chosen by benchmarks/coverage.py)
    rates.py         interception rates by class, model, period or command, with intervals
    dispersion.py    how much the rate moves from wave to wave (Pearson phi, beta-binomial)
    headlines.py     the headline shares (complete coverage, whole record beside) and their words
    trend.py         whole-month series and their trend, allowing for persistence
    changepoints.py  known counting dates tested, unknown changes of level searched (calibrated)
    saturation.py    wave size against the share stopped, per class, in counts too
    size_check.py    the largest waves against the rest within quarters (second method)
    published.py     rates published in the press reconciled with the record's own counts
    claims/          an article's claims (YAML in data/claims/) checked against the record
    forecast/        the attack's tempo per class ahead, its backtest and its simulation study
"""
