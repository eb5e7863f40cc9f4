"""Statistics of the record: interception rates and their uncertainty, trend and change points,
saturation (do bigger waves get through more), published figures, and claims checked against it.

    rates.py        interception rates by class, model, period or command, with intervals
    trend.py        monthly trend and change points
    saturation.py   wave size against the share stopped
    published.py    rates published in the press beside the record's
    claims.py       an article's claims (YAML in data/claims/) checked against the record
"""
